"""What the coding page does on a selection, a key or a button: callbacks that call the services.

Callbacks stay small on purpose: Streamlit keeps every widget's callback for the whole session, so
one that held the study's text and codings would keep a copy alive per coding ever shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from workbench.domain.configurations import CodingMode
from workbench.services.coding import (
    CodeOption,
    CodingAction,
    CodingView,
    code_span,
    remove_codings,
    undo,
    update_coding,
)
from workbench.services.errors import ServiceError
from workbench.store.db import Store
from workbench.ui import state
from workbench.ui.coding.passages import describe
from workbench.ui.components.reader import ReaderCommand, ReaderEvents

CODES, MODE, MEMO, THEORY = "coding_codes", "coding_mode", "coding_memo", "coding_theory"
THEORY_MODES = (CodingMode.DEDUCTIVE, CodingMode.RETRODUCTIVE)
SHORTCUTS = 9


def shortcut_codes(options: list[CodeOption]) -> list[CodeOption]:
    """The codes on keys 1-9: the reviewer's most used, then most recent, then by codebook path."""
    ranked = sorted(options, key=lambda o: o.path.casefold())
    ranked.sort(key=lambda o: (o.uses, o.last_used.timestamp() if o.last_used else 0.0), reverse=True)
    return ranked[:SHORTCUTS]


def edit_keys(coding: CodingView) -> tuple[str, str]:
    """The widget keys of a coding's mode and theory-link editors (new ones for each version)."""
    return f"edit_mode_{coding.id}_{coding.version}", f"edit_theory_{coding.id}_{coding.version}"


@dataclass(frozen=True)
class CodingCommands:
    """The commands of the Coding panel for the acting user in one document: each calls a service
    and leaves a notice; the undoable result is a services `CodingAction`."""

    store: Store
    username: str
    document_id: int
    shortcut_ids: tuple[int, ...]

    def events(self) -> ReaderEvents:
        """The reader's callbacks."""
        return ReaderEvents(self.select, state.set_focused_excerpts, self.command)

    def select(self, start: int, end: int) -> None:
        """Keep the reader's selection for the panel."""
        state.set_coding_selection(state.CodingSelection(self.document_id, start, end))

    def command(self, command: ReaderCommand) -> None:
        """Carry out a key pressed in the reader."""
        if command.action == "undo":
            self.undo_last()
        elif command.action == "clear":
            state.set_coding_selection(None)
            state.set_focused_excerpts([])
        elif command.action == "apply" and command.slot:
            if command.span is not None:
                self.select(*command.span)
            if command.slot > len(self.shortcut_ids):
                state.notify(state.CODING_NOTICE, "error", f"No code on key {command.slot} yet.")
                return
            self._code([self.shortcut_ids[command.slot - 1]], memo="")

    def code_selection(self) -> None:
        """Code the selection with the picked codes, mode, theory link and memo."""
        self._code(list(st.session_state.get(CODES) or []), memo=str(st.session_state.get(MEMO) or ""))

    def _code(self, code_ids: list[int], memo: str) -> None:
        selection = state.coding_selection(self.document_id)
        if selection is None:
            state.notify(state.CODING_NOTICE, "error", "Select some text in the study first.")
            return
        mode = CodingMode(st.session_state.get(MODE) or CodingMode.INDUCTIVE)
        theory = str(st.session_state.get(THEORY) or "") if mode in THEORY_MODES else ""
        action = self._run(lambda: code_span(
            self.store, self.username, selection.document_id, selection.start, selection.end, code_ids, mode,
            memo=memo, theory_reference=theory,
        ))  # fmt: skip
        if action is not None:
            state.set_coding_selection(None)
            state.set_focused_excerpts(sorted({c.excerpt_id for c in action.codings}))
            st.session_state[CODES], st.session_state[MEMO] = [], ""

    def undo_last(self) -> None:
        """Reverse the last action (undoing an undo redoes it)."""
        last = state.LAST_CODING_ACTION.get()
        if last is None:
            state.notify(state.CODING_NOTICE, "error", "Nothing to undo yet.")
            return
        self._run(lambda: undo(self.store, self.username, last), prefix="Undo: ")

    def remove(self, coding_id: int) -> None:
        """Remove one coding (its excerpt too, if nothing else is coded there)."""
        self._run(lambda: remove_codings(self.store, self.username, [coding_id]))

    def save(self, coding: CodingView) -> None:
        """Save a coding's edited mode and theory link, unless someone changed it meanwhile."""
        mode_key, theory_key = edit_keys(coding)
        mode = CodingMode(st.session_state[mode_key])
        theory = str(st.session_state.get(theory_key) or "")
        try:
            update_coding(self.store, self.username, coding.id, mode, theory, coding.version)
        except ServiceError as exc:
            state.notify(state.CODING_NOTICE, "error", str(exc))
        else:
            state.notify(state.CODING_NOTICE, "success", f"Saved {coding.code_name}.")

    def _run(self, act: Callable[[], CodingAction], prefix: str = "") -> CodingAction | None:
        try:
            action = act()
        except ServiceError as exc:
            state.notify(state.CODING_NOTICE, "error", str(exc))
            return None
        if action.empty:
            state.notify(
                state.CODING_NOTICE, "error", "Nothing changed: those codes are already on that excerpt."
            )
            return None
        state.LAST_CODING_ACTION.set(action)
        view = state.shown_document_view(action.document_id)
        text, pages = (view.text, view.page_starts) if view is not None else (None, ())
        state.notify(state.CODING_NOTICE, "success", prefix + describe(action, text, pages))
        return action
