"""The Coding page's suggestions: filters, and the study's suggestions read once per revision (what is
done with them: ``suggestion_actions.py``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import streamlit as st

from workbench.domain.suggestions import KINDS, PAGE_CHARS, drawn, matches_filter, page_count
from workbench.domain.suggestions import PER_PAGE as DEFAULT_PER_PAGE
from workbench.services.coding import DocumentView
from workbench.services.preferences import PER_PAGE_CHOICES, set_suggestions_per_page, suggestions_per_page
from workbench.services.suggestions import Suggestion, suggest_for_study, suggestion_revision
from workbench.store.db import Store
from workbench.ui import state
from workbench.ui.components.reader import SuggestionLayer, suggestion_layer
from workbench.ui.errors import reported

SHOW, KIND, CODE, PER_PAGE = "sg_show", "sg_filter_kind", "sg_filter_code", "sg_per_page"
PRESELECTED = 2  # how many of a suggestion's codes its accept form starts with


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
