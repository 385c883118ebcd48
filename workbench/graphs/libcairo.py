"""The few cairo calls :mod:`workbench.graphs.paint` makes, bound straight to Debian's ``libcairo.so.2``.

cffi in ABI mode over a declaration of only those calls: it loads in milliseconds (a general binding such
as cairocffi parses all of cairo's headers in each process that imports it, about a quarter of a second
in every bundle worker) and each call goes to the library without a wrapper object. The declarations
follow cairo's public C API (``cairo.h``, ``cairo-pdf.h``); the enum values are cairo's.
"""

from __future__ import annotations

import threading
from typing import Any

from cffi import FFI

DECLARATIONS = """
typedef struct _cairo cairo_t;
typedef struct _cairo_surface cairo_surface_t;
typedef struct _cairo_font_options cairo_font_options_t;
typedef int cairo_status_t;
typedef struct { double ascent; double descent; double height; double max_x_advance; double max_y_advance; }
    cairo_font_extents_t;
typedef struct { double x_bearing; double y_bearing; double width; double height; double x_advance;
    double y_advance; } cairo_text_extents_t;
typedef cairo_status_t (*cairo_write_func_t)(void *closure, const unsigned char *data, unsigned int length);

const char *cairo_status_to_string(cairo_status_t status);
cairo_surface_t *cairo_image_surface_create(int format, int width, int height);
unsigned char *cairo_image_surface_get_data(cairo_surface_t *surface);
int cairo_image_surface_get_stride(cairo_surface_t *surface);
cairo_surface_t *cairo_pdf_surface_create_for_stream(cairo_write_func_t write_func, void *closure,
    double width_in_points, double height_in_points);
cairo_status_t cairo_surface_status(cairo_surface_t *surface);
void cairo_surface_flush(cairo_surface_t *surface);
void cairo_surface_finish(cairo_surface_t *surface);
void cairo_surface_destroy(cairo_surface_t *surface);

cairo_t *cairo_create(cairo_surface_t *target);
cairo_status_t cairo_status(cairo_t *cr);
void cairo_destroy(cairo_t *cr);
void cairo_save(cairo_t *cr);
void cairo_restore(cairo_t *cr);
void cairo_scale(cairo_t *cr, double sx, double sy);
void cairo_translate(cairo_t *cr, double tx, double ty);
void cairo_rotate(cairo_t *cr, double angle);

void cairo_set_source_rgb(cairo_t *cr, double red, double green, double blue);
void cairo_set_source_rgba(cairo_t *cr, double red, double green, double blue, double alpha);
void cairo_set_line_width(cairo_t *cr, double width);
void cairo_set_dash(cairo_t *cr, const double *dashes, int num_dashes, double offset);

void cairo_new_path(cairo_t *cr);
void cairo_move_to(cairo_t *cr, double x, double y);
void cairo_line_to(cairo_t *cr, double x, double y);
void cairo_curve_to(cairo_t *cr, double x1, double y1, double x2, double y2, double x3, double y3);
void cairo_close_path(cairo_t *cr);
void cairo_rectangle(cairo_t *cr, double x, double y, double width, double height);
void cairo_fill_preserve(cairo_t *cr);
void cairo_stroke_preserve(cairo_t *cr);

void cairo_select_font_face(cairo_t *cr, const char *family, int slant, int weight);
void cairo_set_font_size(cairo_t *cr, double size);
void cairo_font_extents(cairo_t *cr, cairo_font_extents_t *extents);
void cairo_text_extents(cairo_t *cr, const char *utf8, cairo_text_extents_t *extents);
void cairo_show_text(cairo_t *cr, const char *utf8);

cairo_font_options_t *cairo_font_options_create(void);
void cairo_font_options_destroy(cairo_font_options_t *options);
void cairo_font_options_set_hint_style(cairo_font_options_t *options, int hint_style);
void cairo_font_options_set_hint_metrics(cairo_font_options_t *options, int hint_metrics);
void cairo_set_font_options(cairo_t *cr, const cairo_font_options_t *options);
"""
LIBRARY = "libcairo.so.2"
FORMAT_RGB24 = 1
FONT_SLANT_NORMAL, FONT_SLANT_ITALIC = 0, 1
FONT_WEIGHT_NORMAL, FONT_WEIGHT_BOLD = 0, 1
HINT_STYLE_NONE = 1
HINT_METRICS_OFF = 1
STATUS_SUCCESS = 0
STATUS_WRITE_ERROR = 11

ffi = FFI()
ffi.cdef(DECLARATIONS)
_lib: Any = None
_lock = threading.Lock()


class CairoError(RuntimeError):
    """cairo reported an error (its own message), such as a surface too large to allocate."""


def lib() -> Any:
    """The loaded library (loaded on first use); OSError when ``libcairo.so.2`` is not installed."""
    global _lib
    with _lock:
        if _lib is None:
            _lib = ffi.dlopen(LIBRARY)
        return _lib


def check(status: int) -> None:
    """Raise :class:`CairoError` with cairo's message unless ``status`` is success."""
    if status != STATUS_SUCCESS:
        message = ffi.string(lib().cairo_status_to_string(status))
        raise CairoError(message.decode("utf-8", "replace") if isinstance(message, bytes) else message)
