"""How the reader shows a text with page markers without a marker cutting a sentence in two."""

from __future__ import annotations

import re

from workbench.domain.spans import page_of

_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")


def inline_marker(page: int) -> str:
    """The marker shown inside a sentence that runs on from one page to the next."""
    return f" ⟨p. {page}⟩ "


def reader_parts(text: str, starts: list[int]) -> list[tuple[int | None, str]]:
    """(page number shown above, text) parts: a page that opens mid-sentence joins the part before it.

    Its marker then sits inline where the page begins, so the sentence reads on in one piece.
    """
    if not starts:
        return [(None, text)]
    bounds = [*starts, len(text)]
    parts: list[tuple[int | None, str]] = []
    for i in range(len(starts)):
        page, part = page_of(bounds[i], starts) or i + 1, text[bounds[i] : bounds[i + 1]]
        if parts and _runs_on(parts[-1][1], part):
            shown, before = parts[-1]
            parts[-1] = (shown, before.rstrip() + inline_marker(page) + part.lstrip())
        else:
            parts.append((page, part))
    return parts


def _runs_on(before: str, after: str) -> bool:
    """Whether the text after a page break continues the sentence before it."""
    head, tail = after.lstrip(), before.rstrip()
    return bool(head and tail) and not _ENDS_SENTENCE.search(tail) and head[0].islower()
