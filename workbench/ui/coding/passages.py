"""Passages and coding actions in a reviewer's words ("'Others are safe…' on page 3"), never offsets."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.domain.spans import page_of
from workbench.services.coding import ActionKind, CodingAction

QUOTE_WORDS = 5


def opening(text: str, words: int = QUOTE_WORDS) -> str:
    """The first few words of a passage, with "…" when there are more."""
    split = text.split()
    return " ".join(split[:words]) + ("…" if len(split) > words else "")


def page_label(start: int, page_starts: Sequence[int]) -> str:
    """ "page 3" for a paged document (PDF), else the empty string."""
    page = page_of(start, list(page_starts))
    return f"page {page}" if page is not None else ""


def passage(text: str | None, start: int, end: int, page_starts: Sequence[int] = ()) -> str:
    """A passage of a document as a reviewer names it: "'Others are safe…' on page 3" ("a passage"
    when the document's text is not at hand)."""
    words = opening(text[start:end]) if text is not None else ""
    if not words:
        return "a passage"
    page = page_label(start, page_starts)
    return f"'{words}'" + (f" on {page}" if page else "")


def describe(action: CodingAction, text: str | None, page_starts: Sequence[int] = ()) -> str:
    """A coding action as a sentence: "Coded 'Others are safe…' on page 3 with Trust" (``text`` is
    the action's document text, None when it is not at hand)."""
    if action.empty:
        return "Nothing changed."
    names = ", ".join(dict.fromkeys(c.code_name for c in action.codings)) or "a memo"
    spans = sorted({(c.start, c.end) for c in action.codings} | {(m.start, m.end) for m in action.memos})
    where = passage(text, *spans[0], page_starts) if len(spans) == 1 else f"{len(spans)} passages"
    if action.kind is ActionKind.CODED:
        return f"Coded {where} with {names}."
    return f"Removed {names} from {where}."
