"""The overview Sankey laid out in pixels and drawn as SVG without a browser, as the bundle writes it."""

import io
import itertools
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from workbench.domain.configurations import ElementRole
from workbench.domain.figures import Edge, Node
from workbench.domain.overview import Sankey
from workbench.domain.print_geometry import PRINT_CM
from workbench.domain.sankey_layout import (
    SANKEY_WIDTH,
    TITLE,
    label_lines,
    sankey_layout,
)
from workbench.graphs import overview
from workbench.graphs.export import convert_svg, png_dpi
from workbench.graphs.svg import sankey_svg

NS = "{http://www.w3.org/2000/svg}"
C, M, OUT = ElementRole.CONTEXT, ElementRole.MECHANISM, ElementRole.OUTCOME
COLOURS = {C: "#1f77b4", M: "#ff7f0e", OUT: "#2ca02c"}


def node(role: ElementRole, code: int, name: str, studies: range) -> Node:
    return Node(f"{role.value}:{code}", role, code, name, COLOURS[role], frozenset(studies))


def link(source: Node, target: Node, studies: range) -> Edge:
    return Edge(f"{source.key}-{target.key}", source.key, target.key, frozenset(studies))


def small() -> Sankey:
    home = node(C, 1, "Home visits", range(6))
    clinic = node(C, 2, "<script>alert(1)</script> & clinics", range(3))
    trust = node(M, 3, "Trust in the worker grows over repeated visits", range(8))
    shame = node(M, 4, "Shame", range(2))
    adherence = node(OUT, 5, "Adherence", range(7))
    links = (
        link(home, trust, range(5)),
        link(clinic, trust, range(3)),
        link(home, shame, range(1)),
        link(trust, adherence, range(7)),
        link(shame, adherence, range(2)),
    )
    return Sankey((home, clinic, trust, shame, adherence), links)


def large(per_column: int = 25) -> Sankey:
    """Many nodes of very different flows and label lengths in every column, every pair linked once."""
    columns = {
        role: [
            node(
                role,
                100 * r + i,
                f"{role.value} factor {i}" + " with a long name" * (i % 3),
                range(1 + i * 7),
            )
            for i in range(per_column)
        ]
        for r, role in enumerate(ElementRole)
    }
    links = []
    for left, right in ((C, M), (M, OUT)):
        for i, (a, b) in enumerate(itertools.product(columns[left][:8], columns[right][:8])):
            links.append(link(a, b, range(1 + i % 9)))
    return Sankey(tuple(n for role in ElementRole for n in columns[role]), tuple(links))


def texts(svg: str) -> list[str]:
    """Every text element's lines joined with spaces, in document order."""
    root = ET.fromstring(svg)
    return [" ".join(span.text or "" for span in t.iter(f"{NS}tspan")) for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize("model", [small(), large()], ids=["small", "large"])
def test_every_node_label_with_its_study_count_appears_in_the_svg_once(model):
    drawn = texts(sankey_svg(sankey_layout(model)))
    for n in model.nodes:
        assert drawn.count(" ".join(label_lines(n.name, n.n_studies))) == 1
        assert " ".join(label_lines(n.name, n.n_studies)).endswith(f"({n.n_studies})")
    assert drawn.count(TITLE) == 1
    assert len(drawn) == len(model.nodes) + 1


@pytest.mark.parametrize("model", [small(), large()], ids=["small", "large"])
def test_a_band_is_as_thick_as_its_link_s_studies_at_one_scale_for_all(model):
    placed = sankey_layout(model)
    values = {(e.source, e.target): e.n_studies for e in model.links}
    assert placed.scale > 0
    assert {(b.source, b.target): b.value for b in placed.bands} == values
    for band in placed.bands:
        assert band.thickness == pytest.approx(band.value * placed.scale)
    paths = re.findall(
        r'<path d="M ([-\d.]+),([-\d.]+) C [^"]* C [^"]* ([-\d.]+),([-\d.]+) Z"', sankey_svg(placed)
    )
    assert len(paths) == len(placed.bands)
    for band, (x0, top, x_back, bottom) in zip(placed.bands, paths, strict=True):
        assert float(x0) == pytest.approx(float(x_back))
        assert float(bottom) - float(top) == pytest.approx(band.thickness, abs=0.02)


@pytest.mark.parametrize("model", [small(), large()], ids=["small", "large"])
def test_no_node_or_label_overlaps_another_in_its_column_and_all_stay_on_the_canvas(model):
    placed = sankey_layout(model)
    for role in ElementRole:
        column = [n for n in placed.nodes if n.role is role]
        assert [n.key for n in column] == [n.key for n in model.nodes if n.role is role]  # the model's order
        for above, below in itertools.pairwise(column):
            assert above.rect.y1 < below.rect.y0
            assert not above.label.rect.overlaps(below.label.rect)
        for n in column:
            assert n.rect.y0 >= 0 and n.rect.y1 <= placed.height
            assert n.label.rect.y0 >= 0 and n.label.rect.y1 <= placed.height
            assert n.label.rect.x0 >= 0 and n.label.rect.x1 <= placed.width


@pytest.mark.parametrize("model", [small(), large()], ids=["small", "large"])
def test_a_node_is_as_tall_as_its_larger_side_and_its_bands_stay_within_it(model):
    placed = sankey_layout(model)
    boxes = {n.key: n.rect for n in placed.nodes}
    for n in model.nodes:
        flow_in = sum(e.n_studies for e in model.links if e.target == n.key)
        flow_out = sum(e.n_studies for e in model.links if e.source == n.key)
        height = boxes[n.key].y1 - boxes[n.key].y0
        assert height == pytest.approx(max(max(flow_in, flow_out) * placed.scale, 4.0))
    for band in placed.bands:
        source, target = boxes[band.source], boxes[band.target]
        assert band.start[0] == source.x1 and band.end[0] == target.x0
        assert source.y0 - 1e-6 <= band.start[1] and band.start[1] + band.thickness <= source.y1 + 1e-6
        assert target.y0 - 1e-6 <= band.end[1] and band.end[1] + band.thickness <= target.y1 + 1e-6


def test_hostile_labels_are_escaped_and_read_back_as_written():
    svg = sankey_svg(sankey_layout(small()))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert " & " not in svg and " &amp; " in svg
    hostile = "<script>alert(1)</script> & clinics"
    assert "".join(label_lines(hostile, 3)).replace(" ", "") == f"{hostile} (3)".replace(" ", "")
    assert " ".join(label_lines(hostile, 3)) in texts(svg)  # parsed back: the characters as written


def test_the_svg_paints_to_a_300_dpi_png_17_cm_wide_that_pillow_decodes():
    png = convert_svg(sankey_svg(sankey_layout(small())), "png", SANKEY_WIDTH, PRINT_CM)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.width == round(PRINT_CM / 2.54 * 300)
    assert png_dpi(png) == pytest.approx(300, abs=0.01)
    assert image.getpixel((image.width // 2, 2)) == (255, 255, 255)
    assert len(image.getcolors(1_000_000) or []) > 20  # bands, boxes and text were painted
    assert convert_svg(sankey_svg(sankey_layout(small())), "pdf", SANKEY_WIDTH, PRINT_CM).startswith(b"%PDF")


def test_an_empty_sankey_is_still_a_figure_with_its_title():
    svg = sankey_svg(sankey_layout(Sankey((), ())))
    assert texts(svg) == [TITLE]
    assert convert_svg(svg, "png", SANKEY_WIDTH, PRINT_CM).startswith(b"\x89PNG")


@pytest.mark.parametrize("model", [small(), large()], ids=["small", "large"])
def test_the_canvas_labels_and_columns_are_those_of_the_plotly_figure(model):
    placed = sankey_layout(model)
    figure = overview.sankey_figure(model, {})
    assert (placed.width, placed.height) == (figure.layout.width, figure.layout.height)
    assert figure.layout.title.text == TITLE
    trace = figure.data[0]
    assert list(trace.node.label) == [
        "<br>".join(
            line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in n.label.lines
        )
        for n in placed.nodes
    ]
    assert list(trace.node.color) == [n.colour for n in placed.nodes]
    assert list(trace.link.value) == [b.value for b in placed.bands]


PAINT_IN_A_FRESH_PROCESS = """
import hashlib, sys
from tests.unit.test_sankey_svg import large, small
from workbench.domain.sankey_layout import sankey_layout
from workbench.graphs.paint import paint
from workbench.graphs.svg import sankey_svg
if sys.argv[1] == "pdf-first":
    paint(sankey_svg(sankey_layout(large())).encode(), "pdf")
print(hashlib.sha256(paint(sankey_svg(sankey_layout(small())).encode(), "png", 2008 / 1000)[0]).hexdigest())
"""


def test_a_png_has_the_same_pixels_whatever_its_worker_painted_before():
    def pixels(order: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", PAINT_IN_A_FRESH_PROCESS, order],
            capture_output=True,
            cwd=Path(__file__).parents[2],
            text=True,
            check=True,
        )
        return run.stdout.strip()

    assert pixels("png-only") == pixels("pdf-first")
