"""The study reader: the text with its codings and suggestions, reporting selections, clicks and keys."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from workbench.domain.codebook import CodeKind
from workbench.domain.offsets import OffsetError, Utf16Index
from workbench.domain.suggestions import KINDS
from workbench.services.coding import DocumentView, ExcerptView
from workbench.services.suggestions import Suggestion
from workbench.ui.components.reader_assets import CSS, HTML, JS

_COMPONENT = st.components.v2.component("workbench_reader", html=HTML, css=CSS, js=JS)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_BADGE = {CodeKind.CONTEXT: "C", CodeKind.MECHANISM: "M", CodeKind.OUTCOME: "O", CodeKind.OTHER: ""}
TOOLTIP_CODES = 3  # a suggestion's best codes named in its tooltip


@dataclass(frozen=True)
class ReaderCommand:
    """A key pressed in the reader: apply shortcut ``slot`` (1-9) to ``span``, undo, or clear."""

    action: str
    slot: int | None = None
    span: tuple[int, int] | None = None  # code points; None means "the selection already reported"


def _ignore(start: int, end: int) -> None:
    return None


@dataclass(frozen=True)
class ReaderEvents:
    """What the page does when the reviewer selects text, opens an excerpt or a suggestion
    (``on_suggestion`` gets its code-point span), or presses a key."""

    on_select: Callable[[int, int], None]
    on_open: Callable[[list[int]], None]
    on_command: Callable[[ReaderCommand], None]
    on_suggestion: Callable[[int, int], None] = _ignore


@dataclass(frozen=True)
class SuggestionLayer:
    """A document's suggestions in the reader's compact form, built once per set of suggestions by
    :func:`suggestion_layer`; each run draws the rows whose ids it names."""

    rows: list[list[Any]]
    strings: list[str]
    fingerprint: str


def suggestion_layer(suggestions: Sequence[Suggestion], text: str) -> SuggestionLayer:
    """The suggestions of the document ``text`` as rows ``[id, start, end, score, context, mechanism,
    outcome, codes, reasons, model version]``: the id is the position in ``suggestions``, offsets are
    UTF-16, code names and reasons are indices into ``strings`` (they repeat a lot, and a long study
    can have a thousand suggestions). The reader writes the tooltips from the rows."""
    strings: dict[str, int] = {}
    ends = Utf16Index(text).many_to_utf16([i for s in suggestions for i in (s.start, s.end)])
    rows = []
    for k, s in enumerate(suggestions):
        kinds = [round(s.labels.get(kind, 0.0), 2) for kind in KINDS]
        codes = [strings.setdefault(c.name, len(strings)) for c in s.codes[:TOOLTIP_CODES]]
        reasons = [strings.setdefault(r, len(strings)) for r in s.reasons]
        rows.append(
            [k, ends[2 * k], ends[2 * k + 1], round(s.score, 2), *kinds, codes, reasons, s.model_version]
        )
    fingerprint = f"{zlib.crc32(json.dumps([rows, list(strings)]).encode()):x}"
    return SuggestionLayer(rows, list(strings), fingerprint)


def reader_data(
    view: DocumentView,
    pending: tuple[int, int] | None,
    focus: int | None,
    index: Utf16Index,
    suggestions: SuggestionLayer | None = None,
    drawn: Sequence[int] = (),
    opened: int | None = None,
) -> dict[str, Any]:
    """The component's payload: text, pages, highlights and the ``drawn`` suggestions (``opened``
    outlined) in UTF-16 offsets, compact."""
    bounds = index.many_to_utf16([i for e in view.excerpts for i in (e.start, e.end)])
    excerpts = [
        [e.id, bounds[2 * k], bounds[2 * k + 1], _label(e), _colours(e), _badge(e)]
        for k, e in enumerate(view.excerpts)
    ]
    suggested = [suggestions.rows[i] for i in drawn] if suggestions else []
    pages = [[index.to_utf16(at), n] for n, at in enumerate(view.page_starts, start=1) if at <= index.length]
    layer = [suggestions.fingerprint if suggestions else "", list(drawn)]
    signature = zlib.crc32(json.dumps([view.document_id, len(view.text), excerpts, pages, layer]).encode())
    return {
        "doc": view.document_id,
        "sig": f"{view.document_id}:{signature:x}",
        "text": view.text,
        # PDF text keeps the page's line breaks; the reader shows a lone one as a space (same length,
        # so offsets are unchanged) and keeps blank lines between paragraphs
        "reflow": bool(view.page_starts),
        "pages": pages,
        "excerpts": excerpts,
        "suggestions": suggested,
        "strings": suggestions.strings if suggestions else [],
        "open": opened,
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
    suggestions: SuggestionLayer | None = None,
    drawn: Sequence[int] = (),
    opened: int | None = None,
    key: str = "reader",
) -> None:
    """Show the study text with its codings and the ``drawn`` rows of ``suggestions`` (``opened``
    outlined); selections, clicks on highlights and suggestions, and keys arrive through ``events``."""
    index = Utf16Index(view.text)

    def payload(name: str) -> dict[str, Any] | None:
        value = st.session_state[key].get(name)
        return value if isinstance(value, dict) else None

    def selected() -> None:
        value = payload("selection")
        span = _span(index, value)
        if span is not None:
            events.on_select(*span)

    def clicked() -> None:
        value = payload("excerpt")
        if value is not None:
            events.on_open([int(i) for i in value.get("ids", [])])

    def commanded() -> None:
        value = payload("command")
        if value is not None:
            slot = value.get("slot")
            span = _span(index, value) if value.get("start") is not None else None
            events.on_command(ReaderCommand(str(value.get("action")), int(slot) if slot else None, span))

    def suggested() -> None:
        span = _span(index, payload("suggestion"))
        if span is not None:
            events.on_suggestion(*span)

    _COMPONENT(
        key=key,
        data=reader_data(view, pending, focus, index, suggestions, drawn, opened),
        on_selection_change=selected,
        on_excerpt_change=clicked,
        on_command_change=commanded,
        on_suggestion_change=suggested,
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
