"""Agreement maths: a hand-computed example, and the count-based formulas against scikit-learn and
krippendorff on the same units expanded to one value per character."""

from __future__ import annotations

import math
import random
import warnings

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from workbench.domain.agreement import (
    ConfigurationCodes,
    Counts,
    character_counts,
    excerpt_counts,
    match_configurations,
)

# A 20-character document. Code X: coder A [0, 10), coder B [5, 15). Code Y: A [0, 4), B [0, 2) + [16, 20).
X_A, X_B = [(0, 10)], [(5, 15)]
Y_A, Y_B = [(0, 4)], [(0, 2), (16, 20)]


def expand(length: int, spans: list[tuple[int, int]]) -> list[int]:
    values = [0] * length
    for start, end in spans:
        for i in range(max(start, 0), min(end, length)):
            values[i] = 1
    return values


def sklearn_kappa(a: list[int], b: list[int]) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score(a, b))
    return None if math.isnan(value) else value


def library_alpha(a: list[int], b: list[int]) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(
            krippendorff.alpha(
                reliability_data=np.array([a, b]), level_of_measurement="nominal", value_domain=[0, 1]
            )
        )
    return None if math.isnan(value) else value


def test_the_hand_computed_example_gives_the_hand_computed_figures():
    x = character_counts(20, X_A, X_B)
    # both 5 (5..9), only A 5 (0..4), only B 5 (10..14), neither 5 (15..19)
    assert x == Counts(both=5, only_a=5, only_b=5, neither=5)
    # agreement 10/20; chance 0.5*0.5 + 0.5*0.5 = 0.5; kappa (0.5 - 0.5) / 0.5 = 0
    assert x.agreement == 0.5 and x.kappa == 0
    # alpha: 40 values, 20 ones, 20 zeros, 10 disagreeing units: 1 - 39 * 10 / (20 * 20) = 0.025
    assert x.alpha == pytest.approx(0.025)

    y = character_counts(20, Y_A, Y_B)
    # both 2 (0..1), only A 2 (2..3), only B 4 (16..19), neither 12
    assert y == Counts(both=2, only_a=2, only_b=4, neither=12)
    # agreement 14/20 = 0.7; chance 0.2 * 0.3 + 0.8 * 0.7 = 0.62; kappa 0.08 / 0.38 = 4/19
    assert y.agreement == pytest.approx(0.7)
    assert y.kappa == pytest.approx(4 / 19)
    # alpha: 40 values, 10 ones, 30 zeros, 6 disagreeing: 1 - 39 * 6 / (10 * 30) = 0.22
    assert y.alpha == pytest.approx(0.22)

    pooled = x + y
    # 40 pairs: both 7, only A 7, only B 9, neither 17; agreement 24/40 = 0.6
    # chance (14 * 16 + 26 * 24) / 1600 = 0.53; kappa 0.07 / 0.47 = 7/47
    # alpha: 80 values, 30 ones, 50 zeros, 16 disagreeing: 1 - 79 * 16 / 1500 = 236/1500
    assert pooled.agreement == pytest.approx(0.6)
    assert pooled.kappa == pytest.approx(7 / 47)
    assert pooled.alpha == pytest.approx(236 / 1500)


def test_the_hand_computed_example_agrees_with_scikit_learn_and_krippendorff():
    for a, b in ((X_A, X_B), (Y_A, Y_B)):
        counts = character_counts(20, a, b)
        va, vb = expand(20, a), expand(20, b)
        assert counts.kappa == pytest.approx(sklearn_kappa(va, vb))
        assert counts.alpha == pytest.approx(library_alpha(va, vb))


@pytest.mark.parametrize("seed", range(40))
def test_counted_kappa_and_alpha_equal_the_libraries_on_random_spans(seed):
    rng = random.Random(seed)
    length = rng.randint(1, 60)

    def spans() -> list[tuple[int, int]]:
        out = []
        for _ in range(rng.randint(0, 4)):
            start = rng.randint(-2, length)
            out.append((start, start + rng.randint(0, 15)))
        return out

    a, b = spans(), spans()
    counts = character_counts(length, a, b)
    va, vb = expand(length, a), expand(length, b)
    assert counts.n == length
    assert counts.agreement == pytest.approx(sum(x == y for x, y in zip(va, vb, strict=True)) / length)
    assert counts.kappa == pytest.approx(sklearn_kappa(va, vb))
    assert counts.alpha == pytest.approx(library_alpha(va, vb))


@pytest.mark.parametrize(
    ("a", "b", "kappa", "alpha"),
    [
        ([], [], None, None),  # nobody coded anything: no variation at all
        ([(0, 10)], [(0, 10)], None, None),  # both coded everything
        ([(0, 10)], [], 0.0, -0.9),  # A everything, B nothing: 1 - 19 * 10 / (10 * 10)
    ],
)
def test_undefined_measures_are_none_exactly_where_the_libraries_give_nan(a, b, kappa, alpha):
    counts = character_counts(10, a, b)
    va, vb = expand(10, a), expand(10, b)
    assert counts.kappa == sklearn_kappa(va, vb) == kappa
    expected = library_alpha(va, vb)
    assert (counts.alpha is None) == (expected is None) == (alpha is None)
    if alpha is not None:
        assert counts.alpha == pytest.approx(expected)


def test_no_units_means_no_agreement_at_all():
    assert Counts().agreement is None and Counts().kappa is None and Counts().alpha is None


def test_a_hundred_thousand_character_document_is_counted_from_its_spans():
    spans_a = [(i, i + 50) for i in range(0, 100_000, 200)]
    spans_b = [(i + 25, i + 75) for i in range(0, 100_000, 200)]
    counts = character_counts(100_000, spans_a, spans_b)
    assert counts == Counts(both=500 * 25, only_a=500 * 25, only_b=500 * 25, neither=100_000 - 500 * 75)


def test_excerpt_units_count_a_code_where_a_coders_excerpt_overlaps_the_unit():
    units = [(0, 10), (5, 15), (16, 20)]
    # A coded [0, 10): overlaps units 1 and 2; B coded [16, 20): overlaps unit 3 only
    counts = excerpt_counts(units, [(0, 10)], [(16, 20)])
    assert counts == Counts(both=0, only_a=2, only_b=1, neither=0)
    # spans that only touch share no character
    assert excerpt_counts([(0, 5)], [(5, 9)], [(0, 5)]) == Counts(only_b=1)
    assert excerpt_counts([(0, 5), (0, 5)], [(4, 9)], []) == Counts(only_a=1)


def config(id: int, c: set[int], m: set[int], o: set[int]) -> ConfigurationCodes:
    return ConfigurationCodes(id, f"C{id}", frozenset(c), frozenset(m), frozenset(o))


def test_configurations_match_exactly_then_by_jaccard_and_leave_the_rest_unmatched():
    a = [config(1, {1}, {2}, {3}), config(2, {1, 4}, {5}, {6}), config(3, {9}, {9}, {9})]
    b = [config(11, {1}, {2}, {3}), config(12, {4}, {5}, {7}), config(13, {8}, {8}, {8})]
    result = match_configurations(a, b)
    assert result.exact == 1
    assert [(p.a.id, p.b.id) for p in result.pairs] == [(1, 11), (2, 12)]
    partial = result.pairs[1]
    # contexts {1,4} vs {4}: 1/2; mechanisms equal: 1; outcomes {6} vs {7}: 0
    assert (partial.context, partial.mechanism, partial.outcome) == (0.5, 1.0, 0.0)
    assert [c.id for c in result.unmatched_a] == [3] and [c.id for c in result.unmatched_b] == [13]
    # 2 * (1 + 0.5) / (3 + 3)
    assert result.score == pytest.approx(0.5)


def test_no_configurations_on_either_side_has_no_score():
    assert match_configurations([], []).score is None
