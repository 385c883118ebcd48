"""Where two coders disagree over one code in one document, and what settling it keeps as consensus.

Spans are half-open ``[start, end)`` Python ``str`` indices (see ``domain/spans.py``).

- An **agreement** is a span both coders coded with the code, exactly: it becomes consensus without
  asking ("accept all agreements").
- A **disagreement region** is a connected stretch of the union of the remaining spans of both coders
  (spans that overlap or touch, of either coder, join one region). Coverage that differs makes a
  region; so does the same stretch cut differently (A: two excerpts, B: one spanning both), since the
  consensus must still choose which excerpts to keep. A region carries the A spans and B spans in it.
- A **decision** turns a region into consensus spans: keep A's, keep B's, keep both (each distinct
  span, not merged: an excerpt is what a coder chose to quote), neither, or one edited span.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from workbench.domain.errors import Invalid
from workbench.domain.spans import Span, codable_span


class Decision(StrEnum):
    """How a disagreement was settled (the value is what ``adjudications.decision`` stores)."""

    KEEP_A = "keep_a"
    KEEP_B = "keep_b"
    KEEP_BOTH = "keep_both"
    NEITHER = "neither"
    EDITED = "edited"

    @property
    def label(self) -> str:
        """The words on the button and in the settled note."""
        return _LABELS[self]


_LABELS = {
    Decision.KEEP_A: "Keep A",
    Decision.KEEP_B: "Keep B",
    Decision.KEEP_BOTH: "Keep both",
    Decision.NEITHER: "Neither",
    Decision.EDITED: "Edited span",
}


@dataclass(frozen=True, order=True)
class Region:
    """A stretch ``[start, end)`` where the two coders' codings with one code differ."""

    start: int
    end: int
    a_spans: tuple[Span, ...]
    b_spans: tuple[Span, ...]


def _distinct(spans: Iterable[Span]) -> list[Span]:
    return sorted(set(spans))


def agreements(a_spans: Iterable[Span], b_spans: Iterable[Span]) -> list[Span]:
    """The spans both coders coded exactly, in document order."""
    return sorted(set(a_spans) & set(b_spans))


def regions(a_spans: Iterable[Span], b_spans: Iterable[Span]) -> list[Region]:
    """The disagreement regions of two coders' spans with one code, in document order."""
    a, b = _distinct(a_spans), _distinct(b_spans)
    agreed = set(a) & set(b)
    rest = sorted([(s, "a") for s in a if s not in agreed] + [(s, "b") for s in b if s not in agreed])
    out: list[Region] = []
    group: list[tuple[Span, str]] = []
    reach = -1
    for span, who in rest:
        if group and span.start > reach:  # a gap: the stretch so far is one region
            out.append(_region(group))
            group = []
        reach = max(reach, span.end) if group else span.end
        group.append((span, who))
    if group:
        out.append(_region(group))
    return out


def _region(group: list[tuple[Span, str]]) -> Region:
    return Region(
        min(s.start for s, _ in group),
        max(s.end for s, _ in group),
        tuple(s for s, who in group if who == "a"),
        tuple(s for s, who in group if who == "b"),
    )


def settled_spans(
    region: Region, decision: Decision, text: str, edited: tuple[int, int] | None = None
) -> tuple[Span, ...]:
    """The consensus spans a decision keeps for a region; ``edited`` is the span of ``EDITED``, which
    must be codable text of the document (``text``)."""
    decision = Decision(decision)
    if decision is not Decision.EDITED and edited is not None:
        raise Invalid(f"an edited span goes with the decision {Decision.EDITED.label!r} only")
    if decision is Decision.KEEP_A:
        return region.a_spans
    if decision is Decision.KEEP_B:
        return region.b_spans
    if decision is Decision.KEEP_BOTH:
        return tuple(_distinct([*region.a_spans, *region.b_spans]))
    if decision is Decision.NEITHER:
        return ()
    if edited is None:
        raise Invalid("give the start and end of the edited span")
    return (codable_span(text, *edited),)
