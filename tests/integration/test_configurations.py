"""Configurations: built from coded evidence, counted in studies, chained, revised, and versioned."""

import pytest
from sqlalchemy import select

from workbench.domain.configurations import ConfigurationError, ConfigurationStatus
from workbench.services import configurations as cfg
from workbench.services import demo, evidence, projects, theory
from workbench.services.access import PermissionDenied, ensure_user
from workbench.services.errors import Conflict
from workbench.store.enums import Role
from workbench.store.models import Code, Coding, Membership

USER = "owner"


@pytest.fixture
def demo_project(store):
    demo.load_demo(store, USER)
    return projects.project_id_by_name(store, USER, demo.DEMO_PROJECT)


def code_id(store, name):
    with store.transaction() as s:
        return s.scalar(select(Code.id).where(Code.name == name))


def codings_of(store, name):
    with store.transaction() as s:
        return list(s.scalars(select(Coding.id).join(Code).where(Code.name == name)))


def test_a_configuration_counts_the_distinct_studies_of_its_evidence(store, demo_project):
    new_id = cfg.create_configuration(
        store, USER, demo_project, "When peers share lived experience, people trust them and hope grows.",
        [code_id(store, "Shared lived experience")], [code_id(store, "Others are safe, trusted or like me")],
        [code_id(store, "Hope")], label="T1",
    )  # fmt: skip
    row = cfg.get_configuration(store, USER, new_id)
    assert (row.contexts, row.n_studies) == (("Shared lived experience",), 0)
    hope = next(e for e in row.elements if e.role == "outcome")
    options = evidence.evidence_options(store, USER, hope.id)
    assert options and all(o.code == "Hope" and not o.attached for o in options)
    chosen = [o.coding_id for o in options]
    evidence.set_evidence(store, USER, hope.id, chosen)
    row = cfg.get_configuration(store, USER, new_id)
    expected = {o.study for o in options}
    assert row.n_studies == len(expected) and set(row.studies) == expected
    assert next(e for e in row.elements if e.role == "outcome").n_studies == len(expected)


def test_codes_in_the_wrong_role_are_refused(store, demo_project):
    with pytest.raises(ConfigurationError, match="is a mechanism and cannot be the context"):
        cfg.create_configuration(
            store, USER, demo_project, "Backwards.", [code_id(store, "I am acceptable or worthwhile")],
            [code_id(store, "I am acceptable or worthwhile")], [code_id(store, "Hope")],
        )  # fmt: skip


def test_evidence_must_be_codings_of_the_elements_code(store, demo_project):
    row = cfg.list_configurations(store, USER, demo_project)[0]
    context = row.elements[0]
    with pytest.raises(ValueError, match="must be codings of that code"):
        evidence.set_evidence(store, USER, context.id, codings_of(store, "Hope")[:1])


def test_suggested_configurations_are_co_occurring_triples_not_yet_built(store, demo_project):
    by_excerpt = evidence.suggest_configurations(store, USER, demo_project, "excerpt")
    by_paragraph = evidence.suggest_configurations(store, USER, demo_project, "paragraph")
    assert by_excerpt, "the demo has nested excerpts carrying C, M and O together"
    assert len(by_paragraph) >= len(by_excerpt)
    existing = {
        (c, m, o)
        for r in cfg.list_configurations(store, USER, demo_project)
        for c in r.contexts for m in r.mechanisms for o in r.outcomes
    }  # fmt: skip
    assert not existing & {(c.context, c.mechanism, c.outcome) for c in by_excerpt}
    assert [c.n_studies for c in by_excerpt] == sorted((c.n_studies for c in by_excerpt), reverse=True)


def test_chains_and_feedback_loops_are_listed(store, demo_project):
    rows = cfg.list_configurations(store, USER, demo_project)
    a, b, c = rows[0].id, rows[1].id, rows[2].id
    evidence.link_configurations(store, USER, a, b, "belonging becomes a context for helping others")
    evidence.link_configurations(store, USER, b, c)
    links, loops = evidence.chains(store, USER, demo_project)
    assert [(lk.from_label, lk.to_label) for lk in links] == [
        (rows[0].label, rows[1].label),
        (rows[1].label, rows[2].label),
    ]
    assert loops == []
    evidence.link_configurations(store, USER, c, a)
    _links, loops = evidence.chains(store, USER, demo_project)
    assert loops == [[rows[0].label, rows[1].label, rows[2].label]]
    with pytest.raises(ValueError, match="itself"):
        evidence.link_configurations(store, USER, a, a)


def test_a_refuted_configuration_keeps_its_note_and_evidence_and_stale_edits_fail(store, demo_project):
    row = cfg.list_configurations(store, USER, demo_project)[0]
    cited = codings_of(store, "Barriers to peer support")[:2]
    cfg.update_configuration(
        store, USER, row.id, expected_version=row.version, status=ConfigurationStatus.REFUTED,
        status_note="Contradicted by two ward studies", status_evidence=cited,
    )  # fmt: skip
    again = cfg.get_configuration(store, USER, row.id)
    assert (again.status, again.status_note, list(again.status_evidence)) == (
        "refuted",
        "Contradicted by two ward studies",
        sorted(cited),
    )
    with pytest.raises(cfg.StaleConfiguration):
        cfg.update_configuration(store, USER, row.id, expected_version=row.version, statement="old view")


def test_stakeholders_cannot_edit_configurations(store, demo_project):
    with store.transaction() as s:
        s.add(Membership(project_id=demo_project, user_id=ensure_user(s, "peer").id, role=Role.STAKEHOLDER))
    row = cfg.list_configurations(store, "peer", demo_project)[0]
    with pytest.raises(PermissionDenied):
        cfg.update_configuration(store, "peer", row.id, expected_version=row.version, statement="mine")


def test_programme_theory_versions_show_added_removed_and_changed_configurations(store, demo_project):
    first = theory.save_version(store, USER, demo_project, "Initial programme theory")
    rows = cfg.list_configurations(store, USER, demo_project)
    cfg.delete_configuration(store, USER, rows[0].id)
    cfg.update_configuration(store, USER, rows[1].id, expected_version=rows[1].version, statement="Refined.")
    element = rows[2].elements[0]
    evidence.set_evidence(store, USER, element.id, [])
    new_id = cfg.create_configuration(
        store, USER, demo_project, "New idea.", [code_id(store, "Equal power")],
        [code_id(store, "I am acceptable or worthwhile")], [code_id(store, "Self-expression")], label="N1",
    )  # fmt: skip
    assert new_id
    second = theory.save_version(store, USER, demo_project, "Refined programme theory")
    diff = theory.compare_versions(store, USER, demo_project, first, second)
    assert [c["label"] for c in diff.added] == ["N1"]
    assert [c["label"] for c in diff.removed] == [rows[0].label]
    changed = {c.label: c.fields for c in diff.changed}
    assert changed[rows[1].label]["statement"] == (rows[1].statement, "Refined.")
    assert "n_codings" in changed[rows[2].label]
    assert diff.unchanged == len(rows) - 3
    assert [v.name for v in theory.list_versions(store, USER, demo_project)] == [
        "Initial programme theory", "Refined programme theory",
    ]  # fmt: skip
    with pytest.raises(Conflict, match="already exists"):
        theory.save_version(store, USER, demo_project, "Initial programme theory")
    current = theory.compare_versions(store, USER, demo_project, second, None)
    assert (current.added, current.removed, current.changed) == ([], [], [])
