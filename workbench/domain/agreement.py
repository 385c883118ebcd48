"""Inter-coder agreement between two coders: percent agreement, Cohen's kappa, Krippendorff's alpha.

Every measure is computed from a 2x2 table of binary pairs (:class:`Counts`): for one code and one
unit, each coder's value is 1 if they applied the code there, else 0. Two kinds of unit:

* **character** (NVivo's coding comparison): every character (Python code point) of every document
  in which both coders have at least one coding. A coder's value at a character is 1 if one of their
  codings with the code covers it. The counts come from interval arithmetic on the coded spans
  (:func:`character_counts`), never from one value per character, so a long document costs what its
  spans cost.
* **excerpt**: the distinct spans ``[start, end)`` of both coders' excerpts in those documents. A
  coder's value at a unit is 1 if they applied the code to an excerpt that overlaps the unit by at
  least one character (:func:`excerpt_counts`).

Undefined values are ``None`` (JSON null), exactly where scikit-learn's ``cohen_kappa_score`` gives
nan and ``krippendorff.alpha`` (nominal) has no variation to measure:

* ``agreement`` is None when there are no units;
* ``kappa`` is None when chance agreement is 1 (both coders gave every unit the same single value);
* ``alpha`` is None when all values pooled over both coders are the same (no variation).

Configuration level (:func:`match_configurations`): each reviewer's CMOCs are sets of context,
mechanism and outcome codes; identical triples match exactly, the rest are paired greedily by the
mean Jaccard index over the three roles (best pairs first, only pairs sharing at least one code).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]


@dataclass(frozen=True)
class Counts:
    """A 2x2 table of binary pairs: how many units both coders coded, only A, only B, neither."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0
    neither: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.both + other.both,
            self.only_a + other.only_a,
            self.only_b + other.only_b,
            self.neither + other.neither,
        )

    @property
    def n(self) -> int:
        """The number of units (pairs of values)."""
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def agreement(self) -> float | None:
        """The fraction of units where both coders gave the same value (None without units)."""
        return (self.both + self.neither) / self.n if self.n else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa: (observed - chance) / (1 - chance), chance from each coder's own rates."""
        n = self.n
        if not n:
            return None
        a1, b1 = self.both + self.only_a, self.both + self.only_b
        chance = (a1 * b1 + (n - a1) * (n - b1)) / (n * n)
        if chance >= 1:
            return None
        observed = (self.both + self.neither) / n
        return (observed - chance) / (1 - chance)

    @property
    def alpha(self) -> float | None:
        """Krippendorff's alpha (nominal, two coders, no missing values): 1 - (m - 1) D / (m0 m1).

        ``m`` is the number of pooled values (two per unit), ``m1``/``m0`` how many are 1 and 0,
        ``D`` the units where the coders differ (each a 0-1 and a 1-0 coincidence).
        """
        m = 2 * self.n
        disagreements = self.only_a + self.only_b
        ones = 2 * self.both + disagreements
        zeros = m - ones
        if ones == 0 or zeros == 0:
            return None
        return 1 - (m - 1) * disagreements / (ones * zeros)


def merge(spans: Iterable[Span], length: int | None = None) -> list[Span]:
    """Sorted, disjoint spans covering the same characters (clipped to ``[0, length)`` if given)."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if length is not None:
            start, end = max(start, 0), min(end, length)
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def covered(spans: Sequence[Span]) -> int:
    """How many characters merged spans cover."""
    return sum(end - start for start, end in spans)


def intersection(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The characters two lists of merged spans both cover, as merged spans (a sweep over both)."""
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def character_counts(length: int, a: Iterable[Span], b: Iterable[Span]) -> Counts:
    """The 2x2 counts over the ``length`` characters of a document for one code, from each coder's
    spans with that code (overlapping or repeated spans count each character once)."""
    merged_a, merged_b = merge(a, length), merge(b, length)
    both = covered(intersection(merged_a, merged_b))
    only_a, only_b = covered(merged_a) - both, covered(merged_b) - both
    return Counts(both, only_a, only_b, length - both - only_a - only_b)


def overlaps(unit: Span, merged: Sequence[Span], starts: Sequence[int] | None = None) -> bool:
    """Whether ``unit`` shares at least one character with the merged spans."""
    starts = starts if starts is not None else [s for s, _ in merged]
    i = bisect_right(starts, unit[0]) - 1  # the last span starting at or before the unit
    if i >= 0 and merged[i][1] > unit[0]:
        return True
    return i + 1 < len(merged) and merged[i + 1][0] < unit[1]


def excerpt_counts(units: Iterable[Span], a: Iterable[Span], b: Iterable[Span]) -> Counts:
    """The 2x2 counts over the excerpt units of a document for one code: a coder's value is 1 when
    one of their spans with the code overlaps the unit."""
    merged_a, merged_b = merge(a), merge(b)
    starts_a, starts_b = [s for s, _ in merged_a], [s for s, _ in merged_b]
    table = [0, 0, 0, 0]
    for unit in set(units):
        in_a = overlaps(unit, merged_a, starts_a)
        in_b = overlaps(unit, merged_b, starts_b)
        table[(0 if in_a else 2) + (0 if in_b else 1)] += 1
    both, only_a, only_b, neither = table
    return Counts(both, only_a, only_b, neither)


# -- configuration level -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigurationCodes:
    """A configuration as the sets of code ids in its three roles."""

    id: int
    label: str
    contexts: frozenset[int]
    mechanisms: frozenset[int]
    outcomes: frozenset[int]

    @property
    def key(self) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
        return self.contexts, self.mechanisms, self.outcomes


def jaccard(x: frozenset[int], y: frozenset[int]) -> float:
    """|x & y| / |x | y|; two empty sets agree fully (1.0)."""
    union = x | y
    return len(x & y) / len(union) if union else 1.0


@dataclass(frozen=True)
class ConfigurationPair:
    """Two reviewers' configurations paired up, with the Jaccard index of each role."""

    a: ConfigurationCodes
    b: ConfigurationCodes
    context: float
    mechanism: float
    outcome: float

    @property
    def score(self) -> float:
        """The mean of the three roles' Jaccard indices (1.0 for an exact match)."""
        return (self.context + self.mechanism + self.outcome) / 3

    @property
    def exact(self) -> bool:
        return self.a.key == self.b.key


@dataclass(frozen=True)
class ConfigurationAgreement:
    """How far two reviewers' configurations agree.

    ``score`` is ``2 * sum(pair scores) / (len(A) + len(B))``: 1 when every configuration has an
    exact match, 0 when none shares a code; unmatched configurations count as 0. None when neither
    reviewer has any configuration.
    """

    pairs: tuple[ConfigurationPair, ...]
    unmatched_a: tuple[ConfigurationCodes, ...]
    unmatched_b: tuple[ConfigurationCodes, ...]

    @property
    def exact(self) -> int:
        return sum(1 for p in self.pairs if p.exact)

    @property
    def score(self) -> float | None:
        total = 2 * len(self.pairs) + len(self.unmatched_a) + len(self.unmatched_b)
        return 2 * sum(p.score for p in self.pairs) / total if total else None


def _pair(a: ConfigurationCodes, b: ConfigurationCodes) -> ConfigurationPair:
    roles = (a.contexts, b.contexts), (a.mechanisms, b.mechanisms), (a.outcomes, b.outcomes)
    context, mechanism, outcome = (jaccard(x, y) for x, y in roles)
    return ConfigurationPair(a, b, context, mechanism, outcome)


def _codes(c: ConfigurationCodes) -> frozenset[int]:
    return c.contexts | c.mechanisms | c.outcomes


def match_configurations(
    a: Sequence[ConfigurationCodes], b: Sequence[ConfigurationCodes]
) -> ConfigurationAgreement:
    """Pair reviewer A's configurations with reviewer B's: every possible pair sharing at least one
    code, best score first (exact matches score 1), each configuration used at most once."""
    candidates = [_pair(x, y) for x in a for y in b if _codes(x) & _codes(y)]
    candidates.sort(key=lambda p: (-p.score, p.a.id, p.b.id))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for pair in candidates:
        if pair.a.id not in used_a and pair.b.id not in used_b:
            pairs.append(pair)
            used_a.add(pair.a.id)
            used_b.add(pair.b.id)
    return ConfigurationAgreement(
        tuple(pairs),
        tuple(x for x in a if x.id not in used_a),
        tuple(y for y in b if y.id not in used_b),
    )
