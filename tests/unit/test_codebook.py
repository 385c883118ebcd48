"""The codebook YAML format: parsed, validated with locations, and written back unchanged."""

from pathlib import Path

import pytest
import yaml

from workbench.domain.codebook import (
    CodebookError,
    CodeKind,
    CodeUsage,
    ancestors,
    check_colour,
    check_merge,
    check_name,
    check_no_cycle,
    check_placement,
    children_by_parent,
    dump_codebook,
    fits_under,
    iter_codes,
    parse_codebook,
    roll_up_usage,
    subtree,
    walk_tree,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_corpus" / "codebook.yaml"
APPEAR = ["Accepting", "Personalised Practice", "Empowering", "Available", "Reciprocal"]


def load_sample():
    return parse_codebook(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))


def test_the_sample_codebook_holds_the_five_appear_contexts_with_sub_factors():
    codes = {code.name: code for _parents, code in iter_codes(load_sample())}
    for context in APPEAR:
        assert codes[context].kind is CodeKind.CONTEXT
        assert codes[context].children, f"{context} has no sub-factors"
    assert codes["I am acceptable or worthwhile"].kind is CodeKind.MECHANISM
    assert codes["Hope"].kind is CodeKind.OUTCOME


def test_a_codebook_survives_a_round_trip_through_yaml():
    codes = load_sample()
    again = parse_codebook(yaml.safe_load(yaml.safe_dump(dump_codebook(codes))))
    assert again == codes


def test_the_same_name_may_appear_under_different_parents():
    data = {
        "codes": [
            {"name": "Peer worker", "kind": "context", "children": [{"name": "Trust", "kind": "mechanism"}]},
            {"name": "Clinician", "kind": "context", "children": [{"name": "Trust", "kind": "mechanism"}]},
        ]
    }
    paths = [(parents, code.name) for parents, code in iter_codes(parse_codebook(data))]
    assert (("Peer worker",), "Trust") in paths and (("Clinician",), "Trust") in paths


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": []}, "top-level 'codes:'"),
        ({"codes": [{"name": "Hope"}]}, r"codes\[0\] \('Hope'\): 'kind' must be one of"),
        ({"codes": [{"name": "", "kind": "outcome"}]}, "'name' must be a non-empty string"),
        ({"codes": [{"name": "Hope", "kind": "outcome", "colour": "green"}]}, "'colour' must look like"),
        (
            {"codes": [{"name": "A", "kind": "context", "children": [{"name": "B", "kind": "x"}]}]},
            r"codes\[0\] \('A'\)\.children\[0\] \('B'\)",
        ),
        ({"codes": [{"name": "A", "kind": "context", "parent": "B"}]}, "unknown keys"),
    ],
)
def test_a_broken_codebook_is_refused_with_where_it_breaks(data, message):
    with pytest.raises(CodebookError, match=message):
        parse_codebook(data)


@pytest.mark.parametrize(
    ("kind", "parent", "fits"),
    [
        (CodeKind.CONTEXT, None, True),
        (CodeKind.MECHANISM, CodeKind.MECHANISM, True),
        (CodeKind.OUTCOME, CodeKind.OTHER, True),
        (CodeKind.OTHER, CodeKind.CONTEXT, False),
        (CodeKind.MECHANISM, CodeKind.OUTCOME, False),
    ],
)
def test_a_sub_code_has_its_parents_kind_unless_the_parent_is_an_other_code(kind, parent, fits):
    assert fits_under(kind, parent) is fits
    if fits:
        check_placement(kind, parent)
    else:
        with pytest.raises(
            CodebookError, match=f"{kind.value} code cannot be a sub-code of an? {parent.value} code"
        ):
            check_placement(kind, parent)


def test_a_code_cannot_move_under_itself_or_below_itself():
    parents = {1: None, 2: 1, 3: 2, 4: None}
    for new_parent in (1, 2, 3):
        with pytest.raises(CodebookError, match="under itself"):
            check_no_cycle(1, new_parent, parents)
    check_no_cycle(1, 4, parents)
    check_no_cycle(3, None, parents)
    check_no_cycle(3, 1, parents)


def test_colours_names_and_merges_are_checked():
    assert check_colour(" #A0B1C2 ") == "#a0b1c2"
    assert check_name("  Hope ") == "Hope"
    for bad in ("red", "#fff", "#12345g", ""):
        with pytest.raises(CodebookError, match="not a colour"):
            check_colour(bad)
    with pytest.raises(CodebookError, match="needs a name"):
        check_name(" ")
    with pytest.raises(CodebookError, match="at most 300"):
        check_name("x" * 301)
    check_merge(CodeKind.OUTCOME, CodeKind.OUTCOME)
    with pytest.raises(CodebookError, match="a mechanism code cannot be merged into an outcome code"):
        check_merge(CodeKind.MECHANISM, CodeKind.OUTCOME)


# Contexts (1) > Accepting (2) > Non-judgemental (3), Shared experience (4); Empowering (5) at the root
TREE = {1: None, 2: 1, 3: 2, 4: 2, 5: None}


def test_a_parent_shows_the_codings_and_studies_of_its_sub_codes_next_to_its_own():
    usage = roll_up_usage(TREE, {2: {10: 1}, 3: {10: 2, 11: 1}, 4: {12: 4}})
    assert usage[3] == CodeUsage(codings=3, studies=2, codings_with_sub_codes=3, studies_with_sub_codes=2)
    assert usage[2] == CodeUsage(codings=1, studies=1, codings_with_sub_codes=8, studies_with_sub_codes=3)
    assert usage[1] == CodeUsage(codings=0, studies=0, codings_with_sub_codes=8, studies_with_sub_codes=3)
    assert usage[1].has_sub_code_use and not usage[3].has_sub_code_use


def test_a_study_coded_under_two_sub_codes_counts_once_for_their_parent():
    usage = roll_up_usage(TREE, {3: {10: 1}, 4: {10: 1}})
    assert (usage[2].codings_with_sub_codes, usage[2].studies_with_sub_codes) == (2, 1)


def test_unused_codes_and_codes_without_sub_codes_count_zero_or_their_own():
    usage = roll_up_usage(TREE, {5: {10: 2}})
    assert usage[5] == CodeUsage(2, 1, 2, 1)
    assert usage[1] == CodeUsage() and set(usage) == set(TREE)


@pytest.mark.parametrize(
    ("parents", "what"),
    [({1: 99, 2: 1}, "a parent outside the project makes a root"), ({1: 2, 2: 1}, "a cycle is cut")],
)
def test_a_broken_tree_still_gives_every_code_finite_counts(parents, what):
    usage = roll_up_usage(parents, {1: {10: 1}, 2: {11: 1}})
    assert set(usage) == {1, 2}, what
    assert all(u.codings_with_sub_codes <= 2 and u.studies_with_sub_codes <= 2 for u in usage.values())


# the code tree: one walk for the codebook page, figures, merges, deletions and evidence
CODE_TREE = {1: None, 2: 1, 3: 1, 4: 2, 5: None, 6: 99}  # 6's parent is not in the project: a root


def test_children_are_listed_by_parent_with_orphans_as_roots():
    assert children_by_parent(CODE_TREE) == {None: [1, 5, 6], 1: [2, 3], 2: [4]}
    assert children_by_parent(CODE_TREE, [5, 3, 2, 1, 4, 6])[1] == [3, 2]  # the order given


def test_a_subtree_lists_each_parent_before_its_children():
    assert subtree(CODE_TREE, 1) == [1, 2, 4, 3]
    assert subtree(CODE_TREE, 4) == [4]


def test_walking_the_tree_is_depth_first_with_depths_and_survives_a_cycle():
    assert list(walk_tree(children_by_parent(CODE_TREE))) == [(1, 0), (2, 1), (4, 2), (3, 1), (5, 0), (6, 0)]
    cycle = {1: 2, 2: 1, 3: 1}
    assert subtree(cycle, 1) == [1, 2, 3]


def test_ancestors_climb_to_the_root_and_stop_at_a_cycle():
    assert ancestors(CODE_TREE, 4) == [2, 1]
    assert ancestors(CODE_TREE, 6) == []
    assert ancestors({1: 2, 2: 1}, 1) == [2]


def test_a_codes_path_runs_from_its_root_with_the_separator_asked_for():
    from workbench.domain.codebook import code_paths

    names = {1: "Mechanisms", 2: "Safety", 3: "Others are safe"}
    parents = {1: None, 2: 1, 3: 2}
    assert code_paths(names, parents)[3] == "Mechanisms / Safety / Others are safe"
    assert code_paths(names, parents, "/") == {
        1: "Mechanisms",
        2: "Mechanisms/Safety",
        3: "Mechanisms/Safety/Others are safe",
    }
