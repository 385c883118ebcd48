"""Codebook: merging and deleting codes never loses a configuration's support, and edits are guarded."""

import pytest
import yaml

from workbench.domain.codebook import CodebookError, CodeKind, parse_codebook
from workbench.services import codebook, demo, projects
from workbench.services.access import ensure_user
from workbench.services.audit import audit_entries
from workbench.services.configurations import list_configurations
from workbench.services.errors import PermissionDenied
from workbench.services.stats import store_stats
from workbench.store.enums import Role
from workbench.store.models import Membership

USER = "owner"


@pytest.fixture
def store(demo_clone):
    """In this module every store starts as a fresh copy of the demo project (owned by "owner")."""
    return demo_clone


def demo_project(store) -> int:
    return projects.project_id_by_name(store, USER, demo.DEMO_PROJECT)


def node(store, project_id: int, name: str) -> codebook.CodeNode:
    (found,) = [
        n for n in codebook.flatten(codebook.codebook_tree(store, USER, project_id)) if n.name == name
    ]
    return found


def support(store, project_id: int) -> dict[str, tuple[int, list[tuple[str, str]]]]:
    """Per configuration: its number of studies and the (study, quote) pairs of its evidence."""
    return {
        r.label: (r.n_studies, sorted({(ev.study, ev.quote) for e in r.elements for ev in e.evidence}))
        for r in list_configurations(store, USER, project_id)
    }


def by_id(store, project_id: int, code_id: int) -> codebook.CodeNode:
    return next(
        n for n in codebook.flatten(codebook.codebook_tree(store, USER, project_id)) if n.id == code_id
    )


def tree_shape(store, project_id: int) -> list[tuple]:
    nodes = codebook.flatten(codebook.codebook_tree(store, USER, project_id))
    return [(n.id, n.name, n.kind, n.parent_id, n.depth, n.codings, n.studies, n.colour) for n in nodes]


def add_member(store, project_id: int, username: str, role: Role) -> None:
    with store.transaction() as session:
        user = ensure_user(session, username)
        session.add(Membership(project_id=project_id, user_id=user.id, role=role))


def test_the_tree_follows_the_sample_codebook_with_coding_and_study_counts(store):
    project_id = demo_project(store)
    roots = codebook.codebook_tree(store, USER, project_id)
    assert [r.name for r in roots] == ["Contexts", "Mechanisms", "Outcomes", "Other"]
    accepting = roots[0].children[0]
    assert (accepting.name, accepting.depth, accepting.path) == ("Accepting", 1, ("Contexts", "Accepting"))
    trusted = node(store, project_id, "Others are safe, trusted or like me")
    assert (trusted.codings, trusted.kind, trusted.depth) == (45, CodeKind.MECHANISM, 1)
    assert 2 <= trusted.studies <= 13
    total = sum(n.codings for n in codebook.flatten(roots))
    assert total == store_stats(store, USER, project_id)["codings"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("I can be effective in my recovery", "I am acceptable or worthwhile"),
        ("Informal setting", "Time and continuity"),
        ("Non-judgemental stance", "Accepting"),
    ],
)
def test_merging_two_codes_that_never_meet_keeps_every_coding_and_every_configurations_studies(
    store, source, target
):
    project_id = demo_project(store)
    before, support_before = store_stats(store, USER, project_id), support(store, project_id)
    s, t = node(store, project_id, source), node(store, project_id, target)
    result = codebook.merge_codes(store, USER, s.id, t.id)
    after = store_stats(store, USER, project_id)
    assert after["codings"] == before["codings"] and after["codes"] == before["codes"] - 1
    assert support(store, project_id) == support_before
    assert (result.codings_moved, result.duplicates_dropped) == (s.codings, 0)
    assert node(store, project_id, target).codings == s.codings + t.codings
    assert not [
        n for n in codebook.flatten(codebook.codebook_tree(store, USER, project_id)) if n.name == source
    ]


@pytest.mark.parametrize(
    ("source", "target", "duplicates"),
    [
        ("Confidence and agency", "Hope", 1),
        ("Others are safe, trusted or like me", "I am acceptable or worthwhile", 2),
    ],
)
def test_merging_codes_applied_together_drops_the_duplicate_coding_but_keeps_its_evidence(
    store, source, target, duplicates
):
    project_id = demo_project(store)
    before, support_before = store_stats(store, USER, project_id), support(store, project_id)
    s, t = node(store, project_id, source), node(store, project_id, target)
    result = codebook.merge_codes(store, USER, s.id, t.id)
    assert result.duplicates_dropped == duplicates and result.evidence_repointed >= 1
    assert store_stats(store, USER, project_id)["codings"] == before["codings"] - duplicates
    assert node(store, project_id, target).codings == s.codings + t.codings - duplicates
    assert support(store, project_id) == support_before


def test_merging_a_configuration_element_into_the_same_role_pools_the_evidence(store):
    project_id = demo_project(store)
    s = node(store, project_id, "Others are safe, trusted or like me")
    t = node(store, project_id, "I am acceptable or worthwhile")
    (a13,) = [r for r in list_configurations(store, USER, project_id) if r.label == "A13"]
    assert set(a13.mechanisms) == {s.name, t.name}
    result = codebook.merge_codes(store, USER, s.id, t.id)
    (a13,) = [r for r in list_configurations(store, USER, project_id) if r.label == "A13"]
    assert a13.mechanisms == (t.name,) and result.elements_merged >= 1


def test_merging_a_parent_into_its_own_sub_code_puts_the_sub_code_in_its_place(store):
    project_id = demo_project(store)
    before = store_stats(store, USER, project_id)
    accepting, stance = (
        node(store, project_id, "Accepting"),
        node(store, project_id, "Non-judgemental stance"),
    )
    result = codebook.merge_codes(store, USER, accepting.id, stance.id)
    contexts = codebook.codebook_tree(store, USER, project_id)[0]
    assert contexts.children[0].name == "Non-judgemental stance"
    assert [c.name for c in contexts.children[0].children] == [
        "Shared lived experience",
        "Seen as a whole person",
    ]
    assert result.children_moved == 2
    assert store_stats(store, USER, project_id)["codings"] == before["codings"]


def test_merging_a_mechanism_into_an_outcome_is_refused(store):
    project_id = demo_project(store)
    mechanism, outcome = (
        node(store, project_id, "I am acceptable or worthwhile"),
        node(store, project_id, "Hope"),
    )
    with pytest.raises(CodebookError, match="a mechanism code cannot be merged into an outcome code"):
        codebook.merge_codes(store, USER, mechanism.id, outcome.id)
    assert node(store, project_id, "I am acceptable or worthwhile").codings == mechanism.codings


@pytest.mark.parametrize("name", ["Shared lived experience", "Accepting", "Mechanisms"])
def test_deleting_a_code_and_undoing_it_brings_back_exactly_what_there_was(store, name):
    project_id = demo_project(store)
    stats, shape, support_before = (
        store_stats(store, USER, project_id), tree_shape(store, project_id), support(store, project_id),
    )  # fmt: skip
    code = node(store, project_id, name)
    impact = codebook.deletion_impact(store, USER, code.id)
    assert impact.sub_codes == len(codebook.flatten(code.children))
    assert impact.codings == sum(n.codings for n in codebook.flatten([code])) > 0
    snapshot = codebook.delete_code(store, USER, code.id, expected_version=code.version)
    gone = store_stats(store, USER, project_id)
    assert gone["codings"] == stats["codings"] - impact.codings
    assert gone["codes"] == stats["codes"] - 1 - impact.sub_codes
    assert gone["excerpts"] == stats["excerpts"] - impact.excerpts
    assert codebook.restore_code(store, USER, snapshot) == code.id
    assert store_stats(store, USER, project_id) == stats
    assert tree_shape(store, project_id) == shape
    assert support(store, project_id) == support_before
    with pytest.raises(CodebookError, match="already back"):
        codebook.restore_code(store, USER, snapshot)


def test_undo_still_works_after_a_new_code_took_the_deleted_codes_id(store):
    project_id = demo_project(store)
    stats, support_before = store_stats(store, USER, project_id), support(store, project_id)
    last = max(codebook.flatten(codebook.codebook_tree(store, USER, project_id)), key=lambda n: n.id)
    snapshot = codebook.delete_code(store, USER, last.id)
    newcomer = codebook.create_code(store, USER, project_id, "Newcomer", CodeKind.OTHER)
    restored = codebook.restore_code(store, USER, snapshot)
    assert restored != newcomer and by_id(store, project_id, restored).name == last.name
    assert by_id(store, project_id, restored).codings == last.codings
    assert store_stats(store, USER, project_id) == stats | {"codes": stats["codes"] + 1}
    assert support(store, project_id) == support_before


def test_deleting_a_mechanism_names_the_configurations_that_lose_it(store):
    project_id = demo_project(store)
    code = node(store, project_id, "Understanding and labelling internal states")
    impact = codebook.deletion_impact(store, USER, code.id)
    uses = [r.label for r in list_configurations(store, USER, project_id) if code.name in r.mechanisms]
    assert list(impact.configurations) == uses and impact.configuration_elements == len(uses) > 0


@pytest.mark.parametrize(
    "edit",
    [
        lambda store, c: codebook.rename_code(store, USER, c.id, "Hope again", expected_version=c.version),
        lambda store, c: codebook.describe_code(store, USER, c.id, "new", ["x"], expected_version=c.version),
        lambda store, c: codebook.recolour_code(store, USER, c.id, "#123456", expected_version=c.version),
        lambda store, c: codebook.move_code(store, USER, c.id, None, expected_version=c.version),
    ],
    ids=["rename", "describe", "recolour", "move"],
)
def test_an_edit_made_on_a_stale_version_is_refused(store, edit):
    project_id = demo_project(store)
    seen = node(store, project_id, "Hope")
    codebook.rename_code(store, USER, seen.id, "Hopefulness", expected_version=seen.version)
    with pytest.raises(codebook.StaleCode, match="changed by someone else"):
        edit(store, seen)
    assert node(store, project_id, "Hopefulness").version == seen.version + 1


def test_a_code_cannot_move_under_itself_or_one_of_its_sub_codes(store):
    project_id = demo_project(store)
    contexts, stance = node(store, project_id, "Contexts"), node(store, project_id, "Non-judgemental stance")
    for new_parent in (contexts.id, stance.id):
        with pytest.raises(CodebookError, match="under itself or one of its sub-codes"):
            codebook.move_code(store, USER, contexts.id, new_parent, expected_version=contexts.version)


def test_moving_codes_keeps_kinds_apart_and_reorders_siblings(store):
    project_id = demo_project(store)
    hope, mechanisms = node(store, project_id, "Hope"), node(store, project_id, "Mechanisms")
    with pytest.raises(CodebookError, match="an outcome code cannot be a sub-code of a mechanism code"):
        codebook.move_code(store, USER, hope.id, mechanisms.id, expected_version=hope.version)
    codebook.move_code(store, USER, hope.id, hope.parent_id, position=0, expected_version=hope.version)
    outcomes = node(store, project_id, "Outcomes")
    assert [c.name for c in outcomes.children][:2] == ["Hope", "Self-acceptance and self-worth"]
    other = node(store, project_id, "Other")
    hope = node(store, project_id, "Hope")
    codebook.move_code(store, USER, hope.id, other.id, position=0, expected_version=hope.version)
    assert node(store, project_id, "Hope").path == ("Other", "Hope")


def test_new_codes_need_a_free_name_a_colour_and_a_fitting_parent(store):
    project_id = demo_project(store)
    outcomes = node(store, project_id, "Outcomes")
    new_id = codebook.create_code(
        store, USER, project_id, " Employment ", CodeKind.OUTCOME, parent_id=outcomes.id, colour="#AABBCC"
    )
    created = node(store, project_id, "Employment")
    assert (created.id, created.colour, created.path) == (new_id, "#aabbcc", ("Outcomes", "Employment"))
    assert codebook.codebook_tree(store, USER, project_id)[2].children[-1].id == new_id
    bad = [
        ({"name": "hope", "kind": CodeKind.OUTCOME, "parent_id": outcomes.id}, "already a code named 'Hope'"),
        ({"name": "  ", "kind": CodeKind.OUTCOME}, "needs a name"),
        ({"name": "Work", "kind": CodeKind.OUTCOME, "colour": "green"}, "not a colour"),
        (
            {"name": "Work", "kind": CodeKind.CONTEXT, "parent_id": outcomes.id},
            "a context code cannot be a sub-code of an outcome code",
        ),
    ]
    for kwargs, message in bad:
        with pytest.raises(CodebookError, match=message):
            codebook.create_code(store, USER, project_id, **kwargs)


def test_non_members_cannot_see_the_codebook_and_stakeholders_cannot_change_it(store):
    project_id = demo_project(store)
    hope = node(store, project_id, "Hope")
    with store.transaction() as session:
        ensure_user(session, "stranger")
    add_member(store, project_id, "peer-worker", Role.STAKEHOLDER)
    with pytest.raises(PermissionDenied, match="not a member"):
        codebook.codebook_tree(store, "stranger", project_id)
    with pytest.raises(PermissionDenied, match="not a member"):
        codebook.merge_codes(store, "stranger", hope.id, node(store, project_id, "Confidence and agency").id)
    with pytest.raises(PermissionDenied, match="stakeholder"):  # stakeholders read theory, not the codebook
        codebook.codebook_tree(store, "peer-worker", project_id)
    with pytest.raises(PermissionDenied, match="stakeholder"):
        codebook.rename_code(store, "peer-worker", hope.id, "Optimism", expected_version=hope.version)
    with pytest.raises(PermissionDenied, match="stakeholder"):
        codebook.delete_code(store, "peer-worker", hope.id)


def test_every_codebook_change_is_in_the_audit_log(store):
    project_id = demo_project(store)
    new_id = codebook.create_code(store, USER, project_id, "Employment", CodeKind.OUTCOME)

    def version() -> int:
        return by_id(store, project_id, new_id).version

    codebook.rename_code(store, USER, new_id, "Work", expected_version=version())
    codebook.describe_code(store, USER, new_id, "Paid work", [], expected_version=version())
    codebook.recolour_code(store, USER, new_id, "#000000", expected_version=version())
    codebook.move_code(
        store, USER, new_id, node(store, project_id, "Outcomes").id, expected_version=version()
    )
    hope = node(store, project_id, "Hope")
    codebook.merge_codes(store, USER, new_id, hope.id)
    codebook.restore_code(store, USER, codebook.delete_code(store, USER, hope.id))
    entries = audit_entries(store, USER, project_id, code_id=new_id)
    assert [e.action for e in entries] == ["merge", "update", "update", "update", "update", "create"]
    assert entries[-1].after["name"] == "Employment" and entries[-2].after["name"] == "Work"
    assert entries[0].after["codings_moved"] == 0 and entries[0].user == USER
    hope_entries = audit_entries(store, USER, project_id, code_id=hope.id)
    assert [e.action for e in hope_entries] == ["create", "delete", "merge"]
    assert hope_entries[1].after["codings"] == hope.codings


def test_an_exported_codebook_imports_into_another_project_unchanged(store):
    project_id = demo_project(store)
    text = codebook.export_codebook_yaml(store, USER, project_id)
    assert len(parse_codebook(yaml.safe_load(text))) == 4
    other = projects.create_project(store, USER, "Second review")
    assert codebook.import_codebook_text(store, USER, other, text.encode("utf-8")) == 37
    assert codebook.export_codebook_yaml(store, USER, other) == text
    assert codebook.import_codebook_text(store, USER, other, text) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00codes", "not UTF-8"),
        ("codes:\n\t- name: Hope\n", r"not valid YAML \(line 2, column 1\): found character"),
        ("codes:\n  - name: Hope\n", "'kind' must be one of"),
        ("items: []\n", "top-level 'codes:'"),
    ],
)
def test_a_broken_codebook_upload_is_refused_with_what_is_wrong(store, data, message):
    project_id = projects.create_project(store, USER, "Empty review")
    with pytest.raises(CodebookError, match=message):
        codebook.import_codebook_text(store, USER, project_id, data)
    assert codebook.codebook_tree(store, USER, project_id) == []
