"""Suggested spans: what a suggestion says, and when a span counts as already rejected or coded."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.domain.errors import Invalid

KINDS = ("context", "mechanism", "outcome")
MOSTLY = 0.5  # a span "mostly overlaps" another when they share half of the shorter one


@dataclass(frozen=True)
class CodeScore:
    """A code a suggestion proposes, with its kind and how well it fits (0 to 1); ``key`` is how
    the caller named the code (a code id in a project)."""

    code: str
    kind: str
    score: float
    key: str = ""


@dataclass(frozen=True)
class SpanSuggestion:
    """A span ``[start, end)`` of a text worth coding, with per-kind scores, codes and reasons."""

    start: int
    end: int
    text: str
    score: float
    labels: dict[str, float]
    codes: tuple[CodeScore, ...]
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The suggestion in the CLI's JSON form, keys in the documented order."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "labels": {kind: round(self.labels.get(kind, 0.0), 4) for kind in KINDS},
            "codes": [{"code": c.code, "kind": c.kind, "score": round(c.score, 4)} for c in self.codes],
            "reasons": list(self.reasons),
        }

    def top_code(self, kind: str) -> str | None:
        """The best code of one kind, if the suggestion names any."""
        return next((c.code for c in self.codes if c.kind == kind), None)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """How many characters two half-open spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def mostly_overlaps(span: tuple[int, int], other: tuple[int, int]) -> bool:
    """True when the spans share at least half of the shorter one: a sentence inside a rejected
    passage, or a longer passage around a rejected sentence, is the same suggestion again."""
    shorter = min(span[1] - span[0], other[1] - other[0])
    return shorter > 0 and overlap(span, other) >= MOSTLY * shorter


def is_covered(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    """True when ``span`` mostly overlaps any of ``taken`` (rejected spans, or coded excerpts)."""
    return any(mostly_overlaps(span, other) for other in taken)


class TakenSpans:
    """A text's taken spans (rejected, or coded) sorted once, so that :meth:`covers` applies
    :func:`is_covered` to the few spans near a suggestion instead of to every one of them."""

    __slots__ = ("_longest", "_spans", "_starts")

    def __init__(self, taken: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(taken)
        self._starts = [start for start, _end in self._spans]
        self._longest = max((end - start for start, end in self._spans), default=0)

    def covers(self, span: tuple[int, int]) -> bool:
        """``is_covered(span, taken)``: only spans starting less than the longest one before ``span``
        and before its end can overlap it."""
        first = bisect.bisect_left(self._starts, span[0] - self._longest)
        last = bisect.bisect_left(self._starts, span[1])
        return first < last and is_covered(span, self._spans[first:last])


def finds(gold: tuple[int, int], suggested: tuple[int, int]) -> bool:
    """Benchmark rule: a suggestion finds a gold excerpt when it covers at least half of it."""
    return overlap(gold, suggested) >= MOSTLY * (gold[1] - gold[0])


def labelled_as(labels: dict[str, float], kind: str) -> bool:
    """True when a suggestion counts as a ``kind``: its score for it is at least 0.5, or the highest."""
    return labels.get(kind, 0.0) >= 0.5 or (bool(labels) and max(labels, key=labels.__getitem__) == kind)


def clamp(value: float) -> float:
    """A score forced into [0, 1]."""
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else float(value)


def matches_filter(
    labels: dict[str, float], code_ids: Iterable[int], kind: str | None, code: int | None
) -> bool:
    """The reader's and the queue's filter: of ``kind`` (see :func:`labelled_as`) and proposing ``code``
    (None: any)."""
    return (kind is None or labelled_as(labels, kind)) and (code is None or code in set(code_ids))


PAGE_CHARS = 3000  # a printed page of about 500 words: the page of a text without page marks
PER_PAGE = 3  # how many suggestions per page the reader shows until the reviewer chooses otherwise


def page_count(length: int, page_starts: Sequence[int] = ()) -> int:
    """How many pages a document has: its page marks (PDF), else one per ``PAGE_CHARS`` characters."""
    if page_starts:
        return len(page_starts)
    return max(1, -(-length // PAGE_CHARS))


def score_cut(scores: Iterable[float], pages: int, per_page: int) -> float:
    """The lowest score still shown when showing the best ``per_page`` suggestions per page on
    average (the best ``pages * per_page`` of the document; ties at the cut are all shown);
    ``per_page`` 0 shows all of them (cut 0)."""
    ranked = sorted(scores, reverse=True)
    budget = pages * per_page
    if per_page <= 0 or budget >= len(ranked):
        return 0.0
    return ranked[budget - 1] if budget > 0 else 1.0


def drawn(scores: Sequence[float], matching: Sequence[bool], pages: int, per_page: int) -> tuple[int, ...]:
    """Which suggestions the reader draws: of those ``matching`` the filters, the best ``per_page``
    per page on average (see :func:`score_cut`), as indices into ``scores``."""
    kept = [score for score, ok in zip(scores, matching, strict=True) if ok]
    cut = score_cut(kept, pages, per_page)
    return tuple(i for i, (score, ok) in enumerate(zip(scores, matching, strict=True)) if ok and score >= cut)


def code_for_key(code_ids: Sequence[int], slot: int) -> int:
    """The code a key 1-9 accepts an open suggestion with: its ``slot``-th proposed code."""
    if not 1 <= slot <= len(code_ids):
        raise Invalid(f"The suggestion proposes no code {slot}.")
    return code_ids[slot - 1]
