"""Every figure of the demo project laid out for print at a journal's 17 cm column width."""

from itertools import combinations, pairwise
from pathlib import Path

import pytest
from PIL import ImageFont

from workbench.domain.figure_layout import Layout, layout
from workbench.domain.figures import context_figure, drawable_contexts
from workbench.domain.overview import sankey
from workbench.domain.print_geometry import MIN_PT, PRINT_CM, distance_to_polyline, points_at_print
from workbench.graphs.export import png_dpi, render
from workbench.graphs.infographic import infographic
from workbench.graphs.overview import LABEL_INK, LINK_OPACITY, sankey_figure
from workbench.graphs.style import rgb
from workbench.services import demo
from workbench.services.figures import programme

APPEAR = ["Accepting", "Personalised Practice", "Empowering", "Available", "Reciprocal"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "e2e" / "artifacts"
PRINT_PX = PRINT_CM / 2.54 * 300  # device pixels across 17 cm at 300 dpi
LIBERATION = "/usr/share/fonts/truetype/liberation/LiberationSans-{}.ttf"  # what chromium draws Arial with


def _figure(store, context: str):
    data = programme(store, "owner", demo.load_demo(store, "owner").project_id)
    figure = context_figure(data, next(c.id for c in drawable_contexts(data) if c.name == context))
    return data, figure, layout(figure)


def _texts(placed: Layout) -> list:
    """Every text rectangle: box labels, count tags, title and headings, legend texts."""
    boxes = [b.text_rect() for b in placed.boxes if b.kind != "panel"]
    return (
        boxes
        + [ln.label for ln in placed.lines]
        + [t.rect for t in placed.texts]
        + [e.text.rect for e in placed.legend]
    )


@pytest.mark.parametrize("context", APPEAR)
def test_no_two_boxes_labels_or_legend_entries_overlap(demo_store, context):
    _, _, placed = _figure(demo_store, context)
    boxes = [b.footprint() for b in placed.boxes if b.kind != "panel"]
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b)
    texts = _texts(placed)
    for a, b in combinations(texts, 2):
        assert not a.overlaps(b), (a, b)
    swatches = [e.swatch.footprint() for e in placed.legend if e.swatch]
    for swatch in swatches:
        assert not any(swatch.overlaps(t) for t in texts) and not any(swatch.overlaps(b) for b in boxes)
    for a, b in combinations(swatches, 2):
        assert not a.overlaps(b)
    for label in [ln.label for ln in placed.lines] + [e.text.rect for e in placed.legend]:
        assert not any(label.overlaps(b) for b in boxes)
    assert all(r.x0 >= 0 and r.x1 <= placed.width and r.y0 >= 0 and r.y1 <= placed.height for r in texts)


@pytest.mark.parametrize("context", APPEAR)
def test_every_text_prints_at_8_points_or_more_at_17_cm(demo_store, context):
    data, figure, placed = _figure(demo_store, context)
    fig = infographic(placed, figure, {s.id: s.citation for s in data.studies})
    sizes = [a.font.size for a in fig.layout.annotations]
    assert sizes and all(size is not None for size in sizes)
    assert min(points_at_print(size, fig.layout.width) for size in sizes) >= MIN_PT
    assert fig.layout.meta["print_cm"] == PRINT_CM


@pytest.mark.parametrize("context", APPEAR)
def test_every_count_label_is_nearest_to_its_own_line(demo_store, context):
    _, _, placed = _figure(demo_store, context)
    for line in placed.lines:
        centre = line.label.centre
        own = distance_to_polyline(centre, line.polyline())
        nearest_other = min(
            (distance_to_polyline(centre, o.polyline()) - o.width / 2 for o in placed.lines if o is not line),
            default=float("inf"),
        )
        assert own < 1 < nearest_other, line.key


@pytest.mark.parametrize("context", APPEAR)
def test_different_study_counts_have_widths_a_reader_can_tell_apart_in_print(demo_store, context):
    _, figure, placed = _figure(demo_store, context)
    to_print = PRINT_PX / placed.width
    borders = {b.count: b.border for b in placed.boxes if b.kind in ("mechanism", "outcome")}
    lines = {ln.count: ln.width for ln in placed.lines}
    for widths in (borders, lines):
        ordered = [widths[c] for c in sorted(widths)]
        assert all((b - a) * to_print >= 0.5 for a, b in pairwise(ordered)), widths
    assert {int(ln.label.x1 > ln.label.x0) for ln in placed.lines} == {1}  # and every line has its number
    assert sorted(ln.count for ln in placed.lines) == sorted(e.n_studies for e in figure.edges)
    assert {b.key for b in placed.boxes if b.kind != "panel"} == {n.key for n in figure.nodes()}


@pytest.mark.parametrize("context", APPEAR)
def test_estimated_text_widths_cover_the_font_chromium_draws(demo_store, context):
    _, _, placed = _figure(demo_store, context)
    fonts = {
        bold: ImageFont.truetype(LIBERATION.format("Bold" if bold else "Regular"), 100) for bold in (0, 1)
    }
    blocks = [(b.lines, 18, b.bold, b.text_rect()) for b in placed.boxes if b.kind != "panel"]
    blocks += [(t.lines, t.size, t.bold, t.rect) for t in (*placed.texts, *(e.text for e in placed.legend))]
    for lines, size, bold, rect in blocks:
        real = max(fonts[bold].getlength(line) * size / 100 for line in lines)
        assert real <= rect.x1 - rect.x0 + 0.5, lines


def test_sankey_labels_are_dark_on_light_bands_and_print_at_8_points(demo_store):
    data = programme(demo_store, "owner", demo.load_demo(demo_store, "owner").project_id)
    fig = sankey_figure(sankey(data), {})
    trace = fig.data[0]
    assert points_at_print(trace.textfont.size, fig.layout.width) >= MIN_PT

    def luminance(colour: tuple[float, float, float]) -> float:
        lin = [(c / 255 / 12.92) if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    def over(colour: tuple[int, int, int], layers: int) -> tuple[float, float, float]:
        shade = 1 - (1 - LINK_OPACITY) ** layers  # that many bands of this colour stacked on white
        return tuple(255 + (c - 255) * shade for c in colour)

    ink = luminance(rgb(LABEL_INK))
    for node in trace.node.color:
        band = luminance(over(rgb(node), 2))
        assert (band + 0.05) / (ink + 0.05) >= 4.5, node  # WCAG AA contrast even where two bands cross


def test_the_accepting_infographic_renders_17_cm_wide_at_300_dpi(demo_store):
    data, figure, placed = _figure(demo_store, "Accepting")
    png = render(infographic(placed, figure, {s.id: s.citation for s in data.studies}), "png")
    width = int.from_bytes(png[16:20], "big")
    assert width == round(PRINT_PX) and png_dpi(png) == pytest.approx(300, abs=0.1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "accepting-infographic-print.png").write_bytes(png)
