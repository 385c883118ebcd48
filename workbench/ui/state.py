"""Typed accessors for the session state the pages share (no raw string keys in pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import streamlit as st

from workbench.services.code_deletion import DeletedCode
from workbench.services.coding import CodingAction, DocumentView
from workbench.services.importing import ImportSummary
from workbench.services.memos import DeletedMemo
from workbench.services.suggestions import Suggestion
from workbench.ui.components.reader import SuggestionLayer
from workbench.ui.text import plain

T = TypeVar("T")


class Slot(Generic[T]):
    """One typed value kept in the session state under one key (None when unset or of another type)."""

    def __init__(self, key: str, kind: type[T]) -> None:
        self.key, self.kind = key, kind

    def get(self) -> T | None:
        value = st.session_state.get(self.key)
        return value if isinstance(value, self.kind) else None

    def set(self, value: T | None) -> None:
        st.session_state[self.key] = value

    def take(self) -> T | None:
        """The value, forgotten once read (a one-off notice)."""
        value = self.get()
        st.session_state.pop(self.key, None)
        return value


@dataclass(frozen=True)
class Notice:
    """A one-off message for the next run of a page: ``level`` is "success" or "error"."""

    level: str
    message: str


def notify(slot: Slot[Notice], level: str, message: str) -> None:
    """Say once, on the page's next run, how the last action went ("success" or "error")."""
    slot.set(Notice(level, message))


def show_notice(slot: Slot[Notice]) -> None:
    """Show the last action's outcome once (then it is forgotten)."""
    notice = slot.take()
    if notice is not None:
        (st.success if notice.level == "success" else st.error)(plain(notice.message))


# the project the other pages work in
PROJECT = Slot("current_project_id", int)
# this session's last batch import, with any duplicates awaiting a choice
IMPORT_SUMMARY = Slot("import_summary", ImportSummary)
# the reviewer's last coding action (or its inverse after an undo), which Undo reverses
LAST_CODING_ACTION = Slot("last_coding_action", CodingAction)
# how the last coding / codebook action went, said once on the page's next run
CODING_NOTICE = Slot("coding_notice", Notice)
CODEBOOK_NOTICE = Slot("codebook_notice", Notice)
# the code this session deleted last, which Undo on the Codebook page restores
LAST_DELETED_CODE = Slot("codebook_last_deleted_code", DeletedCode)
# the memo open for editing on the Memos page, and the one this session deleted last (Undo restores it)
EDITED_MEMO = Slot("memo_editing", int)
LAST_DELETED_MEMO = Slot("memo_last_deleted", DeletedMemo)
# the study chosen on the Coding page, by id (labels may change, the id does not)
CHOSEN_STUDY = Slot("coding_chosen_study_id", int)


_UPLOAD_ROUND = "import_upload_round"


def upload_round() -> int:
    """Which file uploader the Import page shows; a new one after each import drops the old bytes."""
    value = st.session_state.get(_UPLOAD_ROUND)
    return value if isinstance(value, int) else 0


def next_upload_round() -> None:
    """Forget the uploaded files (a fresh, empty uploader on the next run)."""
    st.session_state[_UPLOAD_ROUND] = upload_round() + 1


@dataclass(frozen=True)
class CodingSelection:
    """Text selected in the reader, as a code-point span of one document, waiting to be coded."""

    document_id: int
    start: int
    end: int


_CODING_SELECTION = "coding_selection"


def coding_selection(document_id: int) -> CodingSelection | None:
    """The selection waiting to be coded in this document, if any."""
    value = st.session_state.get(_CODING_SELECTION)
    if isinstance(value, CodingSelection) and value.document_id == document_id:
        return value
    return None


def set_coding_selection(selection: CodingSelection | None) -> None:
    """Remember (or forget, with None) the reader's selection across reruns."""
    st.session_state[_CODING_SELECTION] = selection


_FOCUSED_EXCERPTS = "coding_focused_excerpts"


def focused_excerpts() -> list[int]:
    """The excerpts the reviewer clicked or moved to in the reader, innermost first."""
    value = st.session_state.get(_FOCUSED_EXCERPTS)
    return [i for i in value if isinstance(i, int)] if isinstance(value, list) else []


def set_focused_excerpts(excerpt_ids: list[int]) -> None:
    """Show these excerpts' codings in the coding panel."""
    st.session_state[_FOCUSED_EXCERPTS] = list(excerpt_ids)


@dataclass(frozen=True)
class OpenSuggestion:
    """The suggested span ``[start, end)`` of a document opened in the Coding page's panel."""

    document_id: int
    start: int
    end: int


_OPEN_SUGGESTION = "coding_open_suggestion"


def open_suggestion(document_id: int) -> OpenSuggestion | None:
    """The suggestion opened in this document, if any."""
    value = st.session_state.get(_OPEN_SUGGESTION)
    if isinstance(value, OpenSuggestion) and value.document_id == document_id:
        return value
    return None


def set_open_suggestion(suggestion: OpenSuggestion | None) -> None:
    """Open a suggestion in the Coding page's panel (or close it, with None)."""
    st.session_state[_OPEN_SUGGESTION] = suggestion


_READER_TARGET = "reader_target"


def set_reader_target(
    study_id: int, start: int | None = None, suggestion: OpenSuggestion | None = None
) -> None:
    """Ask the Coding page to open a study, scrolled to the excerpt starting at ``start`` if given,
    with ``suggestion`` (one of the study's suggested spans) open in its panel if given."""
    st.session_state[_READER_TARGET] = (study_id, start)
    if suggestion is not None:
        set_open_suggestion(suggestion)


def take_reader_target() -> tuple[int, int | None] | None:
    """The study (and excerpt start) to open, forgotten once taken so it applies only once."""
    target = reader_target()
    st.session_state.pop(_READER_TARGET, None)
    return target


def reader_target() -> tuple[int, int | None] | None:
    """The study (and excerpt start) another page asked the Coding page to open, if any."""
    value = st.session_state.get(_READER_TARGET)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int):
        return value[0], value[1] if isinstance(value[1], int) else None
    return None


_CODING_VIEW = "coding_document_view"


def cached_document_view(revision: tuple[object, ...]) -> DocumentView | None:
    """The study view this session read last, if it was read at this revision."""
    value = st.session_state.get(_CODING_VIEW)
    if isinstance(value, tuple) and len(value) == 2 and value[0] == revision:
        return value[1] if isinstance(value[1], DocumentView) else None
    return None


def set_cached_document_view(revision: tuple[object, ...], view: DocumentView) -> None:
    """Keep one study view (the text and its codings) for reruns that change nothing in it."""
    st.session_state[_CODING_VIEW] = (revision, view)


def shown_document_view(document_id: int) -> DocumentView | None:
    """The study view the Coding page showed last, if it is of this document (callbacks use it to
    name a passage in words without holding the text themselves)."""
    value = st.session_state.get(_CODING_VIEW)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], DocumentView):
        return value[1] if value[1].document_id == document_id else None
    return None


SHOW_OFFSETS = "coding_show_offsets"  # the Coding page's "Show character offsets" toggle


def show_offsets() -> bool:
    """True when the reviewer asked to see character offsets (hidden otherwise)."""
    return bool(st.session_state.get(SHOW_OFFSETS, False))


CODING_STUDY = "coding_study"  # the Coding page's study picker: its options are study ids


def remember_picked_study() -> None:
    """The study picker's on_change: keep the picked study's id."""
    picked = st.session_state.get(CODING_STUDY)
    CHOSEN_STUDY.set(picked if isinstance(picked, int) else None)


@dataclass(frozen=True)
class DocumentSuggestions:
    """The suggestions in the document the Coding page shows, as read at one revision, and the
    reader's rows for them (same order)."""

    revision: tuple[object, ...]
    suggestions: list[Suggestion]
    layer: SuggestionLayer


_DOCUMENT_SUGGESTIONS = "coding_document_suggestions"


def cached_suggestions(revision: tuple[object, ...]) -> DocumentSuggestions | None:
    """The suggestions this session read last, if they were read at this revision."""
    value = st.session_state.get(_DOCUMENT_SUGGESTIONS)
    return value if isinstance(value, DocumentSuggestions) and value.revision == revision else None


def set_cached_suggestions(suggestions: DocumentSuggestions) -> None:
    """Keep one document's suggestions for reruns that change nothing they depend on."""
    st.session_state[_DOCUMENT_SUGGESTIONS] = suggestions
