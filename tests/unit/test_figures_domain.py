"""Figure counting, filters, layout without overlaps, overview matrices and chains, on hand-made data."""

from itertools import combinations, pairwise

import pytest

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import ElementRole
from workbench.domain.figure_layout import BORDER, GAP, LABEL_H, LINE, MIN_STEP, Rect, layout, thickness
from workbench.domain.figures import (
    CodeRef,
    ConfigElement,
    ConfigurationData,
    Evidence,
    ProgrammeData,
    Selection,
    StudyRef,
    apply_selection,
    context_figure,
    drawable_contexts,
    figure_contexts,
    rollup_map,
)
from workbench.domain.overview import chain_graph, context_outcome_matrix, sankey, study_code_matrix
from workbench.domain.print_geometry import distance_to_polyline

C, M, OUT = ElementRole.CONTEXT, ElementRole.MECHANISM, ElementRole.OUTCOME
CODES = (
    CodeRef(1, "Contexts", CodeKind.CONTEXT, None, "#1f77b4", 0),
    CodeRef(2, "Accepting", CodeKind.CONTEXT, 1, "#4c9be8", 0),
    CodeRef(3, "No judgement", CodeKind.CONTEXT, 2, "#4c9be8", 0),
    CodeRef(4, "Lived experience", CodeKind.CONTEXT, 2, "#4c9be8", 1),
    CodeRef(5, "Available", CodeKind.CONTEXT, 1, "#bcbd22", 1),
    CodeRef(6, "Time", CodeKind.CONTEXT, 5, "#bcbd22", 0),
    CodeRef(10, "Mechanisms", CodeKind.MECHANISM, None, "#ff7f0e", 1),
    CodeRef(11, "Worthwhile", CodeKind.MECHANISM, 10, "#ff9f40", 0),
    CodeRef(12, "Trust", CodeKind.MECHANISM, 10, "#e377c2", 1),
    CodeRef(20, "Outcomes", CodeKind.OUTCOME, None, "#7f7f7f", 2),
    CodeRef(21, "Self-worth", CodeKind.OUTCOME, 20, "#8c564b", 0),
    CodeRef(22, "Hope", CodeKind.OUTCOME, 20, "#2ca02c", 1),
)
STUDIES = tuple(StudyRef(i, f"s{i}", f"Author{i}, 2020", discipline="mental health") for i in range(1, 6))
_ids = iter(range(1, 10_000))


def ev(code: int, study: int, coder: str = "alice", excerpt: int | None = None) -> Evidence:
    n = next(_ids)
    return Evidence(n, excerpt or n, code, study, f"Author{study}, 2020", 1, 10 * n, f"quote {n}", coder)


def element(role: ElementRole, code: int, studies: list[int], coder: str = "alice") -> ConfigElement:
    return ConfigElement(role, code, tuple(ev(code, s, coder) for s in studies))


def config(cid: int, *elements: ConfigElement, status: str = "proposed") -> ConfigurationData:
    return ConfigurationData(cid, f"K{cid}", f"statement {cid}", status, tuple(elements))


CONFIGS = (
    # No judgement -> Worthwhile -> Self-worth: both ends shared by studies 1 and 2 only
    config(1, element(C, 3, [1, 2, 3]), element(M, 11, [1, 2, 4]), element(OUT, 21, [2, 4])),
    # Lived experience -> Worthwhile, Trust -> Hope
    config(2, element(C, 4, [3]), element(M, 11, [3, 5]), element(M, 12, [3]), element(OUT, 22, [3]),
           status="refuted"),
    # Time -> Trust -> Hope, in another figure context
    config(3, element(C, 6, [5]), element(M, 12, [5]), element(OUT, 22, [1]), status="supported"),
)  # fmt: skip
DATA = ProgrammeData(CODES, STUDIES, CONFIGS, links=((1, 2), (2, 3), (3, 1)))


def test_figure_contexts_are_the_codes_below_a_deep_context_heading():
    assert [c.name for c in figure_contexts(CODES)] == ["Accepting", "Available"]
    assert rollup_map(CODES)[3] == 2 and rollup_map(CODES)[6] == 5 and rollup_map(CODES)[2] == 2


def test_a_shallow_context_tree_is_its_own_figure_context():
    flat = (
        CodeRef(1, "Accepting", CodeKind.CONTEXT, None, "#000000"),
        CodeRef(2, "Sub", CodeKind.CONTEXT, 1, "#000000"),
    )
    assert [c.name for c in figure_contexts(flat)] == ["Accepting"]


def test_an_other_grouping_code_is_a_heading():
    grouped = (
        CodeRef(1, "Group", CodeKind.OTHER, None, "#000000"),
        CodeRef(2, "C", CodeKind.CONTEXT, 1, "#000000"),
    )
    assert [c.name for c in figure_contexts(grouped)] == ["C"]


def test_a_context_figure_counts_distinct_studies_of_each_element_in_its_configurations():
    figure = context_figure(DATA, 2)
    assert figure.configurations == ("K1", "K2")
    assert [(n.name, n.n_studies) for n in figure.subfactors] == [
        ("No judgement", 3),
        ("Lived experience", 1),
    ]
    assert {n.name: n.n_studies for n in figure.mechanisms} == {
        "Worthwhile": 5,
        "Trust": 1,
    }  # {1,2,4} | {3,5}
    assert {n.name: n.n_studies for n in figure.outcomes} == {"Self-worth": 2, "Hope": 1}
    assert figure.context.n_studies == 3  # studies 1, 2, 3 behind any of its sub-factors


def test_a_line_counts_only_studies_supporting_both_ends_in_one_configuration():
    edges = {e.key: e.n_studies for e in context_figure(DATA, 2).edges}
    assert edges["c3-m11"] == 2  # {1,2,3} & {1,2,4}
    assert edges["m11-o21"] == 2  # {1,2,4} & {2,4}
    assert edges["c4-m11"] == 1 and edges["m12-o22"] == 1
    assert "m12-o22" in edges and "c6-m12" not in edges  # configuration 3 belongs to Available


def test_a_line_s_evidence_comes_only_from_the_studies_it_counts():
    edge = next(e for e in context_figure(DATA, 2).edges if e.key == "c3-m11")
    assert {e.study_id for e in edge.evidence} == {1, 2}
    assert {e.code_id for e in edge.evidence} == {3, 11}


def test_only_contexts_with_configurations_get_a_figure():
    assert [c.name for c in drawable_contexts(DATA)] == ["Accepting", "Available"]
    only_first = apply_selection(DATA, Selection(labels=frozenset({"K1"})))
    assert [c.name for c in drawable_contexts(only_first)] == ["Accepting"]


@pytest.mark.parametrize(
    ("selection", "labels"),
    [
        (Selection(), ["K1", "K2", "K3"]),
        (Selection(statuses=frozenset({"refuted", "supported"})), ["K2", "K3"]),
        (Selection(study_ids=frozenset({5})), ["K2", "K3"]),
        (Selection(coders=frozenset({"bob"})), []),
        (Selection(labels=frozenset({"K3", "gone"})), ["K3"]),
    ],
)
def test_filters_keep_the_configurations_they_name(selection, labels):
    assert [c.label for c in apply_selection(DATA, selection).configurations] == labels


def test_a_study_filter_removes_other_studies_evidence_from_the_counts():
    kept = apply_selection(DATA, Selection(study_ids=frozenset({1, 2})))
    figure = context_figure(kept, 2)
    assert {n.name: n.n_studies for n in figure.mechanisms} == {"Worthwhile": 2}
    assert [s.id for s in kept.studies] == [1, 2]


def test_the_sankey_rolls_contexts_up_and_drops_links_without_a_study():
    model = sankey(DATA, rollup=True)
    links = {e.key: e.n_studies for e in model.links}
    assert links["c2-m11"] == 3  # K1: {1,2}, K2: {3}
    assert links["c5-m12"] == 1
    assert "m12-o22" in links and links["m12-o22"] == 1  # K2 study 3; K3 has {5} & {1} = none
    detailed = {e.key for e in sankey(DATA, rollup=False).links}
    assert "c3-m11" in detailed and "c2-m11" not in detailed


def test_the_context_outcome_matrix_counts_studies_supporting_both():
    matrix = context_outcome_matrix(DATA)
    assert matrix.cell("c3", "o21").value == 1  # {1,2,3} & {2,4}
    assert matrix.cell("c6", "o22") is None  # {5} & {1}
    assert [label for _, label in matrix.rows] == ["No judgement", "Lived experience", "Time"]


def test_the_study_code_matrix_counts_distinct_excerpts():
    codings = (ev(3, 1, excerpt=900), ev(11, 1, excerpt=900), ev(3, 1, excerpt=901), ev(21, 2, excerpt=902))
    matrix = study_code_matrix(ProgrammeData(CODES, STUDIES, (), codings))
    assert matrix.cell("s1", "k3").value == 2
    assert matrix.cell("s1", "k11").value == 1
    assert [label for _, label in matrix.columns] == ["No judgement", "Worthwhile", "Self-worth"]


def test_chains_mark_the_links_of_a_feedback_loop():
    graph = chain_graph(apply_selection(DATA, Selection()))
    assert all(link.in_loop for link in graph.links)
    assert graph.loops == (("K1", "K2", "K3"),)
    assert sorted(n.layer for n in graph.nodes) == [0, 1, 2]


def test_widths_grow_with_the_study_count():
    widths = [thickness(n, 9, *BORDER) for n in range(0, 10)]
    assert widths == sorted(widths) and len(set(widths)) == 10
    assert widths[1] == BORDER[0] and widths[9] == BORDER[1]


@pytest.mark.parametrize("largest", [2, 5, 13, 40])
def test_one_more_study_always_widens_a_line_and_a_border_by_the_minimum_step(largest):
    for thin, thick in (BORDER, LINE):
        widths = [thickness(n, largest, thin, thick) for n in range(1, largest + 1)]
        assert all(b - a >= MIN_STEP - 1e-9 for a, b in pairwise(widths))


def _big_figure(mechanisms: int = 12, outcomes: int = 10):
    long = "a rather long mechanism name that must wrap over several lines in its box"
    codes = [
        CodeRef(1, "Contexts", CodeKind.CONTEXT, None, "#1f77b4"),
        CodeRef(2, "Accepting the person as they are, whatever happened", CodeKind.CONTEXT, 1, "#4c9be8"),
        *(CodeRef(100 + i, f"Sub-factor {i} " * 3, CodeKind.CONTEXT, 2, "#4c9be8", i) for i in range(8)),
        *(
            CodeRef(200 + i, f"M{i} {long}", CodeKind.MECHANISM, None, "#ff7f0e", i)
            for i in range(mechanisms)
        ),
        *(CodeRef(300 + i, f"O{i} outcome", CodeKind.OUTCOME, None, "#7f7f7f", i) for i in range(outcomes)),
    ]
    configs = []
    for i in range(mechanisms):
        for j in range(outcomes):
            if (i + j) % 3 == 0:
                studies = list(range(1, 2 + (i * j) % 9))
                parts = (element(C, 100 + (i + j) % 8, studies), element(M, 200 + i, studies))
                configs.append(config(len(configs) + 1, *parts, element(OUT, 300 + j, studies)))
    data = ProgrammeData(tuple(codes), STUDIES, tuple(configs))
    return context_figure(data, 2)


@pytest.mark.parametrize("counts", [True, False])
def test_twelve_mechanisms_and_ten_outcomes_are_laid_out_without_overlaps(counts):
    figure = _big_figure()
    assert len(figure.mechanisms) == 12 and len(figure.outcomes) == 10
    placed = layout(figure, counts)
    boxes = [b for b in placed.boxes if b.kind in ("subfactor", "header", "mechanism", "outcome")]
    for a, b in combinations(boxes, 2):
        assert not a.footprint().overlaps(b.footprint()), (a.key, b.key)
    labels = [b.text_rect() for b in boxes] + ([ln.label for ln in placed.lines] if counts else [])
    labels += [t.rect for t in placed.texts] + [r for entry in placed.legend for r in entry.rects()]
    for a, b in combinations(labels, 2):
        assert not a.overlaps(b), (a, b)
    for box in boxes:
        text = box.text_rect()
        assert (
            box.rect.x0 <= text.x0
            and text.x1 <= box.rect.x1
            and box.rect.y0 <= text.y0 <= text.y1 <= box.rect.y1
        )
    assert all(b.rect.y1 < placed.legend_top for b in placed.boxes)
    assert all(r.x0 >= 0 and r.x1 <= placed.width and r.y1 <= placed.height for r in labels)


def test_every_count_label_sits_on_its_own_line_clear_of_boxes():
    placed = layout(_big_figure())
    boxes = [b.footprint() for b in placed.boxes]
    for line in placed.lines:
        centre = line.label.centre
        own = distance_to_polyline(centre, line.polyline())
        others = [distance_to_polyline(centre, o.polyline()) for o in placed.lines if o.key != line.key]
        assert own < 1 and all(own < d for d in others), line.key
        assert not any(line.label.overlaps(b) for b in boxes), line.key
        assert line.label.y1 - line.label.y0 == LABEL_H


def test_boxes_in_a_column_are_at_least_a_gap_apart():
    placed = layout(_big_figure())
    mechanisms = sorted((b.rect for b in placed.boxes if b.kind == "mechanism"), key=lambda r: r.y0)
    assert all(b.y0 - a.y1 >= GAP for a, b in pairwise(mechanisms))
    assert Rect(0, 0, 1, 1).overlaps(Rect(0.5, 0.5, 2, 2))


def test_a_link_back_to_an_earlier_layer_is_drawn_under_the_boxes():
    from workbench.graphs.chains import back_links

    assert [(link.source, link.target) for link in back_links(chain_graph(DATA))] == [(3, 1)]
