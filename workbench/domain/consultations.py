"""Consultation rules: modes, what a participant may add, and how a card's ratings are summarised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from statistics import mean, pstdev

RATINGS = (1, 2, 3, 4, 5)


class ConsultationMode(StrEnum):
    """How a consultation runs: a facilitated meeting, or open to answer for a period."""

    LIVE = "live"
    OPEN = "open"


@dataclass(frozen=True)
class RatingSummary:
    """What a card's ratings say together: how true it rings and how much people disagree."""

    mean: float | None
    distribution: dict[int, int]  # rating 1-5 -> how many gave it (every rating present)
    disagreement: float | None  # population standard deviation; None with fewer than two ratings


def summarise(ratings: Sequence[int]) -> RatingSummary:
    """Mean, 1-5 distribution and disagreement (standard deviation) of a card's ratings."""
    distribution = {r: 0 for r in RATINGS}
    for r in ratings:
        distribution[r] += 1
    return RatingSummary(
        mean=round(mean(ratings), 2) if ratings else None,
        distribution=distribution,
        disagreement=round(pstdev(ratings), 3) if len(ratings) >= 2 else None,
    )


def by_disagreement(summaries: Sequence[RatingSummary]) -> list[int]:
    """Indexes of the summaries, most disputed first; cards nobody (or only one person) rated go last,
    and ties keep their order."""
    return sorted(
        range(len(summaries)),
        key=lambda i: (summaries[i].disagreement is None, -(summaries[i].disagreement or 0.0)),
    )


def closes_at_end_of(day: date) -> datetime:
    """An open consultation "open until" a day closes at that day's last moment (UTC): inclusive."""
    return datetime.combine(day, time.max, tzinfo=UTC)
