"""Typed accessors for the session state the pages share (no raw string keys in pages)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from workbench.services.code_deletion import DeletedCode
from workbench.services.coding import CodingAction, DocumentView
from workbench.services.importing import ImportSummary
from workbench.services.suggestions import Suggestion
from workbench.ui.components.reader import SuggestionLayer

_PROJECT = "current_project_id"


def current_project_id() -> int | None:
    """The project the user is working in, if one is chosen."""
    value = st.session_state.get(_PROJECT)
    return value if isinstance(value, int) else None


def set_current_project_id(project_id: int | None) -> None:
    """Choose the project the other pages work in."""
    st.session_state[_PROJECT] = project_id


_IMPORT_SUMMARY = "import_summary"


def import_summary() -> ImportSummary | None:
    """The summary of this session's last batch import, with any duplicates awaiting a choice."""
    value = st.session_state.get(_IMPORT_SUMMARY)
    return value if isinstance(value, ImportSummary) else None


def set_import_summary(summary: ImportSummary | None) -> None:
    """Keep a batch import's summary across reruns."""
    st.session_state[_IMPORT_SUMMARY] = summary


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


_LAST_CODING_ACTION = "last_coding_action"


def last_coding_action() -> CodingAction | None:
    """The reviewer's last coding action in this session, which Undo reverses."""
    value = st.session_state.get(_LAST_CODING_ACTION)
    return value if isinstance(value, CodingAction) else None


def set_last_coding_action(action: CodingAction | None) -> None:
    """Keep the last coding action (or its inverse after an undo) for the Undo button."""
    st.session_state[_LAST_CODING_ACTION] = action


_CODING_NOTICE = "coding_notice"


def take_coding_notice() -> tuple[str, str] | None:
    """The one-off (level, message) from the last coding action, "success" or "error"; then forget it."""
    value = st.session_state.pop(_CODING_NOTICE, None)
    return value if isinstance(value, tuple) and len(value) == 2 else None


def set_coding_notice(level: str, message: str) -> None:
    """Say once, on the next run of the coding page, how the last action went."""
    st.session_state[_CODING_NOTICE] = (level, message)


_LAST_DELETED_CODE = "codebook_last_deleted_code"


def last_deleted_code() -> DeletedCode | None:
    """The snapshot of the code this session deleted last, which Undo on the Codebook page restores."""
    value = st.session_state.get(_LAST_DELETED_CODE)
    return value if isinstance(value, DeletedCode) else None


def set_last_deleted_code(snapshot: DeletedCode | None) -> None:
    """Keep a deleted code's snapshot for Undo (None once it is restored)."""
    st.session_state[_LAST_DELETED_CODE] = snapshot


_CODEBOOK_NOTICE = "codebook_notice"


def take_codebook_notice() -> tuple[str, str] | None:
    """The one-off (level, message) from the last codebook action, "success" or "error"; then forget it."""
    value = st.session_state.pop(_CODEBOOK_NOTICE, None)
    return value if isinstance(value, tuple) and len(value) == 2 else None


def set_codebook_notice(level: str, message: str) -> None:
    """Say once, on the next run of the codebook page, how the last action went."""
    st.session_state[_CODEBOOK_NOTICE] = (level, message)


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
_CHOSEN_STUDY = "coding_chosen_study_id"


def chosen_study_id() -> int | None:
    """The study the reviewer chose on the Coding page, by id (labels may change, the id does not)."""
    value = st.session_state.get(_CHOSEN_STUDY)
    return value if isinstance(value, int) else None


def set_chosen_study_id(study_id: int | None) -> None:
    """Remember the study chosen on the Coding page."""
    st.session_state[_CHOSEN_STUDY] = study_id


def remember_picked_study() -> None:
    """The study picker's on_change: keep the picked study's id."""
    picked = st.session_state.get(CODING_STUDY)
    set_chosen_study_id(picked if isinstance(picked, int) else None)


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
