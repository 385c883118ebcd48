"""How good suggestions are against coded excerpts: recall and precision at k, top-code accuracy,
and per-kind precision/recall (plain functions, shared by training and the benchmarks)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from workbench.domain.suggestions import KINDS, SpanSuggestion, finds


@dataclass(frozen=True)
class GoldSpan:
    """A coded excerpt: its span, its codes and their kinds."""

    start: int
    end: int
    codes: frozenset[str]
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)  # kind -> its codes here

    @property
    def span(self) -> tuple[int, int]:
        """The excerpt as ``(start, end)``."""
        return (self.start, self.end)


def gold_span(start: int, end: int, codes: Iterable[tuple[str, str]]) -> GoldSpan:
    """A gold excerpt from ``(code, kind)`` pairs."""
    pairs = list(codes)
    kinds = {kind: frozenset(c for c, k in pairs if k == kind) for kind in {k for _, k in pairs}}
    return GoldSpan(start, end, frozenset(c for c, _ in pairs), kinds)


def _finds(suggestion: SpanSuggestion, gold: GoldSpan) -> bool:
    return finds(gold.span, (suggestion.start, suggestion.end))


def recall_at(suggestions: list[SpanSuggestion], gold: list[GoldSpan], k: int) -> tuple[int, int]:
    """(gold excerpts found by one of the first k suggestions, gold excerpts)."""
    top = suggestions[:k]
    return sum(any(_finds(s, g) for s in top) for g in gold), len(gold)


def precision_at(suggestions: list[SpanSuggestion], gold: list[GoldSpan], k: int) -> tuple[int, int]:
    """(first-k suggestions that find a gold excerpt, first-k suggestions made)."""
    top = suggestions[:k]
    return sum(any(_finds(s, g) for g in gold) for s in top), len(top)


def top_code_hits(
    suggestions: list[SpanSuggestion],
    gold: list[GoldSpan],
    descendants: Mapping[str, frozenset[str]] | None = None,
) -> dict[str, tuple[int, int]]:
    """Per kind: (found gold excerpts whose best suggestion's top code of that kind is one of the
    excerpt's codes of that kind or a sub-code of one, found gold excerpts with a code of that
    kind); ``descendants`` maps a code to its sub-codes at any depth."""
    below = descendants or {}
    counts = {kind: [0, 0] for kind in KINDS}
    for g in gold:
        best = next((s for s in suggestions if _finds(s, g)), None)
        if best is None:
            continue
        for kind, codes in g.kinds.items():
            if kind in counts:
                counts[kind][1] += 1
                top = best.top_code(kind)
                counts[kind][0] += top is not None and any(top == c or top in below.get(c, ()) for c in codes)
    return {kind: (hit, total) for kind, (hit, total) in counts.items()}


ERRORS = ("right", "wrong sibling", "wrong family", "none proposed")


def top_code_errors(
    suggestions: list[SpanSuggestion],
    gold: list[GoldSpan],
    descendants: Mapping[str, frozenset[str]],
    parents: Mapping[str, str | None],
) -> dict[str, dict[str, int]]:
    """Per kind, how the top code of the best suggestion finding each gold excerpt compares with the
    excerpt's codes of that kind: right (as :func:`top_code_hits`), a wrong sibling (another code
    under the same parent), a wrong family (a code elsewhere in the tree), or none proposed."""
    counts = {kind: dict.fromkeys(ERRORS, 0) for kind in KINDS}
    for g in gold:
        best = next((s for s in suggestions if _finds(s, g)), None)
        if best is None:
            continue
        for kind, codes in g.kinds.items():
            if kind not in counts:
                continue
            top = best.top_code(kind)
            if top is None:
                error = "none proposed"
            elif any(top == c or top in descendants.get(c, ()) for c in codes):
                error = "right"
            elif any(top in descendants.get(parents.get(c) or "", ()) for c in codes):
                error = "wrong sibling"
            else:
                error = "wrong family"
            counts[kind][error] += 1
    return counts


def kind_counts(
    suggestions: list[SpanSuggestion], gold: list[GoldSpan], threshold: float = 0.5
) -> dict[str, list[int]]:
    """Per kind: [suggestions labelled with the kind that find a gold excerpt of that kind,
    suggestions labelled with the kind, gold excerpts of the kind found by such a suggestion,
    gold excerpts of the kind]; a suggestion is labelled with a kind when its score is >= threshold."""
    out = {}
    for kind in KINDS:
        labelled = [s for s in suggestions if s.labels.get(kind, 0.0) >= threshold]
        mine = [g for g in gold if kind in g.kinds]
        right = sum(any(_finds(s, g) for g in mine) for s in labelled)
        found = sum(any(_finds(s, g) for s in labelled) for g in mine)
        out[kind] = [right, len(labelled), found, len(mine)]
    return out


def precision_recall(counts: Iterable[dict[str, list[int]]]) -> dict[str, dict[str, float | int]]:
    """Per-kind precision and recall summed over documents from :func:`kind_counts`."""
    totals = {kind: [0, 0, 0, 0] for kind in KINDS}
    for doc in counts:
        for kind, values in doc.items():
            totals[kind] = [a + b for a, b in zip(totals[kind], values, strict=True)]
    return {
        kind: {
            "precision": round(right / labelled, 4) if labelled else 0.0,
            "recall": round(found / total, 4) if total else 0.0,
            "support": total,
        }
        for kind, (right, labelled, found, total) in totals.items()
    }
