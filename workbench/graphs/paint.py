"""Paint the SVG that :mod:`workbench.graphs.svg` writes onto a cairo surface: a PNG or a PDF, fast.

Only that small subset is understood (``rect``, ``line``, ``path`` with M/L/Q/C/Z, ``text`` with
``tspan`` lines, an optional ``rotate`` transform), which lets a figure with thousands of cells be
painted in a fraction of the time a general SVG renderer takes. Fonts come from fontconfig (Arial's
metric twin, Liberation Sans, on Debian). Anything else in the document is an error, not skipped. cairo is
called through :mod:`workbench.graphs.libcairo` (Debian's ``libcairo.so.2``).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from typing import Any

from workbench.graphs import libcairo
from workbench.graphs.libcairo import ffi

NS = "{http://www.w3.org/2000/svg}"
FAMILY = b"Liberation Sans"
_NAMED = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0)}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_ROTATE = re.compile(r"rotate\(([-\d.]+)[ ,]+([-\d.]+)[ ,]+([-\d.]+)\)")


class PaintError(ValueError):
    """The SVG uses something this painter does not draw."""


@functools.lru_cache(maxsize=1024)
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


class _Pen:
    """A cairo context with its font and stroke state, set only when it changes, and the fonts'
    measures, kept: a matrix of thousands of labels in a few fonts asks cairo once per font and label,
    not per cell (the same calls reach cairo in the same order otherwise, so the pixels do not change)."""

    def __init__(self, cr: Any) -> None:
        self.cr, self.lib = cr, libcairo.lib()
        self.font: tuple[bool, bool, float] | None = None
        self.stroke: tuple[float, str | None] | None = None
        self.ascent: dict[tuple[bool, bool, float], tuple[float, float]] = {}
        self.advance: dict[tuple[bool, bool, float, str], float] = {}
        self._font_extents: Any = ffi.new("cairo_font_extents_t *")
        self._text_extents: Any = ffi.new("cairo_text_extents_t *")

    def use_font(self, italic: bool, bold: bool, size: float) -> tuple[float, float]:
        """Select the font (when another is selected) and give its ascent and descent."""
        key = (italic, bold, size)
        if key != self.font:
            self.lib.cairo_select_font_face(
                self.cr,
                FAMILY,
                libcairo.FONT_SLANT_ITALIC if italic else libcairo.FONT_SLANT_NORMAL,
                libcairo.FONT_WEIGHT_BOLD if bold else libcairo.FONT_WEIGHT_NORMAL,
            )
            self.lib.cairo_set_font_size(self.cr, size)
            self.font = key
        if key not in self.ascent:
            self.lib.cairo_font_extents(self.cr, self._font_extents)
            self.ascent[key] = (self._font_extents.ascent, self._font_extents.descent)
        return self.ascent[key]

    def width(self, label: str) -> float:
        """The advance of ``label`` in the selected font."""
        assert self.font is not None
        key = (*self.font, label)
        if key not in self.advance:
            self.lib.cairo_text_extents(self.cr, label.encode("utf-8"), self._text_extents)
            self.advance[key] = self._text_extents.x_advance
        return self.advance[key]

    def use_stroke(self, width: float, dash: str | None) -> None:
        if (width, dash) != self.stroke:
            self.lib.cairo_set_line_width(self.cr, width)
            if dash:
                dashes = [float(v) for v in dash.split(",")]
                self.lib.cairo_set_dash(self.cr, ffi.new("double[]", dashes), len(dashes), 0.0)
            else:
                self.lib.cairo_set_dash(self.cr, ffi.NULL, 0, 0.0)
            self.stroke = (width, dash)

    def forget_font(self) -> None:
        """After ``cairo_restore``: the font selected since the ``cairo_save`` is gone."""
        self.font = None


def _path(pen: _Pen, d: str) -> None:
    lib, cr = pen.lib, pen.cr
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
            lib.cairo_move_to(cr, x, y)
        elif op == "L":
            x, y = args
            lib.cairo_line_to(cr, x, y)
        elif op == "Q":  # a quadratic as the equivalent cubic
            qx, qy, ex, ey = args
            lib.cairo_curve_to(cr, x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y), ex + 2 / 3 * (qx - ex),
                               ey + 2 / 3 * (qy - ey), ex, ey)  # fmt: skip
            x, y = ex, ey
        elif op == "C":
            lib.cairo_curve_to(cr, *args)
            x, y = args[4], args[5]
        elif op == "Z":
            lib.cairo_close_path(cr)
        else:
            raise PaintError(f"unknown path command {op!r}")


def _fill_and_stroke(pen: _Pen, node: ET.Element) -> None:
    lib, cr = pen.lib, pen.cr
    fill = colour(node.get("fill", "black"))
    if fill is not None:
        lib.cairo_set_source_rgba(cr, *fill, float(node.get("fill-opacity", 1)))
        lib.cairo_fill_preserve(cr)
    stroke = colour(node.get("stroke", "none"))
    if stroke is not None:
        lib.cairo_set_source_rgba(cr, *stroke, float(node.get("stroke-opacity", 1)))
        pen.use_stroke(float(node.get("stroke-width", 1)), node.get("stroke-dasharray"))
        lib.cairo_stroke_preserve(cr)
    lib.cairo_new_path(cr)


def _text(pen: _Pen, node: ET.Element) -> None:
    lib, cr = pen.lib, pen.cr
    size = float(node.get("font-size", 12))
    anchor = node.get("text-anchor", "start")
    bold = node.get("font-weight") == "bold"
    central = node.get("dominant-baseline") == "central"
    ink = colour(node.get("fill", "black")) or (0.0, 0.0, 0.0)
    turn = _ROTATE.fullmatch(node.get("transform", ""))
    if turn:  # turned about a point, then turned back by restore (which drops the font chosen since)
        lib.cairo_save(cr)
        angle, cx, cy = (float(v) for v in turn.groups())
        lib.cairo_translate(cr, cx, cy)
        lib.cairo_rotate(cr, angle * 3.141592653589793 / 180)
        lib.cairo_translate(cr, -cx, -cy)
    elif node.get("transform"):
        raise PaintError(f"unknown transform {node.get('transform')!r}")
    lib.cairo_set_source_rgb(cr, *ink)
    for span in node.iter(f"{NS}tspan"):
        ascent, descent = pen.use_font(
            span.get("font-style") == "italic", bold or span.get("font-weight") == "bold", size
        )
        label = span.text or ""
        x = float(span.get("x", 0))
        if anchor != "start":
            x -= pen.width(label) / (2 if anchor == "middle" else 1)
        y = float(span.get("y", 0))
        if central:
            y += (ascent - descent) / 2
        lib.cairo_move_to(cr, x, y)
        lib.cairo_show_text(cr, label.encode("utf-8"))
    if turn:
        lib.cairo_restore(cr)
        pen.forget_font()


def _paint(pen: _Pen, root: ET.Element) -> None:
    lib, cr = pen.lib, pen.cr
    for node in root:
        tag = node.tag.removeprefix(NS)
        if tag == "rect":
            x, y, w, h = (float(node.get(k, 0)) for k in ("x", "y", "width", "height"))
            lib.cairo_rectangle(cr, x, y, w, h)
            _fill_and_stroke(pen, node)
        elif tag == "path":
            _path(pen, node.get("d", ""))
            _fill_and_stroke(pen, node)
        elif tag == "line":
            lib.cairo_move_to(cr, float(node.get("x1", 0)), float(node.get("y1", 0)))
            lib.cairo_line_to(cr, float(node.get("x2", 0)), float(node.get("y2", 0)))
            _fill_and_stroke(pen, node)
        elif tag == "text":
            _text(pen, node)
        elif tag != "title":
            raise PaintError(f"unknown SVG element {tag!r}")
    libcairo.check(lib.cairo_status(cr))


def _same_glyphs(pen: _Pen) -> None:
    """Fixed hinting for the PNG's text: without it, glyphs depend on what the process painted before
    (a PDF first changes a later PNG's pixels), so a bundle's PNGs would vary with the workers' order."""
    options = pen.lib.cairo_font_options_create()
    try:
        pen.lib.cairo_font_options_set_hint_metrics(options, libcairo.HINT_METRICS_OFF)
        pen.lib.cairo_font_options_set_hint_style(options, libcairo.HINT_STYLE_NONE)
        pen.lib.cairo_set_font_options(pen.cr, options)
    finally:
        pen.lib.cairo_font_options_destroy(options)


def svg_size(svg: bytes) -> tuple[float, float]:
    """The width and height an SVG document declares, in pixels (read from its root tag alone)."""
    parser: Any = ET.XMLPullParser(events=("start",))
    start = svg.find(b"<svg")
    parser.feed(svg[: svg.find(b">", start) + 1] if start >= 0 else svg)
    for _, root in parser.read_events():
        return float(root.get("width", 0)), float(root.get("height", 0))
    raise PaintError("not an SVG document")


def paint(svg: bytes, fmt: str, scale: float = 1.0) -> tuple[bytes, tuple[int, int]]:
    """The SVG as a PDF (in points, 1 px = 0.75 pt) or as RGB pixels (3 bytes each, row after row) at
    ``scale``, with the size in pixels. OSError when libcairo is missing;
    :class:`libcairo.CairoError` when cairo fails (a surface too large to allocate)."""
    lib = libcairo.lib()
    root = ET.fromstring(svg)
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    if fmt == "pdf":
        chunks: list[bytes] = []

        @ffi.callback("cairo_write_func_t", error=libcairo.STATUS_WRITE_ERROR)
        def write(closure: Any, data: Any, length: int) -> int:
            chunks.append(ffi.buffer(data, length)[:])
            return libcairo.STATUS_SUCCESS

        surface = lib.cairo_pdf_surface_create_for_stream(write, ffi.NULL, width * 0.75, height * 0.75)
        _draw(surface, root, 0.75, None)
        return b"".join(chunks), (round(width), round(height))
    size = (round(width * scale), round(height * scale))
    surface = lib.cairo_image_surface_create(libcairo.FORMAT_RGB24, *size)
    return _draw(surface, root, scale, size[1]), size


def _rgb(pixels: Any, width: int, height: int, stride: int) -> bytes:
    """cairo's RGB24 pixels (32 bits each, blue in the lowest byte) as packed RGB, read in place."""
    from PIL import Image

    return Image.frombuffer("RGB", (width, height), pixels, "raw", "BGRX", stride, 1).tobytes()


def _draw(surface: Any, root: ET.Element, scale: float, rows: int | None) -> bytes:
    """Paint ``root`` on ``surface`` at ``scale``: the pixels of an image surface of ``rows`` rows, or,
    for a PDF surface (``rows`` None), nothing (finishing it wrote the document to its stream). The
    surface is destroyed here, whatever happens."""
    lib = libcairo.lib()
    try:
        libcairo.check(lib.cairo_surface_status(surface))
        cr = lib.cairo_create(surface)
        try:
            pen = _Pen(cr)
            if rows is not None:
                _same_glyphs(pen)
            lib.cairo_scale(cr, scale, scale)
            _paint(pen, root)
        finally:
            lib.cairo_destroy(cr)
        if rows is None:
            lib.cairo_surface_finish(surface)
            libcairo.check(lib.cairo_surface_status(surface))
            return b""
        lib.cairo_surface_flush(surface)
        stride = lib.cairo_image_surface_get_stride(surface)
        pixels = ffi.buffer(lib.cairo_image_surface_get_data(surface), stride * rows)
        return _rgb(pixels, stride // 4, rows, stride)
    finally:
        lib.cairo_surface_destroy(surface)


WARM_UP_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<text x="1" y="12" font-size="10" font-family="Liberation Sans">Ag 1</text></svg>'
)


def warm_up() -> None:
    """Paint a word as a PNG and a PDF: loads cairo and fontconfig's font list (about 0.2 s the first
    time in a process), so a worker that calls this as it starts paints its first figure at full speed."""
    paint(WARM_UP_SVG, "png")
    paint(WARM_UP_SVG, "pdf")
