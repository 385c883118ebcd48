"""Cold-start scoring rules and span merging, as plain functions over per-unit arrays (no spaCy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.domain.suggestions import KINDS
from workbench.nlp.cues import CATEGORIES

CUE = {name: i for i, name in enumerate(CATEGORIES)}
MAX_QUOTE_UNITS, MAX_QUOTE_CHARS = 6, 900
MAX_LINKED_UNITS, MAX_LINKED_CHARS = 3, 500


@dataclass(frozen=True)
class Weights:
    """Rule weights of the cold-start scorer (evidence is summed, then squashed into [0, 1])."""

    quote: float = 1.0
    causal: float = 0.45
    experience: float = 0.45
    interpretation: float = 0.35
    hedge: float = 0.25
    outcome: float = 0.2
    context: float = 0.2
    method: float = -0.6
    code: float = 1.2
    similarity: float = 2.5
    match: float = 0.8
    naming: float = 2.0
    min_words: int = 4


WEIGHTS = Weights()


@dataclass
class UnitScores:
    """Per-unit scores: relevance, (context, mechanism, outcome) labels, per-code fit, and how many
    accepted excerpts each unit resembles (trained models only)."""

    relevance: np.ndarray
    labels: np.ndarray
    codes: np.ndarray
    similar: np.ndarray | None = None
    learned: bool = False


def squash(evidence: np.ndarray) -> np.ndarray:
    """Map non-negative evidence onto [0, 1): 0 stays 0, more evidence approaches 1."""
    return 1.0 - np.exp(-np.maximum(evidence, 0.0))


def code_scores(matches: np.ndarray, similarity: np.ndarray, weights: Weights = WEIGHTS) -> np.ndarray:
    """Units x codes: how well each code fits each unit, from name/example matches and similarity."""
    return squash(weights.similarity * similarity + weights.match * np.minimum(matches, 2.0))


def naming_scores(matches: np.ndarray, naming: np.ndarray, weights: Weights = WEIGHTS) -> np.ndarray:
    """Units x codes in [0, 1]: which code names each unit, from BM25 over the codebook and its tree
    (``naming``) and from the code names and examples found in it."""
    return squash(weights.naming * naming + weights.match * np.minimum(matches, 2.0))


def best_per_kind(scores: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Units x (context, mechanism, outcome): the best code score of each kind."""
    out = np.zeros((scores.shape[0], len(KINDS)))
    for column, kind in enumerate(KINDS):
        mine = kinds == kind
        if mine.any():
            out[:, column] = scores[:, mine].max(axis=1)
    return out


def kind_labels(cues: np.ndarray, best: np.ndarray, quote: np.ndarray) -> np.ndarray:
    """Units x (context, mechanism, outcome) scores in [0, 1] from cues and the best codes."""
    c = np.minimum(cues, 3.0)
    context = 0.5 * c[:, CUE["context"]] + 0.2 * c[:, CUE["hedge"]] + 1.5 * best[:, 0]
    mechanism = (
        0.45 * c[:, CUE["causal"]]
        + 0.5 * c[:, CUE["experience"]]
        + 0.3 * c[:, CUE["interpretation"]]
        + 0.2 * quote
        + 1.5 * best[:, 1]
    )
    outcome = 0.3 * c[:, CUE["causal"]] + 0.6 * c[:, CUE["outcome"]] + 1.5 * best[:, 2]
    return squash(np.column_stack([context, mechanism, outcome]))


def eligibility(section_weight: np.ndarray, words: np.ndarray, heading: np.ndarray,
                weights: Weights = WEIGHTS) -> np.ndarray:  # fmt: skip
    """How far each unit may be suggested at all, in [0, 1]: by its section, and not a heading or a
    fragment of a few words."""
    length = np.clip((words - weights.min_words + 1) / 6.0, 0.0, 1.0)
    return section_weight * length * (1.0 - heading)


def relevance(
    cues: np.ndarray, quote: np.ndarray, section_weight: np.ndarray, words: np.ndarray,
    heading: np.ndarray, best_code: np.ndarray, weights: Weights = WEIGHTS,
) -> np.ndarray:  # fmt: skip
    """How likely each unit is to be coded at all, in [0, 1]."""
    c = np.minimum(cues, 3.0)
    evidence = weights.quote * quote + weights.code * best_code
    for name in ("causal", "experience", "interpretation", "hedge", "outcome", "context", "method"):
        evidence = evidence + getattr(weights, name) * c[:, CUE[name]]
    return eligibility(section_weight, words, heading, weights) * squash(evidence)


def merge_units(
    quote: np.ndarray,
    paragraph: np.ndarray,
    link: np.ndarray,
    heading: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> list[list[int]]:
    """Group adjacent units carrying one idea: the sentences of one quotation, and a sentence that
    opens by pointing back ("This ...", "So ...") with the one before it in the same paragraph."""
    groups: list[list[int]] = []
    columns = (quote.tolist(), paragraph.tolist(), link.tolist(), starts.tolist(), ends.tolist())
    headings = heading.tolist()  # plain lists: indexing numpy arrays unit by unit costs more than the rule
    for unit in range(len(quote)):
        if groups and not headings[unit] and _joins(groups[-1], unit, *columns):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _joins(
    group: list[int],
    unit: int,
    quote: list[int],
    paragraph: list[int],
    link: list[float],
    starts: list[int],
    ends: list[int],
) -> bool:
    last = group[-1]
    if last != unit - 1 or paragraph[last] != paragraph[unit]:
        return False
    length = ends[unit] - starts[group[0]]
    if quote[unit] >= 0:
        return bool(quote[last] == quote[unit] and len(group) < MAX_QUOTE_UNITS and length <= MAX_QUOTE_CHARS)
    return bool(
        link[unit] and quote[last] < 0 and len(group) < MAX_LINKED_UNITS and length <= MAX_LINKED_CHARS
    )


def group_max(values: np.ndarray, groups: list[list[int]]) -> np.ndarray:
    """The maximum of each group's rows (1-d or 2-d ``values``); the groups must split the rows
    into consecutive runs, as :func:`merge_units` does."""
    if not groups:
        return values[:0]
    starts = np.array([g[0] for g in groups])
    return np.maximum.reduceat(values, starts, axis=0)


def choose_codes(fits: np.ndarray, kinds: np.ndarray, most: int, least: float) -> list[list[int]]:
    """For each row of code scores: the best code of each kind, then the best others, up to
    ``most`` codes scoring at least ``least``, best first."""
    return [[code for code, _fit in row] for row in scored_codes(fits, kinds, most, least)]


def scored_codes(
    fits: np.ndarray, kinds: np.ndarray, most: int, least: float
) -> list[list[tuple[int, float]]]:
    """``choose_codes`` with each chosen code's score: only the candidates' scores (the best of each
    kind and the ``most`` best) leave numpy, not whole rows."""
    if not fits.shape[1]:
        return [[] for _ in range(len(fits))]
    best = [
        np.flatnonzero(kinds == kind)[fits[:, kinds == kind].argmax(axis=1)]
        for kind in KINDS
        if (kinds == kind).any()
    ]
    top = np.argsort(-fits, axis=1, kind="stable")[:, :most]
    candidates = np.column_stack([*best, top])
    values = np.take_along_axis(fits, candidates, axis=1)
    out = []
    for ranked, scores in zip(candidates.tolist(), values.tolist(), strict=True):
        fit = dict(zip(ranked, scores, strict=True))
        picked = [c for c in dict.fromkeys(ranked) if fit[c] >= least]
        out.append([(c, fit[c]) for c in sorted(picked[:most], key=lambda c: -fit[c])])
    return out
