"""Configurations: built from coded evidence, counted in studies, chained, revised, and versioned."""

import pytest
from sqlalchemy import select

from workbench.domain.configurations import ConfigurationError, ConfigurationStatus
from workbench.domain.tables import build_table
from workbench.services import configurations as cfg
from workbench.services import demo, evidence, projects, theory
from workbench.services.access import ensure_user
from workbench.services.audit import audit_entries
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.services.figures import programme
from workbench.store.enums import Role
from workbench.store.models import Code, Coding, Configuration, Membership

from ..conftest import DEMO_OWNER as USER


@pytest.fixture
def store(demo_clone):
    """A demo project of this test's own, on SQLite and PostgreSQL."""
    return demo_clone


@pytest.fixture
def demo_project(store):
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
    with pytest.raises(Conflict):
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


def outcome_of(store, config_id):
    return next(e for e in cfg.get_configuration(store, USER, config_id).elements if e.role == "outcome")


def evidence_of(store, element_id):
    return sorted(o.coding_id for o in evidence.evidence_options(store, USER, element_id) if o.attached)


def test_saving_evidence_that_overlaps_the_current_set_keeps_the_shared_codings_and_swaps_the_rest(
    store, demo_project
):
    row = cfg.list_configurations(store, USER, demo_project)[0]
    element = outcome_of(store, row.id)
    candidates = [o.coding_id for o in evidence.evidence_options(store, USER, element.id)]
    assert len(candidates) >= 3
    a, b, c = candidates[:3]
    evidence.set_evidence(store, USER, element.id, [a, b])
    assert evidence.set_evidence(store, USER, element.id, [b, c]) is True
    assert evidence_of(store, element.id) == sorted([b, c])


def test_a_wrong_excerpt_can_be_removed_and_leaves_the_exported_table(store, demo_project):
    row = next(r for r in cfg.list_configurations(store, USER, demo_project) if r.n_studies >= 2)
    element = max(row.elements, key=lambda e: len({ev.study for ev in e.evidence}))
    wrong = element.evidence[0]
    others = {ev.study for e in row.elements for ev in e.evidence if ev.coding_id != wrong.coding_id}
    keep = [ev.coding_id for ev in element.evidence if ev.study != wrong.study]
    evidence.set_evidence(store, USER, element.id, keep)
    again = cfg.get_configuration(store, USER, row.id)
    assert wrong.coding_id not in {ev.coding_id for e in again.elements for ev in e.evidence}
    table = build_table(programme(store, USER, demo_project), "configurations")
    exported = next(r for r in table.rows if r[0] == row.label)
    assert wrong.quote not in str(exported[-1])
    if wrong.study not in {ev.study for e in again.elements for ev in e.evidence}:
        assert wrong.study not in str(exported[5]) and set(again.studies) <= others


def test_re_saving_an_unchanged_set_changes_nothing_and_records_nothing(store, demo_project):
    row = cfg.list_configurations(store, USER, demo_project)[0]
    element = next(e for e in row.elements if e.evidence)
    current = [ev.coding_id for ev in element.evidence]
    entries = len(audit_entries(store, USER, demo_project))
    assert evidence.set_evidence(store, USER, element.id, list(reversed(current))) is False
    assert evidence_of(store, element.id) == sorted(current)
    assert len(audit_entries(store, USER, demo_project)) == entries


def test_an_evidence_change_is_audited_with_what_was_added_and_removed(store, demo_project):
    row = cfg.list_configurations(store, USER, demo_project)[0]
    element = outcome_of(store, row.id)
    before = evidence_of(store, element.id)
    spare = next(o.coding_id for o in evidence.evidence_options(store, USER, element.id) if not o.attached)
    evidence.set_evidence(store, USER, element.id, [*before[1:], spare])
    entry = audit_entries(store, USER, demo_project)[0]
    assert (entry.entity_type, entry.entity_id, entry.user) == ("configuration_evidence", element.id, USER)
    assert entry.after["added"] == [spare] and entry.after["removed"] == before[:1]
    assert entry.before["codings"] == before


def test_evidence_from_a_deleted_coding_is_refused_with_a_message(store, demo_project):
    element = outcome_of(store, cfg.list_configurations(store, USER, demo_project)[0].id)
    with pytest.raises(NotFound, match="no longer exist"):
        evidence.set_evidence(store, USER, element.id, [10**9])


def test_a_configuration_is_created_with_its_evidence_in_one_call(store, demo_project):
    ids = [
        code_id(store, n) for n in ("Shared lived experience", "Others are safe, trusted or like me", "Hope")
    ]
    candidates = evidence.candidate_evidence(store, USER, demo_project, ids)
    assert all(not o.attached for options in candidates.values() for o in options)
    chosen = {
        ids[0]: [candidates[ids[0]][0].coding_id],
        ids[2]: [o.coding_id for o in candidates[ids[2]][:2]],
    }
    new_id = cfg.create_configuration(
        store, USER, demo_project, "Peers who share lived experience are trusted, and hope grows.",
        [ids[0]], [ids[1]], [ids[2]], evidence=chosen,
    )  # fmt: skip
    row = cfg.get_configuration(store, USER, new_id)
    attached = {e.code_id: sorted(ev.coding_id for ev in e.evidence) for e in row.elements}
    assert attached == {ids[0]: chosen[ids[0]], ids[1]: [], ids[2]: sorted(chosen[ids[2]])}
    assert row.n_studies == len(
        {o.study for i in (0, 2) for o in candidates[ids[i]] if o.coding_id in chosen[ids[i]]}
    )


def test_a_configuration_with_evidence_of_another_code_is_not_created_at_all(store, demo_project):
    ids = [
        code_id(store, n) for n in ("Shared lived experience", "Others are safe, trusted or like me", "Hope")
    ]
    with store.transaction() as s:
        before = s.query(Configuration).count()
    with pytest.raises(Invalid, match="must be codings of that code"):
        cfg.create_configuration(
            store, USER, demo_project, "Mixed up.", [ids[0]], [ids[1]], [ids[2]],
            evidence={ids[0]: codings_of(store, "Hope")[:1]},
        )  # fmt: skip
    with store.transaction() as s:
        assert s.query(Configuration).count() == before


def test_a_suggestion_names_the_codes_it_would_build(store, demo_project):
    suggestion = evidence.suggest_configurations(store, USER, demo_project, "excerpt")[0]
    names = {o.id: o.name for kind in cfg.role_options(store, USER, demo_project).values() for o in kind}
    assert tuple(names[i] for i in suggestion.code_ids) == (
        suggestion.context, suggestion.mechanism, suggestion.outcome,
    )  # fmt: skip
    new_id = cfg.create_configuration(
        store, USER, demo_project, "Suggested.", [suggestion.code_ids[0]], [suggestion.code_ids[1]],
        [suggestion.code_ids[2]],
    )  # fmt: skip
    assert new_id
    left = evidence.suggest_configurations(store, USER, demo_project, "excerpt")
    assert suggestion.code_ids not in {c.code_ids for c in left}


def test_chaining_the_same_two_configurations_twice_is_a_conflict(store, demo_project):
    a, b = (r.id for r in cfg.list_configurations(store, USER, demo_project)[:2])
    evidence.link_configurations(store, USER, a, b)
    with pytest.raises(Conflict, match="already chained"):
        evidence.link_configurations(store, USER, a, b)
