"""Static figure files (SVG, PNG at 300 dpi, PDF) through kaleido 1.x and Debian's chromium.

kaleido 1.x drives a Chrome-family browser through choreographer, which takes the browser from the
``BROWSER_PATH`` environment variable before searching ``PATH``; it is pointed at Debian's
``/usr/bin/chromium`` unless already set. The browser is started once per process
(``kaleido.start_sync_server``) and reused for every figure; MathJax is off, so nothing is fetched
from the network. PNGs carry a 300 dpi ``pHYs`` chunk so word processors size them right: a figure
laid out for print (``layout.meta["print_cm"]``, such as a context infographic) is rendered so it is
that many centimetres wide at 300 dpi; any other at 300/96 scale (laid out in CSS pixels, 96 per inch);
a PNG that would pass ``print_geometry.MAX_PNG_PIXELS`` gets fewer dots per inch, the same printed size.
The SVGs of :mod:`workbench.graphs.svg` need no browser: ``convert_svg`` paints them with cairo at the
same sizes, several times faster (the publication bundle's default).
"""

from __future__ import annotations

import os
import struct
import threading
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.domain.errors import ServiceError
from workbench.domain.print_geometry import raster_scale

if TYPE_CHECKING:
    import plotly.graph_objects as go

BROWSER_ENV = "BROWSER_PATH"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
FORMATS = ("svg", "png", "pdf")
DPI = 300
CSS_DPI = 96
CM_PER_INCH = 2.54
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_lock = threading.Lock()
_started = False


class FigureExportError(ServiceError):
    """A figure could not be written as a file; the message says why and what to install."""


def browser_path() -> str:
    """The browser kaleido will use: ``BROWSER_PATH``, set to Debian's chromium when unset."""
    if not os.environ.get(BROWSER_ENV) and Path(DEBIAN_CHROMIUM).exists():
        os.environ[BROWSER_ENV] = DEBIAN_CHROMIUM
    return os.environ.get(BROWSER_ENV, "")


def start_renderer() -> None:
    """Start kaleido's browser once for this process (later calls do nothing)."""
    global _started
    with _lock:
        if _started:
            return
        path = browser_path()
        if not path or not Path(path).exists():
            raise FigureExportError(
                f"static figures need chromium: install Debian's chromium package or set {BROWSER_ENV}"
            )
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _started = True


def with_dpi(png: bytes, dpi: int = DPI) -> bytes:
    """The PNG with a ``pHYs`` chunk saying ``dpi`` (any earlier one replaced)."""
    if png[:8] != PNG_SIGNATURE:
        raise FigureExportError("the renderer did not return a PNG")
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    out, pos = [png[:8]], 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        kind = png[pos + 4 : pos + 8]
        end = pos + 12 + length
        if kind != b"pHYs":
            out.append(png[pos:end])
        if kind == b"IHDR":
            out.append(chunk)
        pos = end
    return b"".join(out)


def png_dpi(png: bytes) -> float | None:
    """The resolution a PNG declares in its ``pHYs`` chunk, in dots per inch (None without one)."""
    pos = 8
    while pos < len(png):
        length = struct.unpack(">I", png[pos : pos + 4])[0]
        if png[pos + 4 : pos + 8] == b"pHYs":
            x, _, unit = struct.unpack(">IIB", png[pos + 8 : pos + 17])
            return x * 0.0254 if unit == 1 else None
        pos += 12 + length
    return None


def png_scale(fig: go.Figure, width: float) -> float:
    """Device pixels per layout pixel of a PNG: the print width at 300 dpi when the figure names one."""
    meta = fig.layout.meta
    print_cm = meta.get("print_cm") if isinstance(meta, dict) else None
    if print_cm:
        return round(float(print_cm) / CM_PER_INCH * DPI) / width
    return DPI / CSS_DPI


def print_scale(width: float, print_cm: float | None) -> float:
    """Device pixels per layout pixel of a 300 dpi PNG: the print width when given, else 300/96."""
    if print_cm:
        return round(float(print_cm) / CM_PER_INCH * DPI) / width
    return DPI / CSS_DPI


def capped_dpi(scale: float, wanted: float) -> int:
    """The resolution a PNG declares when painted at ``scale`` instead of ``wanted``: fewer dots per inch,
    so it prints at the same size (see ``print_geometry.raster_scale``)."""
    return DPI if scale >= wanted else round(DPI * scale / wanted)


def convert_svg(svg: str | bytes, fmt: str, width: float, print_cm: float | None = None) -> bytes:
    """An SVG written by :mod:`workbench.graphs.svg` as itself, as a 300 dpi PNG, or as a PDF, painted
    by cairo (Debian's libcairo2) through :mod:`workbench.graphs.paint`."""
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    if fmt == "svg":
        return data
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    from workbench.graphs.libcairo import CairoError
    from workbench.graphs.paint import paint, svg_size

    wanted = print_scale(width, print_cm)
    scale = raster_scale(*svg_size(data), wanted) if fmt == "png" else wanted
    dpi = capped_dpi(scale, wanted)
    try:
        painted, size = paint(data, fmt, scale)
    except OSError as exc:  # libcairo.so.2 could not be loaded
        raise FigureExportError("PNG and PDF figures need cairo: install Debian's libcairo2 package") from exc
    except CairoError as exc:
        raise FigureExportError(f"painting the figure as {fmt.upper()} failed: {exc}") from exc
    return painted if fmt == "pdf" else _png(painted, size, dpi)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(pixels: bytes, size: tuple[int, int], dpi: int = DPI) -> bytes:
    """RGB pixels as an 8-bit RGB PNG declaring ``dpi``: rows unfiltered and deflated at level 1 by
    Intel's ISA-L (``isal``; a standard zlib stream, a third of zlib's level 1 time on a print-size
    canvas, files about the same size), several times faster than Pillow's adaptive row filters (and
    cairo's own writer is slower still). Each row goes to the compressor as a slice of ``pixels`` after
    its filter byte: no copy of the image is framed first."""
    from isal import isal_zlib

    width, height = size
    line = 3 * width
    rows, deflate, none = memoryview(pixels), isal_zlib.compressobj(1), b"\x00"
    compressed = [deflate.compress(part) for start in range(0, line * height, line)
                  for part in (none, rows[start : start + line])]  # fmt: skip
    compressed.append(deflate.flush())
    per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", b"".join(compressed)),
            _chunk(b"IEND", b""),
        )
    )


def render(fig: go.Figure, fmt: str) -> bytes:
    """The figure as SVG, PNG (300 dpi) or PDF bytes, at its own width and height."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    start_renderer()
    import kaleido

    width, height = fig.layout.width or 1200, fig.layout.height or 800
    wanted = png_scale(fig, width) if fmt == "png" else 1
    scale = raster_scale(width, height, wanted) if fmt == "png" else 1
    opts: dict[str, Any] = {"format": fmt, "width": width, "height": height, "scale": scale}
    try:
        data = kaleido.calc_fig_sync(fig.to_dict(), opts=opts)
    except Exception as exc:  # kaleido reports browser failures with many exception types
        raise FigureExportError(f"rendering the figure as {fmt} failed: {exc}") from exc
    data = data if isinstance(data, bytes) else bytes(data)
    return with_dpi(data, capped_dpi(scale, wanted)) if fmt == "png" else data
