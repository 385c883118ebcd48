"""Shared look of the figures: fonts, colour tints, and text made safe for plotly's HTML-like labels."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import plotly.graph_objects as go


FONT = "Arial, Liberation Sans, Helvetica, sans-serif"
INK = "#333333"


def safe(text: str) -> str:
    """Text for a plotly label or hover: its HTML-like markup (``<b>``, ``<a href>``) made literal."""
    return html.escape(text, quote=False)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers (grey for anything else)."""
    value = colour.lstrip("#")
    if len(value) != 6:
        return 158, 158, 158
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return 158, 158, 158


def tint(colour: str, towards_white: float) -> str:
    """The colour mixed with white (0: unchanged, 1: white)."""
    r, g, b = (round(c + (255 - c) * towards_white) for c in rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"


def shade(colour: str, towards_black: float) -> str:
    """The colour mixed with black (0: unchanged, 1: black)."""
    r, g, b = (round(c * (1 - towards_black)) for c in rgb(colour))
    return f"#{r:02x}{g:02x}{b:02x}"


def alpha(colour: str, opacity: float) -> str:
    """The colour as ``rgba(...)`` with this opacity."""
    r, g, b = rgb(colour)
    return f"rgba({r},{g},{b},{opacity})"


def fixed_canvas(fig: go.Figure, width: float, height: float) -> go.Figure:
    """One data unit per pixel, y downwards, no axes: what the pixel layouts are drawn on."""
    fig.update_layout(
        width=round(width), height=round(height), margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="white", paper_bgcolor="white", showlegend=False, font={"family": FONT, "color": INK},
        hoverlabel={"font": {"family": FONT}}, clickmode="event+select", dragmode=False,
    )  # fmt: skip
    axis: dict[str, Any] = {"visible": False, "fixedrange": True, "showgrid": False, "zeroline": False}
    fig.update_xaxes(range=[0, width], **axis)
    fig.update_yaxes(range=[height, 0], **axis)
    return fig


def citations(study_ids: frozenset[int], names: dict[int, str], limit: int = 12) -> str:
    """Short citations of studies for a hover text, at most ``limit`` of them."""
    listed = sorted(names.get(s, str(s)) for s in study_ids)
    more = f"; … {len(listed) - limit} more" if len(listed) > limit else ""
    return safe("; ".join(listed[:limit])) + more
