"""Graph views of the demo project checked against counts computed independently from the gold coding."""

from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from workbench.domain.configurations import ConfigurationStatus
from workbench.domain.figure_layout import layout
from workbench.domain.figures import context_figure, drawable_contexts
from workbench.domain.overview import context_outcome_matrix, sankey, study_code_matrix
from workbench.domain.tables import build_table
from workbench.graphs.overview import sankey_figure
from workbench.services import demo, theory
from workbench.services.configurations import list_configurations, update_configuration
from workbench.services.errors import PermissionDenied
from workbench.services.figures import FigureFilters, filter_options, programme
from workbench.services.projects import create_project

ROOT = Path(__file__).resolve().parents[2]
GOLD = yaml.safe_load((ROOT / "sample_corpus" / "gold_coding.yaml").read_text(encoding="utf-8"))
BOOK = yaml.safe_load((ROOT / "sample_corpus" / "codebook.yaml").read_text(encoding="utf-8"))
EXCERPTS = {e["id"]: e for e in GOLD["excerpts"]}
APPEAR = ["Accepting", "Personalised Practice", "Empowering", "Available", "Reciprocal"]


def _below() -> dict[str, set[str]]:
    """Each code name with the names of every code under it (itself included)."""
    out: dict[str, set[str]] = {}

    def visit(code: dict) -> set[str]:
        names = {code["name"]}
        for child in code.get("children") or []:
            names |= visit(child)
        out[code["name"]] = names
        return names

    for root in BOOK["codes"]:
        visit(root)
    return out


BELOW = _below()
TOP = {name: top for top in APPEAR for name in BELOW[top]}


def studies(config: dict, code: str, coder: str | None = None) -> set[str]:
    """Studies of the gold evidence excerpts of a configuration that carry ``code``."""
    return {
        EXCERPTS[x]["study"]
        for x in config["evidence"]
        if code in EXCERPTS[x]["codes"] and (coder is None or EXCERPTS[x].get("coder", "alice") == coder)
    }


def gold_figure(context: str, coder: str | None = None) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Node and edge study counts of a context's figure, from the gold file alone."""
    nodes: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for config in GOLD["configurations"]:
        if config["context"] not in BELOW[context]:
            continue
        ctx = studies(config, config["context"], coder)
        for m in config["mechanisms"]:
            nodes[m] |= studies(config, m, coder)
            edges[(config["context"], m)] |= ctx & studies(config, m, coder)
            for o in config["outcomes"]:
                edges[(m, o)] |= studies(config, m, coder) & studies(config, o, coder)
        for o in config["outcomes"]:
            nodes[o] |= studies(config, o, coder)
    return {k: len(v) for k, v in nodes.items()}, {k: len(v) for k, v in edges.items()}


def _project(store) -> int:
    return demo.load_demo(store, "owner").project_id


def test_the_demo_has_one_infographic_per_appear_context(demo_store):
    data = programme(demo_store, "owner", _project(demo_store))
    assert [c.name for c in drawable_contexts(data)] == APPEAR


@pytest.mark.parametrize("context", APPEAR)
def test_box_and_line_counts_match_the_gold_coding(demo_store, context):
    data = programme(demo_store, "owner", _project(demo_store))
    figure = context_figure(data, next(c.id for c in drawable_contexts(data) if c.name == context))
    nodes, edges = gold_figure(context)
    assert {n.name: n.n_studies for n in (*figure.mechanisms, *figure.outcomes)} == nodes
    names = {n.key: n.name for n in figure.nodes()}
    assert {(names[e.source], names[e.target]): e.n_studies for e in figure.edges} == edges


@pytest.mark.parametrize("context", APPEAR)
def test_border_width_ranks_follow_the_gold_study_counts(demo_store, context):
    data = programme(demo_store, "owner", _project(demo_store))
    figure = context_figure(data, next(c.id for c in drawable_contexts(data) if c.name == context))
    placed = layout(figure)
    nodes, _ = gold_figure(context)
    border = {n.name: placed.box(n.key).border for n in (*figure.mechanisms, *figure.outcomes)}
    for a, b in combinations(nodes, 2):
        assert (nodes[a] < nodes[b]) == (border[a] < border[b]), (a, b)
        assert (nodes[a] == nodes[b]) == (border[a] == border[b]), (a, b)


def test_reviewer_filter_counts_only_that_reviewer_s_evidence(demo_store):
    filters = FigureFilters(reviewers=("bob",))
    data = programme(demo_store, "owner", _project(demo_store), filters)
    figure = context_figure(data, next(c.id for c in drawable_contexts(data) if c.name == "Accepting"))
    nodes, _ = gold_figure("Accepting", coder="bob")
    found = {n.name: n.n_studies for n in (*figure.mechanisms, *figure.outcomes)}
    assert all(found[name] == nodes.get(name, 0) for name in found)
    assert {name for name, n in nodes.items() if n} <= set(found)
    assert all(e.coder == "bob" for n in figure.nodes() for e in n.evidence)


def test_sankey_link_widths_match_the_gold_coding(demo_store):
    data = programme(demo_store, "owner", _project(demo_store))
    model = sankey(data, rollup=True)
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for config in GOLD["configurations"]:
        ctx = studies(config, config["context"])
        for m in config["mechanisms"]:
            expected[(TOP[config["context"]], m)] |= ctx & studies(config, m)
            for o in config["outcomes"]:
                expected[(m, o)] |= studies(config, m) & studies(config, o)
    names = {n.key: n.name for n in model.nodes}
    found = {(names[e.source], names[e.target]): e.n_studies for e in model.links}
    assert found == {k: len(v) for k, v in expected.items() if v}
    figure = sankey_figure(model, {})
    assert sorted(figure.data[0].link.value) == sorted(found.values())


def test_context_outcome_cells_match_the_gold_coding(demo_store):
    data = programme(demo_store, "owner", _project(demo_store))
    matrix = context_outcome_matrix(data)
    expected: dict[tuple[str, str], set[str]] = defaultdict(set)
    for config in GOLD["configurations"]:
        for o in config["outcomes"]:
            expected[(config["context"], o)] |= studies(config, config["context"]) & studies(config, o)
    rows, columns = dict(matrix.rows), dict(matrix.columns)
    found = {(rows[c.row], columns[c.column]): c.value for c in matrix.cells}
    assert found == {k: len(v) for k, v in expected.items() if v}


def test_study_code_cells_count_the_gold_excerpts_of_each_study(demo_store):
    data = programme(demo_store, "owner", _project(demo_store))
    matrix = study_code_matrix(data)
    keys = {f"s{s.id}": s.key for s in data.studies}
    expected: dict[tuple[str, str], int] = defaultdict(int)
    for excerpt in GOLD["excerpts"]:
        for code in excerpt["codes"]:
            expected[(excerpt["study"], code)] += 1
    columns = dict(matrix.columns)
    found = {(keys[c.row], columns[c.column]): c.value for c in matrix.cells}
    assert found == dict(expected)
    assert len(matrix.rows) == 13


def test_a_discipline_filter_keeps_only_those_studies(demo_store):
    project_id = _project(demo_store)
    options = filter_options(demo_store, "owner", project_id)
    assert "tuberculosis" in options.disciplines and options.reviewers == ("alice", "bob")
    data = programme(demo_store, "owner", project_id, FigureFilters(disciplines=("mental health",)))
    assert {s.discipline for s in data.studies} == {"mental health"} and len(data.studies) == 9
    kept = {s.id for s in data.studies}
    assert all(e.study_id in kept for c in data.configurations for el in c.elements for e in el.evidence)


def test_the_configurations_table_counts_the_gold_studies(demo_store):
    table = build_table(programme(demo_store, "owner", _project(demo_store)), "configurations")
    assert len(table.rows) == len(GOLD["configurations"])
    expected = sorted(
        len(set().union(*(studies(c, code) for code in (c["context"], *c["mechanisms"], *c["outcomes"]))))
        for c in GOLD["configurations"]
    )
    assert sorted(int(row[6]) for row in table.rows) == expected
    assert all(str(row[7]).startswith("“") for row in table.rows)


def test_version_and_status_filters_choose_configurations(demo_clone):
    store = demo_clone
    project_id = _project(store)
    version = theory.save_version(store, "owner", project_id, "Initial")
    first = list_configurations(store, "owner", project_id)[0]
    update_configuration(
        store, "owner", first.id, expected_version=first.version, status=ConfigurationStatus.REFUTED
    )
    refuted = programme(store, "owner", project_id, FigureFilters(statuses=("refuted",)))
    assert [c.label for c in refuted.configurations] == [first.label]
    assert len(programme(store, "owner", project_id, FigureFilters(version_id=version)).configurations) == 32


def test_someone_outside_the_project_cannot_read_its_figures(demo_clone):
    store = demo_clone
    project_id = _project(store)
    create_project(store, "stranger", "Elsewhere")
    with pytest.raises(PermissionDenied):
        programme(store, "stranger", project_id)
