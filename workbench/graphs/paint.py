"""Paint the SVG that :mod:`workbench.graphs.svg` writes onto a cairo surface: a PNG or a PDF, fast.

Only that small subset is understood (``rect``, ``line``, ``path`` with M/L/Q/C/Z, ``text`` with
``tspan`` lines, an optional ``rotate`` transform), which lets a figure with thousands of cells be
painted in a fraction of the time a general SVG renderer takes. Fonts come from fontconfig (Arial's
metric twin, Liberation Sans, on Debian). Anything else in the document is an error, not skipped.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

NS = "{http://www.w3.org/2000/svg}"
FAMILY = "Liberation Sans"
_NAMED = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0)}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_ROTATE = re.compile(r"rotate\(([-\d.]+)[ ,]+([-\d.]+)[ ,]+([-\d.]+)\)")


class PaintError(ValueError):
    """The SVG uses something this painter does not draw."""


def colour(value: str) -> tuple[float, float, float] | None:
    """``#rgb``, ``#rrggbb``, ``rgb(r,g,b)`` or a few names as 0-1 floats; None for ``none``."""
    value = value.strip()
    if value == "none":
        return None
    if value in _NAMED:
        return _NAMED[value]
    if value.startswith("rgb("):
        r, g, b = (int(v) for v in value[4:-1].split(","))
        return r / 255, g / 255, b / 255
    hexa = value.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    if len(hexa) != 6:
        raise PaintError(f"unknown colour {value!r}")
    return int(hexa[0:2], 16) / 255, int(hexa[2:4], 16) / 255, int(hexa[4:6], 16) / 255


def _path(ctx: Any, d: str) -> None:
    tokens = re.findall(r"[MLQCZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?", d)
    i, x, y = 0, 0.0, 0.0
    while i < len(tokens):
        op = tokens[i]
        args = []
        i += 1
        while i < len(tokens) and _NUMBER.fullmatch(tokens[i]):
            args.append(float(tokens[i]))
            i += 1
        if op == "M":
            x, y = args
            ctx.move_to(x, y)
        elif op == "L":
            x, y = args
            ctx.line_to(x, y)
        elif op == "Q":  # a quadratic as the equivalent cubic
            qx, qy, ex, ey = args
            ctx.curve_to(x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y), ex + 2 / 3 * (qx - ex),
                         ey + 2 / 3 * (qy - ey), ex, ey)  # fmt: skip
            x, y = ex, ey
        elif op == "C":
            ctx.curve_to(*args)
            x, y = args[4], args[5]
        elif op == "Z":
            ctx.close_path()
        else:
            raise PaintError(f"unknown path command {op!r}")


def _fill_and_stroke(ctx: Any, node: ET.Element) -> None:
    fill = colour(node.get("fill", "black"))
    if fill is not None:
        ctx.set_source_rgba(*fill, float(node.get("fill-opacity", 1)))
        ctx.fill_preserve()
    stroke = colour(node.get("stroke", "none"))
    if stroke is not None:
        ctx.set_source_rgba(*stroke, float(node.get("stroke-opacity", 1)))
        ctx.set_line_width(float(node.get("stroke-width", 1)))
        dash = node.get("stroke-dasharray")
        ctx.set_dash([float(v) for v in dash.split(",")] if dash else [])
        ctx.stroke_preserve()
    ctx.new_path()


def _text(ctx: Any, cairo: Any, node: ET.Element) -> None:
    size = float(node.get("font-size", 12))
    anchor = node.get("text-anchor", "start")
    bold = node.get("font-weight") == "bold"
    ink = colour(node.get("fill", "black")) or (0.0, 0.0, 0.0)
    ctx.save()
    turn = _ROTATE.fullmatch(node.get("transform", ""))
    if turn:
        angle, cx, cy = (float(v) for v in turn.groups())
        ctx.translate(cx, cy)
        ctx.rotate(angle * 3.141592653589793 / 180)
        ctx.translate(-cx, -cy)
    elif node.get("transform"):
        raise PaintError(f"unknown transform {node.get('transform')!r}")
    ctx.set_source_rgb(*ink)
    for span in node.iter(f"{NS}tspan"):
        italic = span.get("font-style") == "italic"
        heavy = bold or span.get("font-weight") == "bold"
        ctx.select_font_face(
            FAMILY,
            cairo.FONT_SLANT_ITALIC if italic else cairo.FONT_SLANT_NORMAL,
            cairo.FONT_WEIGHT_BOLD if heavy else cairo.FONT_WEIGHT_NORMAL,
        )
        ctx.set_font_size(size)
        label = span.text or ""
        ascent, descent = ctx.font_extents()[:2]
        advance = ctx.text_extents(label)[4]
        x = float(span.get("x", 0)) - {"start": 0.0, "middle": advance / 2, "end": advance}[anchor]
        y = float(span.get("y", 0))
        if node.get("dominant-baseline") == "central":
            y += (ascent - descent) / 2
        ctx.move_to(x, y)
        ctx.show_text(label)
    ctx.restore()


def _paint(ctx: Any, cairo: Any, root: ET.Element) -> None:
    for node in root:
        tag = node.tag.removeprefix(NS)
        if tag == "rect":
            x, y, w, h = (float(node.get(k, 0)) for k in ("x", "y", "width", "height"))
            ctx.rectangle(x, y, w, h)
            _fill_and_stroke(ctx, node)
        elif tag == "path":
            _path(ctx, node.get("d", ""))
            _fill_and_stroke(ctx, node)
        elif tag == "line":
            ctx.move_to(float(node.get("x1", 0)), float(node.get("y1", 0)))
            ctx.line_to(float(node.get("x2", 0)), float(node.get("y2", 0)))
            _fill_and_stroke(ctx, node)
        elif tag == "text":
            _text(ctx, cairo, node)
        elif tag != "title":
            raise PaintError(f"unknown SVG element {tag!r}")


def _same_glyphs(ctx: Any, cairo: Any) -> None:
    """Fixed hinting for the PNG's text: without it, glyphs depend on what the process painted before
    (a PDF first changes a later PNG's pixels), so a bundle's PNGs would vary with the workers' order."""
    options = cairo.FontOptions()
    options.set_hint_metrics(cairo.HINT_METRICS_OFF)
    options.set_hint_style(cairo.HINT_STYLE_NONE)
    ctx.set_font_options(options)


def svg_size(svg: bytes) -> tuple[float, float]:
    """The width and height an SVG document declares, in pixels (read from its root tag alone)."""
    parser: Any = ET.XMLPullParser(events=("start",))
    start = svg.find(b"<svg")
    parser.feed(svg[: svg.find(b">", start) + 1] if start >= 0 else svg)
    for _, root in parser.read_events():
        return float(root.get("width", 0)), float(root.get("height", 0))
    raise PaintError("not an SVG document")


def paint(svg: bytes, fmt: str, scale: float = 1.0) -> tuple[bytes, tuple[int, int]]:
    """The SVG as a PDF (in points, 1 px = 0.75 pt) or as raw RGB pixels at ``scale``, with the size."""
    import cairocffi as cairo  # type: ignore[import-untyped]

    root = ET.fromstring(svg)
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    if fmt == "pdf":
        out = io.BytesIO()
        surface = cairo.PDFSurface(out, width * 0.75, height * 0.75)
        ctx = cairo.Context(surface)
        ctx.scale(0.75, 0.75)
        _paint(ctx, cairo, root)
        surface.finish()
        return out.getvalue(), (round(width), round(height))
    size = (round(width * scale), round(height * scale))
    surface = cairo.ImageSurface(cairo.FORMAT_RGB24, *size)
    ctx = cairo.Context(surface)
    _same_glyphs(ctx, cairo)
    ctx.scale(scale, scale)
    _paint(ctx, cairo, root)
    surface.flush()
    return bytes(surface.get_data()), size


WARM_UP_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<text x="1" y="12" font-size="10" font-family="Liberation Sans">Ag 1</text></svg>'
)


def warm_up() -> None:
    """Paint a word as a PNG and a PDF: loads cairo and fontconfig's font list (about 0.2 s the first
    time in a process), so a worker that calls this as it starts paints its first figure at full speed."""
    paint(WARM_UP_SVG, "png")
    paint(WARM_UP_SVG, "pdf")
