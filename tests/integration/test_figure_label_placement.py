"""Count labels of the demo's and a generated project's figures sit where the plain search puts them."""

from dataclasses import dataclass

from workbench.domain.figure_layout import ALONG, Layout, Line, _label_size, layout
from workbench.domain.figures import context_figure, drawable_contexts
from workbench.domain.print_geometry import Point, Rect, bezier, distance_to_polyline, polyline_enters
from workbench.services import demo
from workbench.services.demo_large import load_large_demo
from workbench.services.figures import programme


@dataclass(frozen=True)
class Stroke:
    key: str
    points: tuple[Point, ...]
    bounds: Rect
    half: float


def _stroke(line: Line) -> Stroke:
    points = line.polyline()
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Stroke(
        line.key, points, Rect(min(xs), min(ys), max(xs), max(ys)).grown(line.width / 2), line.width / 2
    )


def _plain_label(line: Line, strokes: list[Stroke], taken: list[Rect], obstacles: list[Rect]) -> Rect:
    """The label search as first written: every spot, every box, label and line, checked one by one."""
    width, height = _label_size(line.count)
    best: tuple[float, Rect] | None = None
    for t in ALONG:
        x, y = bezier(line.start, line.end, t)
        rect = Rect.around(x, y, width, height)
        if any(rect.grown(2).overlaps(o) for o in [*obstacles, *taken]):
            continue
        near = [o for o in strokes if o.key != line.key and o.bounds.overlaps(rect.grown(2))]
        crossing = [o for o in near if polyline_enters(rect.grown(2), o.points, o.half)]
        if not crossing:
            return rect
        clearance = min(distance_to_polyline((x, y), o.points) - o.half for o in crossing)
        if best is None or clearance > best[0]:
            best = (clearance, rect)
    if best is not None:
        return best[1]
    x, y = bezier(line.start, line.end, 0.5)
    return Rect.around(x, y, width, height)


def _assert_labels_as_plain_search(placed: Layout) -> int:
    obstacles = [b.footprint() for b in placed.boxes]
    strokes = [_stroke(line) for line in placed.lines]
    taken: list[Rect] = []
    for line in sorted(placed.lines, key=lambda ln: (-ln.count, ln.key)):
        expected = _plain_label(line, strokes, taken, obstacles)
        assert line.label == expected, line.key
        taken.append(expected)
    return len(taken)


def test_every_count_label_of_the_demo_figures_is_where_the_plain_search_puts_it(store):
    data = programme(store, "owner", demo.load_demo(store, "owner").project_id)
    contexts = drawable_contexts(data)
    assert contexts
    assert sum(_assert_labels_as_plain_search(layout(context_figure(data, c.id))) for c in contexts) > 10


def test_every_count_label_of_a_crowded_generated_project_is_where_the_plain_search_puts_it(store):
    project_id = load_large_demo(store, "owner", 30, 2).project_id
    data = programme(store, "owner", project_id)
    labels = [
        _assert_labels_as_plain_search(layout(context_figure(data, c.id))) for c in drawable_contexts(data)
    ]
    assert sum(labels) > 100
