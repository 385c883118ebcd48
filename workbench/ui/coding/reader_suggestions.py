"""The Coding page's suggestions: filters, the study's suggestions read once per revision, and actions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import streamlit as st

from workbench.domain.configurations import CodingMode
from workbench.domain.suggestions import KINDS, PAGE_CHARS, drawn, matches_filter, page_count
from workbench.domain.suggestions import PER_PAGE as DEFAULT_PER_PAGE
from workbench.services.coding import DocumentView
from workbench.services.errors import ServiceError
from workbench.services.preferences import PER_PAGE_CHOICES, set_suggestions_per_page, suggestions_per_page
from workbench.services.suggestions import (
    Suggestion,
    accept_suggestion,
    reject_suggestion,
    suggest_for_study,
    suggestion_revision,
)
from workbench.store.db import Store
from workbench.ui import state
from workbench.ui.coding.commands import CodingCommands
from workbench.ui.coding.passages import passage
from workbench.ui.components.reader import ReaderCommand, ReaderEvents, SuggestionLayer, suggestion_layer
from workbench.ui.errors import reported

SHOW, KIND, CODE, PER_PAGE = "sg_show", "sg_filter_kind", "sg_filter_code", "sg_per_page"
PRESELECTED = 2  # how many of a suggestion's codes its accept form starts with
_FAILURES = (ValueError, ServiceError)


def preselected_codes(s: Suggestion, known: Collection[int]) -> list[int]:
    """The codes an accept form starts with: the suggestion's best ones that still exist."""
    return [c.code_id for c in s.codes if c.code_id in known][:PRESELECTED]


def _per_page_label(per_page: int) -> str:
    return "all" if per_page == 0 else f"{per_page} per page"


@dataclass(frozen=True)
class SuggestionFilters:
    """Which suggestions the reader shows: none when ``show`` is off, else those of ``kind``
    (see :func:`labelled_as`) proposing ``code``, and of those the best ``per_page`` per page of
    text (see :func:`score_cut`; 0 shows them all)."""

    show: bool
    kind: str | None = None
    code: int | None = None
    per_page: int = DEFAULT_PER_PAGE

    def drawn(self, suggestions: Sequence[Suggestion], pages: int) -> tuple[int, ...]:
        """Indices of the suggestions to draw in a text of ``pages`` (see ``domain.suggestions.drawn``)."""
        if not self.show:
            return ()
        matching = [
            matches_filter(s.labels, (c.code_id for c in s.codes), self.kind, self.code) for s in suggestions
        ]
        return drawn([s.score for s in suggestions], matching, pages, self.per_page)


def _remember_per_page(store: Store, username: str) -> None:
    with reported():
        set_suggestions_per_page(store, username, int(st.session_state[PER_PAGE]))


def suggestion_filters(store: Store, username: str, paths: dict[int, str]) -> SuggestionFilters:
    """The "Suggestions" toggle and the filters by kind, code and how many per page, above the
    reader; how many per page is the reviewer's saved choice, and a change is saved for next time."""
    if PER_PAGE not in st.session_state:
        st.session_state[PER_PAGE] = suggestions_per_page(store, username)
    toggle, kind_box, code_box, score_box = st.columns([1.4, 1.0, 1.5, 1.3], vertical_alignment="bottom")
    show = toggle.toggle("Suggestions", value=True, key=SHOW)
    kind = kind_box.selectbox("Suggested kind", [None, *KINDS], format_func=lambda k: k or "any",
                              key=KIND, disabled=not show)  # fmt: skip
    code = code_box.selectbox("Suggested code", [None, *paths], key=CODE, disabled=not show,
                              format_func=lambda c: paths.get(c, "?") if c else "any code")  # fmt: skip
    per_page = score_box.selectbox(
        "Best suggestions", PER_PAGE_CHOICES, format_func=_per_page_label, key=PER_PAGE, disabled=not show,
        on_change=_remember_per_page, args=(store, username),
        help="The best suggestions, this many per page of text on average (a text without page marks "
        f"counts a page per {PAGE_CHARS} characters). Your choice is remembered.",
    )  # fmt: skip
    return SuggestionFilters(show, kind, code, int(per_page))


@dataclass(frozen=True)
class ShownSuggestions:
    """This run's suggestions in the reader: the document's layer, the ids drawn, the open one."""

    layer: SuggestionLayer | None = None
    drawn: tuple[int, ...] = ()
    opened: Suggestion | None = None
    opened_id: int | None = None


def document_suggestions(store: Store, username: str, view: DocumentView) -> state.DocumentSuggestions:
    """The shown document's suggestions and the reader's rows for them, asked of the service again
    only when something they depend on changed (a coding, a decision, the codebook, a new model)."""
    revision = suggestion_revision(store, username, view.study_id)  # first: a change after it reloads
    loaded = state.cached_suggestions(revision)
    if loaded is None:
        found = suggest_for_study(store, username, view.study_id)
        mine = [s for s in found if s.document_id == view.document_id]
        loaded = state.DocumentSuggestions(revision, mine, suggestion_layer(mine, view.text))
        state.set_cached_suggestions(loaded)
    return loaded


def shown_suggestions(
    store: Store, username: str, view: DocumentView, filters: SuggestionFilters
) -> ShownSuggestions:
    """The suggestions to draw: those passing the filters, and always the open one (an open
    suggestion no longer suggested, because coded or rejected meanwhile, is closed)."""
    target = state.open_suggestion(view.document_id)
    if not filters.show and target is None:
        return ShownSuggestions()
    loaded = document_suggestions(store, username, view)
    opened_id = None
    if target is not None:
        span = (target.start, target.end)
        opened_id = next((i for i, s in enumerate(loaded.suggestions) if (s.start, s.end) == span), None)
        if opened_id is None:
            state.set_open_suggestion(None)
    shown = set(filters.drawn(loaded.suggestions, page_count(len(view.text), view.page_starts)))
    drawn_ids = tuple(i for i in range(len(loaded.suggestions)) if i in shown or i == opened_id)
    opened = loaded.suggestions[opened_id] if opened_id is not None else None
    return ShownSuggestions(loaded.layer, drawn_ids, opened, opened_id)


@dataclass(frozen=True)
class FormKeys:
    """The widget keys of one open suggestion's form (new ones for each suggestion)."""

    codes: str
    mode: str
    reason: str
    start: str
    end: str

    @classmethod
    def of(cls, document_id: int, start: int, end: int) -> FormKeys:
        """The keys for the suggestion ``[start, end)`` of a document."""
        prefix = f"reader_sg_{document_id}_{start}_{end}"
        return cls(*(f"{prefix}_{name}" for name in ("codes", "mode", "reason", "start", "end")))


def edited_span(s: Suggestion) -> tuple[int, int]:
    """The span the open suggestion's form would code: as suggested, or as edited."""
    keys = FormKeys.of(s.document_id, s.start, s.end)
    return int(st.session_state.get(keys.start, s.start)), int(st.session_state.get(keys.end, s.end))


def edit_pending(s: Suggestion) -> tuple[int, int] | None:
    """The open suggestion's edited span, to mark in the reader; None while it is as suggested."""
    span = edited_span(s)
    return span if span != (s.start, s.end) and span[1] > span[0] else None


def _where(s: Suggestion, start: int, end: int) -> str:
    """The (possibly edited) span of a suggestion in words, from the text the page showed last."""
    view = state.shown_document_view(s.document_id)
    if view is None:
        return passage(s.text, 0, len(s.text))
    return passage(view.text, start, end, view.page_starts)


@dataclass(frozen=True)
class SuggestionActions:
    """What the reader and the panel do with suggestions in one document (small: callbacks keep it)."""

    store: Store
    username: str
    study_id: int
    document_id: int

    def events(self, coding: CodingCommands) -> ReaderEvents:
        """The reader's callbacks: a selection edits the open suggestion's span, else it is coded."""

        def select(start: int, end: int) -> None:
            if not self.adjust(start, end):
                coding.select(start, end)

        def open_excerpts(ids: list[int]) -> None:
            self.close()
            state.set_focused_excerpts(ids)

        def command(command: ReaderCommand) -> None:
            if command.action == "apply" and command.slot and self.accept_key(command.slot, command.span):
                return
            if command.action == "clear":
                self.close()
            coding.command(command)

        return ReaderEvents(select, open_excerpts, command, self.open)

    def open(self, start: int, end: int) -> None:
        """Open the clicked suggestion in the panel."""
        state.set_open_suggestion(state.OpenSuggestion(self.document_id, start, end))
        state.set_focused_excerpts([])

    def adjust(self, start: int, end: int) -> bool:
        """Make a selection the open suggestion's span; False when no suggestion is open."""
        opened = state.open_suggestion(self.document_id)
        if opened is None:
            return False
        keys = FormKeys.of(self.document_id, opened.start, opened.end)
        st.session_state[keys.start], st.session_state[keys.end] = start, end
        return True

    def close(self) -> None:
        """Close the open suggestion."""
        state.set_open_suggestion(None)

    def accept(self, s: Suggestion) -> None:
        """Code the (possibly edited) span with the chosen codes and mode, as made by this suggestion."""
        self._accept(s, list(st.session_state.get(FormKeys.of(s.document_id, s.start, s.end).codes) or []))

    def accept_key(self, slot: int, span: tuple[int, int] | None) -> bool:
        """Key ``slot`` (1-9) with a suggestion open: accept it with its ``slot``-th proposed code (a
        selection made first edits its span); False when no suggestion is open, for the key's usual
        meaning (the reviewer's shortcut codes)."""
        opened = state.open_suggestion(self.document_id)
        view = state.shown_document_view(self.document_id)
        if opened is None or view is None:
            return False
        found = document_suggestions(self.store, self.username, view).suggestions
        s = next((x for x in found if (x.start, x.end) == (opened.start, opened.end)), None)
        if s is None:
            return False
        if slot > len(s.codes):
            state.notify(state.CODING_NOTICE, "error", f"The suggestion proposes no code {slot}.")
            return True
        if span is not None:
            self.adjust(*span)
        self._accept(s, [s.codes[slot - 1].code_id])
        return True

    def _accept(self, s: Suggestion, codes: list[int]) -> None:
        keys = FormKeys.of(s.document_id, s.start, s.end)
        start, end = edited_span(s)
        mode = CodingMode(st.session_state.get(keys.mode) or CodingMode.INDUCTIVE)
        try:
            action = accept_suggestion(
                self.store, self.username, s.document_id, start, end, codes, mode, s.model_version
            )
        except _FAILURES as exc:
            state.notify(state.CODING_NOTICE, "error", f"Not accepted: {exc}")
            return
        self.close()
        if not action.empty:
            state.LAST_CODING_ACTION.set(action)  # Ctrl+Z takes it out like any coding
        state.set_reader_target(self.study_id, start)  # focus the new excerpt
        made = len(action.codings)
        count = f"{made} new coding{'s' * (made != 1)}"
        version = f"model v{s.model_version}" if s.model_version is not None else "the rules alone"
        state.notify(
            state.CODING_NOTICE,
            "success",
            f"Accepted the suggestion ({version}): {count} on {_where(s, start, end)}.",
        )

    def reject(self, s: Suggestion) -> None:
        """Reject the suggested span (with the reason given): it is never suggested again."""
        reason = str(st.session_state.get(FormKeys.of(s.document_id, s.start, s.end).reason) or "")
        try:
            reject_suggestion(self.store, self.username, s.document_id, s.start, s.end, reason)
        except _FAILURES as exc:
            state.notify(state.CODING_NOTICE, "error", f"Not rejected: {exc}")
            return
        self.close()
        where = _where(s, s.start, s.end)
        state.notify(state.CODING_NOTICE, "success", f"Rejected {where}; it will not be suggested again.")
