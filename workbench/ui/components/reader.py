"""The study reader: the text with its codings highlighted, reporting selections, clicks and keys."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from workbench.domain.codebook import CodeKind
from workbench.domain.offsets import OffsetError, Utf16Index
from workbench.services.coding import DocumentView, ExcerptView
from workbench.ui.components.reader_assets import CSS, HTML, JS

_COMPONENT = st.components.v2.component("workbench_reader", html=HTML, css=CSS, js=JS)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_BADGE = {CodeKind.CONTEXT: "C", CodeKind.MECHANISM: "M", CodeKind.OUTCOME: "O", CodeKind.OTHER: ""}


@dataclass(frozen=True)
class ReaderCommand:
    """A key pressed in the reader: apply shortcut ``slot`` (1-9) to ``span``, undo, or clear."""

    action: str
    slot: int | None = None
    span: tuple[int, int] | None = None  # code points; None means "the selection already reported"


@dataclass(frozen=True)
class ReaderEvents:
    """What the page does when the reviewer selects text, opens an excerpt or presses a key."""

    on_select: Callable[[int, int], None]
    on_open: Callable[[list[int]], None]
    on_command: Callable[[ReaderCommand], None]


def reader_data(
    view: DocumentView, pending: tuple[int, int] | None, focus: int | None, index: Utf16Index
) -> dict[str, Any]:
    """The component's payload: text, pages and highlights in UTF-16 offsets, compact."""
    bounds = index.many_to_utf16([i for e in view.excerpts for i in (e.start, e.end)])
    excerpts = [
        [e.id, bounds[2 * k], bounds[2 * k + 1], _label(e), _colours(e), _badge(e)]
        for k, e in enumerate(view.excerpts)
    ]
    pages = [[index.to_utf16(at), n] for n, at in enumerate(view.page_starts, start=1) if at <= index.length]
    signature = zlib.crc32(json.dumps([view.document_id, len(view.text), excerpts, pages]).encode())
    return {
        "doc": view.document_id,
        "sig": f"{view.document_id}:{signature:x}",
        "text": view.text,
        "pages": pages,
        "excerpts": excerpts,
        "pending": index.many_to_utf16(pending) if pending else None,
        "focus": focus,
    }


def _colours(excerpt: ExcerptView) -> list[str]:
    colours = [c.colour if _COLOUR.match(c.colour) else "#9e9e9e" for c in excerpt.codings]
    return list(dict.fromkeys(colours)) or ["#9e9e9e"]


def _badge(excerpt: ExcerptView) -> str:
    kinds = {c.code_kind for c in excerpt.codings}
    return "".join(_BADGE[k] for k in (CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME) if k in kinds)


def _label(excerpt: ExcerptView) -> str:
    return "\n".join(
        f"{c.code_kind.value}: {c.code_name} ({c.coder}, {c.mode.value})" for c in excerpt.codings
    )


def reader(
    view: DocumentView,
    events: ReaderEvents,
    *,
    pending: tuple[int, int] | None = None,
    focus: int | None = None,
    key: str = "reader",
) -> None:
    """Show the study text; selections, clicks on highlights and keys arrive through ``events``."""
    index = Utf16Index(view.text)

    def payload(name: str) -> dict[str, Any] | None:
        value = st.session_state[key].get(name)
        return value if isinstance(value, dict) else None

    def selected() -> None:
        value = payload("selection")
        span = _span(index, value)
        if span is not None:
            events.on_select(*span)

    def opened() -> None:
        value = payload("excerpt")
        if value is not None:
            events.on_open([int(i) for i in value.get("ids", [])])

    def commanded() -> None:
        value = payload("command")
        if value is not None:
            slot = value.get("slot")
            span = _span(index, value) if value.get("start") is not None else None
            events.on_command(ReaderCommand(str(value.get("action")), int(slot) if slot else None, span))

    _COMPONENT(
        key=key,
        data=reader_data(view, pending, focus, index),
        on_selection_change=selected,
        on_excerpt_change=opened,
        on_command_change=commanded,
    )


def _span(index: Utf16Index, value: dict[str, Any] | None) -> tuple[int, int] | None:
    """A reported ``{start, end}`` in UTF-16 units as a code-point span, or None if it is not one."""
    if value is None:
        return None
    try:
        start, end = index.span_from_utf16(int(value["start"]), int(value["end"]))
    except (KeyError, TypeError, ValueError, OffsetError):
        return None
    return (start, end) if end > start else None
