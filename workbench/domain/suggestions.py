"""Suggested spans: what a suggestion says, and when a span counts as already rejected or coded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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


def finds(gold: tuple[int, int], suggested: tuple[int, int]) -> bool:
    """Benchmark rule: a suggestion finds a gold excerpt when it covers at least half of it."""
    return overlap(gold, suggested) >= MOSTLY * (gold[1] - gold[0])


def labelled_as(labels: dict[str, float], kind: str) -> bool:
    """True when a suggestion counts as a ``kind``: its score for it is at least 0.5, or the highest."""
    return labels.get(kind, 0.0) >= 0.5 or (bool(labels) and max(labels, key=labels.__getitem__) == kind)


def clamp(value: float) -> float:
    """A score forced into [0, 1]."""
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else float(value)
