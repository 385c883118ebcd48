"""The coding page's panel: the selection, the code picker, undo, and the clicked excerpt's codings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from workbench.domain.configurations import CodingMode
from workbench.services.coding import (
    CodeOption,
    CodingView,
    DocumentView,
    ExcerptView,
    document_revision,
    document_view,
)
from workbench.services.studies import StudyRow
from workbench.store.db import Store
from workbench.ui import state
from workbench.ui.coding.commands import (
    CODES,
    MEMO,
    MODE,
    THEORY,
    THEORY_MODES,
    CodingCommands,
    edit_keys,
    shortcut_codes,
)
from workbench.ui.coding.passages import describe, page_label
from workbench.ui.text import plain


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mode_label(mode: CodingMode) -> str:
    return mode.value.capitalize()


def study_labels(studies: Sequence[StudyRow]) -> dict[int, str]:
    """The study picker's labels by study id: citation and title only, nothing that coding changes
    (the browser sends the label back, so a label that changed would lose the chosen study)."""
    labels = {r.id: f"{r.citation or r.key}: {r.title[:90]}" for r in studies}
    seen = Counter(labels.values())
    return {r.id: f"{labels[r.id]} [{r.key}]" if seen[labels[r.id]] > 1 else labels[r.id] for r in studies}


def load_view(store: Store, username: str, study_id: int) -> DocumentView:
    """The study's text and codings, read again only when its revision changed since the last rerun."""
    revision = document_revision(store, username, study_id)  # first: a change after it forces a reload
    view = state.cached_document_view(revision)
    if view is None:
        view = document_view(store, username, study_id)
        state.set_cached_document_view(revision, view)
    return view


@dataclass
class CodingDesk:
    """The panel for this run's study, codes and user; its buttons call :class:`CodingCommands`."""

    store: Store
    username: str
    view: DocumentView
    options: list[CodeOption]
    is_owner: bool
    can_code: bool

    def __post_init__(self) -> None:
        self.paths = {o.id: o.path for o in self.options}
        self.shortcuts = shortcut_codes(self.options)
        shortcut_ids = tuple(o.id for o in self.shortcuts)
        self.actions = CodingCommands(self.store, self.username, self.view.document_id, shortcut_ids)

    # ---- what the panel shows ----

    def selection_panel(self) -> None:
        """The selected text and the form that codes it."""
        st.subheader("Selection")
        state.show_notice(state.CODING_NOTICE)
        selection = state.coding_selection(self.view.document_id)
        if selection is None:
            st.caption("Select text in the study to code it; click a highlight to see its codings.")
        else:
            st.caption(self._where(selection.start, selection.end))
            st.text(_short(self.view.text[selection.start : selection.end]))
        if not self.can_code:
            st.info("Stakeholders can read the coding but not change it.")
            return
        self._coding_form(selection is not None)

    def _coding_form(self, has_selection: bool) -> None:
        st.multiselect("Codes", list(self.paths), format_func=self.paths.__getitem__, key=CODES,
                       placeholder="Type to find a code (your recent codes first)")  # fmt: skip
        mode = st.radio("Mode", list(CodingMode), format_func=_mode_label, horizontal=True,
                        key=MODE)  # fmt: skip
        if mode in THEORY_MODES:
            st.text_input(
                "Theory link", key=THEORY, placeholder="e.g. IPT 2: trust through shared experience"
            )
        st.text_area("Memo (optional)", key=MEMO, height=68)
        left, right = st.columns(2)
        ready = has_selection and bool(st.session_state.get(CODES))
        left.button("Code selection", type="primary", key="code_selection", disabled=not ready,
                    on_click=self.actions.code_selection, width="stretch")  # fmt: skip
        last = state.LAST_CODING_ACTION.get()
        right.button("Undo", key="coding_undo", on_click=self.actions.undo_last, disabled=last is None,
                     width="stretch", help="Ctrl+Z in the reader does the same")  # fmt: skip
        if last is not None:
            text = self.view.text if last.document_id == self.view.document_id else None
            st.caption("Last action: " + plain(describe(last, text, self.view.page_starts)))

    def excerpt_panel(self, excerpt_ids: list[int]) -> None:
        """The codings of the clicked excerpts, with edit and remove for those the user may change."""
        chosen = [e for e in self.view.excerpts if e.id in excerpt_ids]
        if not chosen:
            return
        st.subheader("Excerpt")
        for excerpt in sorted(chosen, key=lambda e: excerpt_ids.index(e.id)):
            self._excerpt(excerpt)

    def _excerpt(self, excerpt: ExcerptView) -> None:
        st.caption(self._where(excerpt.start, excerpt.end))
        st.text(_short(excerpt.text))
        if excerpt.memo:
            st.caption(f"Memo: {plain(excerpt.memo)}")
        for coding in excerpt.codings:
            with st.container(border=True):
                theory = f" · theory: {coding.theory_reference}" if coding.theory_reference else ""
                about = f"{coding.code_kind.value} · {coding.coder} · {coding.mode.value}{theory}"
                st.text(f"{self.paths.get(coding.code_id, coding.code_name)}\n{about}")
                if self.can_code and (self.is_owner or coding.coder == self.username):
                    self._editor(coding)

    def _editor(self, coding: CodingView) -> None:
        mode_key, theory_key = edit_keys(coding)
        modes = list(CodingMode)
        left, middle = st.columns(2)
        left.selectbox("Mode", modes, index=modes.index(coding.mode), key=mode_key, format_func=_mode_label)
        middle.text_input("Theory link", value=coding.theory_reference, key=theory_key)
        save, remove = st.columns(2)
        suffix = f"{coding.id}_{coding.version}"
        save.button("Save", key=f"save_{suffix}", on_click=self.actions.save, args=(coding,), width="stretch")
        remove.button("Remove", key=f"remove_{suffix}", on_click=self.actions.remove, args=(coding.id,),
                      width="stretch")  # fmt: skip

    def _where(self, start: int, end: int) -> str:
        """Where a passage is, in words: its page and length (its offsets only when asked for)."""
        words = len(self.view.text[start:end].split())
        parts = [page_label(start, self.view.page_starts).capitalize(), f"{words} word{'s' * (words != 1)}"]
        if state.show_offsets():
            parts.append(f"characters {start}–{end}")
        return " · ".join(p for p in parts if p)

    def shortcut_help(self) -> None:
        """The keyboard shortcuts, with the codes on keys 1-9."""
        st.markdown(
            "Click in the text first. **Select** with the mouse (or Shift+arrows) · **j / n** next excerpt"
            " · **k / p** previous excerpt · **1–9** code the selection with a shortcut code (in the chosen"
            " mode) · **Ctrl+Z** undo the last action (again to redo) · **Esc** clear the selection"
        )
        for number, option in enumerate(self.shortcuts, start=1):
            st.text(f"{number}  {option.path}  ({option.kind.value})")
