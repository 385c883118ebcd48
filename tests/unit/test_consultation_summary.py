"""A card's ratings summarised: mean, 1-5 distribution, disagreement, and the most disputed first."""

import pytest

from workbench.domain.consultations import RatingSummary, by_disagreement, summarise


@pytest.mark.parametrize(
    ("ratings", "mean", "disagreement"),
    [
        ((), None, None),
        ((4,), 4.0, None),
        ((5, 5, 5), 5.0, 0.0),
        ((1, 5), 3.0, 2.0),
        ((1, 5, 3), 3.0, 1.633),
        ((2, 3, 3, 4), 3.0, 0.707),
    ],
)
def test_a_cards_ratings_give_their_mean_and_standard_deviation(ratings, mean, disagreement):
    summary = summarise(ratings)
    assert summary.mean == mean
    expected = pytest.approx(disagreement, abs=1e-3) if disagreement is not None else None
    assert summary.disagreement == expected
    assert list(summary.distribution) == [1, 2, 3, 4, 5]
    assert sum(summary.distribution.values()) == len(ratings)


def test_the_most_disputed_card_comes_first_and_cards_without_two_ratings_last_in_their_order():
    summaries = [summarise(r) for r in [(4,), (5, 5), (1, 5), (), (2, 4), (3,)]]
    assert by_disagreement(summaries) == [2, 4, 1, 0, 3, 5]
    assert by_disagreement([RatingSummary(None, {}, None)]) == [0]


def test_open_until_a_day_includes_the_whole_of_that_day():
    from datetime import UTC, date, datetime, timedelta

    from workbench.domain.consultations import closes_at_end_of

    closes = closes_at_end_of(date(2026, 12, 24))
    assert datetime(2026, 12, 24, 23, 59, 59, tzinfo=UTC) < closes < datetime(2026, 12, 25, tzinfo=UTC)
    assert closes + timedelta(microseconds=1) == datetime(2026, 12, 25, tzinfo=UTC)
