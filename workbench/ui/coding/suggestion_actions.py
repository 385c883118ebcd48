"""The Coding page's suggestion actions: the open suggestion's form keys, accepting (also by a key 1-9),
rejecting, and opening or closing a suggestion from the reader."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from workbench.domain.configurations import CodingMode
from workbench.domain.suggestions import code_for_key
from workbench.services.errors import ServiceError
from workbench.services.suggestions import Suggestion, accept_suggestion, reject_suggestion
from workbench.store.db import Store
from workbench.ui import state
from workbench.ui.coding.commands import CodingCommands
from workbench.ui.coding.passages import passage
from workbench.ui.coding.reader_suggestions import document_suggestions
from workbench.ui.components.reader import ReaderCommand, ReaderEvents

_FAILURES = (ValueError, ServiceError)


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
        try:
            code = code_for_key([c.code_id for c in s.codes], slot)
        except ServiceError as exc:
            state.notify(state.CODING_NOTICE, "error", str(exc))
            return True
        if span is not None:
            self.adjust(*span)
        self._accept(s, [code])
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
