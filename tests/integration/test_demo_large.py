"""The large generated project (`workbench demo --large N`): sized as asked, consistent, deterministic."""

import json

import pytest
from sqlalchemy import select

from tests.conftest import run_workbench as workbench
from workbench.domain.configurations import ElementRole
from workbench.services import configurations, memos, stats, theory
from workbench.services.demo_large import (
    CODINGS_PER_STUDY,
    CONFIGURATIONS_PER_STUDY,
    load_large_demo,
)
from workbench.services.errors import Invalid
from workbench.store.models import (
    Code,
    Coding,
    ConfigurationElement,
    ConfigurationLink,
    Document,
    ElementEvidence,
    Excerpt,
    Membership,
    Study,
    StudyAssignment,
    User,
)

OWNER = "olive"


def _codings(store, project_id):
    """Every coding as (study key, start, end, code name, coder): the content, without ids."""
    with store.transaction() as s:
        rows = s.execute(
            select(Study.key, Excerpt.start, Excerpt.end, Code.name, User.username)
            .select_from(Coding)
            .join(Excerpt, Coding.excerpt_id == Excerpt.id)
            .join(Document, Excerpt.document_id == Document.id)
            .join(Study, Document.study_id == Study.id)
            .join(Code, Coding.code_id == Code.id)
            .join(User, Coding.coder_id == User.id)
            .where(Study.project_id == project_id)
        ).all()
    return sorted(tuple(r) for r in rows)


def test_a_large_project_has_the_studies_codings_and_configurations_asked_for(store):
    result = load_large_demo(store, OWNER, 4, reviewers=3, name="Big")
    counts = stats.store_stats(store, OWNER, result.project_id)
    assert counts["studies"] == counts["documents"] == 4
    assert counts["codings"] == 4 * CODINGS_PER_STUDY
    assert counts["configurations"] == 4 * CONFIGURATIONS_PER_STUDY
    assert result.reviewers == ["reviewer01", "reviewer02", "reviewer03"]


def test_every_excerpt_is_the_exact_slice_of_its_document_and_every_coder_an_assigned_member(store):
    project_id = load_large_demo(store, OWNER, 3, reviewers=2).project_id
    with store.transaction() as s:
        members = set(s.scalars(select(Membership.user_id).where(Membership.project_id == project_id)))
        assigned = {tuple(r) for r in s.execute(select(StudyAssignment.study_id, StudyAssignment.user_id))}
        rows = s.execute(
            select(Excerpt, Document.text, Document.study_id).join(
                Document, Excerpt.document_id == Document.id
            )
        ).all()
        assert rows
        for excerpt, text, study_id in rows:
            assert 0 <= excerpt.start < excerpt.end <= len(text)
            assert text[excerpt.start : excerpt.end] == excerpt.text
            for coding in excerpt.codings:
                assert coding.coder_id in members
                assert (study_id, coding.coder_id) in assigned


def test_configurations_are_valid_cmocs_whose_evidence_carries_the_element_code(store):
    project_id = load_large_demo(store, OWNER, 3, reviewers=2).project_id
    with store.transaction() as s:
        elements = s.scalars(select(ConfigurationElement)).all()
        for element in elements:
            assert element.code.kind.value == element.role.value
            for evidence in s.scalars(
                select(ElementEvidence).where(ElementEvidence.element_id == element.id)
            ):
                assert evidence.coding.code_id == element.code_id
        assert s.scalars(select(ConfigurationLink)).all()
    rows = configurations.list_configurations(store, OWNER, project_id)
    assert len(rows) == 3 * CONFIGURATIONS_PER_STUDY
    for row in rows:
        assert {e.role for e in row.elements} == set(ElementRole)
    assert sum(1 for r in rows if r.n_studies == 1) > len(rows) // 2


def test_the_large_project_has_two_comparable_theory_versions_and_memos(store):
    project_id = load_large_demo(store, OWNER, 3, reviewers=2).project_id
    versions = theory.list_versions(store, OWNER, project_id)
    assert sorted(v.name for v in versions) == ["Initial programme theory", "Refined programme theory"]
    by_name = {v.name: v for v in versions}
    diff = theory.compare_versions(
        store,
        OWNER,
        project_id,
        by_name["Initial programme theory"].id,
        by_name["Refined programme theory"].id,
    )
    assert len(diff.added) == 3 * CONFIGURATIONS_PER_STUDY // 2 and not diff.removed
    current = theory.compare_versions(store, OWNER, project_id, by_name["Refined programme theory"].id, None)
    assert not current.added and not current.removed and not current.changed
    assert len(memos.list_memos(store, OWNER, project_id)) >= 3


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_same_arguments_give_the_same_content_and_a_second_run_changes_nothing(store):
    first = load_large_demo(store, OWNER, 2, reviewers=2, name="One")
    second = load_large_demo(store, OWNER, 2, reviewers=2, name="Two")
    assert _codings(store, first.project_id) == _codings(store, second.project_id)
    again = load_large_demo(store, OWNER, 2, reviewers=2, name="One")
    assert not again.created and again.project_id == first.project_id
    assert len(_codings(store, first.project_id)) == 2 * CODINGS_PER_STUDY


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_large_project_needs_at_least_one_study_and_one_reviewer(store):
    with pytest.raises(Invalid):
        load_large_demo(store, OWNER, 0)
    with pytest.raises(Invalid):
        load_large_demo(store, OWNER, 2, reviewers=0)


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_the_demo_command_generates_a_large_project_by_name(empty_database_url):
    assert workbench(empty_database_url, "db", "upgrade").returncode == 0
    result = workbench(
        empty_database_url, "demo", "--large", "3", "--reviewers", "2", "--project", "Scale", user=OWNER
    )
    assert result.returncode == 0, result.stderr
    assert "'Scale' loaded" in result.stdout
    counts = json.loads(
        workbench(empty_database_url, "stats", "--project", "Scale", "--json", user=OWNER).stdout
    )
    assert counts["studies"] == 3 and counts["codings"] == 3 * CODINGS_PER_STUDY
    again = workbench(empty_database_url, "demo", "--large", "3", "--project", "Scale", user=OWNER)
    assert "already present" in again.stdout
