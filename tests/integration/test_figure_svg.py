"""Figures drawn as SVG from their layouts show what the plotly figures show: texts, boxes, widths."""

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from workbench.domain.figure_layout import layout
from workbench.domain.figures import context_figure, drawable_contexts
from workbench.domain.overview import chain_graph, context_outcome_matrix, study_code_matrix
from workbench.domain.print_geometry import PRINT_CM
from workbench.graphs.chains import chains_figure
from workbench.graphs.export import convert_svg, png_dpi
from workbench.graphs.infographic import infographic
from workbench.graphs.overview import matrix_figure
from workbench.graphs.svg import chains_svg, infographic_svg, matrix_svg
from workbench.services import demo, projects
from workbench.services.demo_large import load_large_demo
from workbench.services.figures import programme

SVG = "{http://www.w3.org/2000/svg}"
OWNER = "owner"


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [span.text or "" for text in root.iter(f"{SVG}text") for span in text.iter(f"{SVG}tspan")]


def _plotly_texts(fig) -> list[str]:
    out = []
    for note in fig.layout.annotations:
        for line in note.text.split("<br>"):
            out.append(html.unescape(re.sub(r"</?[bi]>", "", line)))
    return out


def _svg_widths(svg: str) -> list[float]:
    root = ET.fromstring(svg)
    shapes = [
        e for e in root if e.tag in (f"{SVG}rect", f"{SVG}path", f"{SVG}line") and e.get("stroke-width")
    ]
    return sorted(round(float(e.get("stroke-width")), 2) for e in shapes)


@pytest.fixture
def contexts(demo_store):
    project_id = projects.project_id_by_name(demo_store, OWNER, demo.DEMO_PROJECT)
    data = programme(demo_store, OWNER, project_id)
    return data, drawable_contexts(data)


@pytest.mark.parametrize("counts", [True, False])
def test_the_direct_svg_has_every_text_of_the_layout_and_of_the_plotly_figure(contexts, counts):
    data, drawable = contexts
    assert len(drawable) >= 5
    for context in drawable:
        figure = context_figure(data, context.id)
        placed = layout(figure, counts)
        svg = infographic_svg(placed, counts)
        plotly = infographic(placed, figure, {s.id: s.citation for s in data.studies}, counts)
        assert Counter(_svg_texts(svg)) == Counter(_plotly_texts(plotly))
        expected = [line for b in placed.boxes for line in b.lines]
        expected += [str(ln.count) for ln in placed.lines] if counts else []
        expected += [line for t in placed.texts for line in t.lines]
        expected += [line for e in placed.legend for line in e.text.lines]
        assert Counter(_svg_texts(svg)) == Counter(expected)


def test_the_direct_svg_draws_every_box_and_line_with_the_plotly_widths(contexts):
    data, drawable = contexts
    for context in drawable:
        figure = context_figure(data, context.id)
        placed = layout(figure)
        svg = infographic_svg(placed)
        plotly = infographic(placed, figure, {s.id: s.citation for s in data.studies})
        plotly_widths = sorted(
            round(float(s.line.width if s.line.width is not None else 2), 2) for s in plotly.layout.shapes
        )
        tags = [1.0] * len(placed.lines)  # each count's white tag, an annotation border in plotly
        assert _svg_widths(svg) == sorted(plotly_widths + tags)
        root = ET.fromstring(svg)
        boxes = [
            e for e in root if e.tag in (f"{SVG}rect", f"{SVG}path") and e.get("fill") not in (None, "none")
        ]
        legend_boxes = sum(1 for e in placed.legend if e.swatch and e.swatch.kind != "line")
        assert len(boxes) == 1 + len(placed.boxes) + legend_boxes + len(placed.lines)  # background first


def test_the_direct_svg_converts_to_a_300_dpi_png_at_print_width_and_a_pdf(contexts):
    data, drawable = contexts
    placed = layout(context_figure(data, drawable[0].id))
    svg = infographic_svg(placed)
    png = convert_svg(svg, "png", placed.width, PRINT_CM)
    assert png.startswith(b"\x89PNG") and png_dpi(png) == pytest.approx(300, abs=0.01)
    width = int.from_bytes(png[16:20], "big")
    assert width == round(PRINT_CM / 2.54 * 300)
    assert convert_svg(svg, "pdf", placed.width, PRINT_CM).startswith(b"%PDF")
    assert convert_svg(svg, "svg", placed.width) == svg.encode()


def test_the_direct_matrices_show_the_plotly_matrices_cells_labels_and_title(contexts):
    data, _ = contexts
    for matrix in (context_outcome_matrix(data), study_code_matrix(data)):
        svg = matrix_svg(matrix)
        fig = matrix_figure(matrix)
        heat = fig.data[0]
        cells = [t for row in heat.text for t in row if t]
        labels = [html.unescape(t) for t in (*fig.layout.yaxis.ticktext, *fig.layout.xaxis.ticktext)]
        title = html.unescape(fig.layout.title.text)
        assert Counter(_svg_texts(svg)) == Counter([*cells, *labels, title])
        root = ET.fromstring(svg)
        drawn = [e for e in root if e.tag == f"{SVG}rect"]
        assert len(drawn) == 1 + len(matrix.rows) * len(matrix.columns)  # background and one per cell
        png = convert_svg(svg, "png", 1)
        assert png_dpi(png) == pytest.approx(300, abs=0.01)
        assert int.from_bytes(png[16:20], "big") == round(fig.layout.width * 300 / 96)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_the_direct_chains_show_the_plotly_chains_boxes_texts_and_arrows(store):
    project_id = load_large_demo(store, OWNER, 3, reviewers=2).project_id
    graph = chain_graph(programme(store, OWNER, project_id))
    assert len(graph.links) == 3
    svg = chains_svg(graph)
    fig = chains_figure(graph)
    expected = [line for note in fig.layout.annotations if note.text for line in _plotly_texts_of(note.text)]
    assert Counter(_svg_texts(svg)) == Counter(expected) and len(expected) == 2 * len(graph.nodes)
    root = ET.fromstring(svg)
    assert len([e for e in root if e.tag == f"{SVG}rect"]) == 1 + len(graph.nodes)
    heads = [e for e in root if e.tag == f"{SVG}path" and e.get("fill") != "none"]
    assert len(heads) == sum(1 for note in fig.layout.annotations if note.showarrow) == len(graph.links)
    assert (fig.layout.width, fig.layout.height) == (int(root.get("width")), int(root.get("height")))


def _plotly_texts_of(text: str) -> list[str]:
    return [html.unescape(re.sub(r"</?[bi]>", "", line)) for line in text.split("<br>")]
