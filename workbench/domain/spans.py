"""Character spans: half-open ``[start, end)`` Python ``str`` indices into a document's stored text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from workbench.domain.errors import Invalid


class SpanError(Invalid):
    """A span that cannot exist in the given text."""


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range of characters ``[start, end)`` in a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise SpanError(f"invalid span [{self.start}, {self.end}): need 0 <= start < end")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        """True when ``other`` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end

    def slice(self, text: str) -> str:
        """The characters of ``text`` this span covers; refuses spans past the end of ``text``."""
        if self.end > len(text):
            raise SpanError(f"span [{self.start}, {self.end}) runs past the text ({len(text)} chars)")
        return text[self.start : self.end]


def codable_span(text: str, start: int, end: int) -> Span:
    """The span a reviewer may code in ``text``: inside it and not only white space. One rule for
    coding by hand and for accepting (or editing) a suggestion."""
    if not 0 <= start < end <= len(text):
        raise SpanError("that passage is not in the study's text (empty, or past its end); select it again")
    if not text[start:end].strip():
        raise SpanError("the selection holds only white space; select some text")
    return Span(start, end)


def locate_quote(text: str, quote: str) -> list[Span]:
    """Every place ``quote`` occurs in ``text``, treating any run of whitespace as equal to any other.

    Extracted PDF and DOCX text breaks lines where the source did not, so a quote copied from the
    source must still be found; the spans returned cover the real characters of ``text``.
    """
    words = quote.split()
    if not words:
        raise SpanError("an empty quote cannot be located")
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    return [Span(m.start(), m.end()) for m in pattern.finditer(text)]


def page_of(offset: int, page_starts: list[int]) -> int | None:
    """The 1-based page holding ``offset``, given each page's start offset (ascending), or None."""
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))
