"""Suggest spans to code in a text: run the pipeline, score each unit, merge, rank and explain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from spacy.language import Language

from workbench.domain.suggestions import KINDS, CodeScore, SpanSuggestion, clamp
from workbench.nlp import scoring
from workbench.nlp.codebook import CodebookIndex, CodeProfile
from workbench.nlp.cues import CATEGORIES, REASON_NAMES
from workbench.nlp.features import DocFeatures, analyse
from workbench.nlp.pipeline import pipe_texts
from workbench.nlp.scoring import UnitScores

REASON_ORDER = ("causal", "experience", "interpretation", "hedge", "context", "outcome")
CATEGORY = {name: i for i, name in enumerate(CATEGORIES)}
MAX_CUE_REASONS, MAX_CODES, MIN_CODE_SCORE = 3, 5, 0.05


class Model(Protocol):
    """A trained model the suggester can apply on top of its rules."""

    def rescore(self, features: DocFeatures, cold: UnitScores, code_keys: list[str]) -> UnitScores:
        """Blend the rules' scores with what the model learned."""
        ...


def cold_scores(features: DocFeatures, index: CodebookIndex) -> UnitScores:
    """The rules alone: cues, quotations, sections and the codebook."""
    quote = features.column("quote")
    codes = scoring.code_scores(features.code_matches, features.similarity)
    best = scoring.best_per_kind(codes, index.kinds)
    labels = scoring.kind_labels(features.cue_counts, best, quote)
    best_code = codes.max(axis=1) if codes.shape[1] else np.zeros(features.size)
    relevance = scoring.relevance(
        features.cue_counts,
        quote,
        features.column("weight"),
        features.words.astype(float),
        features.column("heading"),
        best_code,
    )
    return UnitScores(relevance, labels, scoring.naming_scores(features.code_matches, features.naming))


class Suggester:
    """Suggestions for texts, given a pipeline, the codes to propose and an optional trained model."""

    def __init__(
        self,
        nlp: Language,
        codes: Iterable[CodeProfile],
        model: Model | None = None,
        min_score: float = 0.05,
        index: CodebookIndex | None = None,
        processes: int = 1,
    ) -> None:
        self.nlp = nlp
        self.processes = processes  # 2: a command may tokenise long texts in two processes (pipe_texts)
        self.index = index if index is not None else CodebookIndex(nlp, codes)
        self.model = model
        self.min_score = min_score

    @property
    def code_keys(self) -> list[str]:
        """The keys of the codes the suggester can propose, in column order."""
        return [code.key for code in self.index.codes]

    def with_model(self, model: Model | None) -> Suggester:
        """The same pipeline and codebook with another trained model (or none)."""
        return Suggester(self.nlp, [], model, self.min_score, self.index, self.processes)

    def analyse(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[DocFeatures]:
        """Features of each text, streamed through ``nlp.pipe`` (long texts in pieces: ``pipe_texts``)."""
        for doc in pipe_texts(self.nlp, texts, batch_size, processes=self.processes):
            yield analyse(doc, self.index)

    def scores(self, features: DocFeatures) -> UnitScores:
        """Unit scores from the rules, blended with the trained model when there is one."""
        cold = cold_scores(features, self.index)
        return self.model.rescore(features, cold, self.code_keys) if self.model else cold

    def suggest(self, text: str, top: int | None = None) -> list[SpanSuggestion]:
        """Ranked suggestions for one text."""
        return next(self.suggest_many([text], top))

    def suggest_many(self, texts: Iterable[str], top: int | None = None) -> Iterator[list[SpanSuggestion]]:
        """Ranked suggestions for each text (best first), streamed."""
        for features in self.analyse(texts):
            yield self.from_features(features, top)

    def from_features(self, features: DocFeatures, top: int | None = None) -> list[SpanSuggestion]:
        """Ranked suggestions from analysed features (per-span figures taken from arrays computed once
        for all chosen spans, so a document of 1M words costs no per-span numpy calls)."""
        ranked = self.ranked(features, top)
        return ranked.build(range(len(ranked)))

    def ranked(self, features: DocFeatures, top: int | None = None) -> Ranked:
        """The chosen spans of a document, best first, with their figures as arrays (``Ranked.build``
        makes the suggestions of any rows of it, so a caller may build them in parts)."""
        if not features.size:
            empty = UnitScores(np.zeros(0), np.zeros((0, len(KINDS))), np.zeros((0, len(self.index.codes))))
            return Ranked(features, self.index, empty, [], np.zeros(0, dtype=np.int64), [], [], [], [])
        scores = self.scores(features)
        groups = _groups(features)
        relevance = scoring.group_max(scores.relevance, groups)
        order = np.argsort(-relevance, kind="stable")
        order = order[relevance[order] >= self.min_score]
        chosen = order[:top] if top is not None else order
        labels = scoring.group_max(scores.labels, groups)[chosen].tolist()
        fits = scoring.group_max(scores.codes, groups)[chosen]
        picks = scoring.scored_codes(fits, self.index.kinds, MAX_CODES, MIN_CODE_SCORE)
        hints = _hints(features, scores, groups, chosen, len(self.index.codes))
        features.first_cues()  # fill the caches ``explain`` reads, once (before any fork)
        features.codes_matched([])
        return Ranked(
            features,
            self.index,
            scores,
            groups,
            chosen,
            labels,
            picks,
            relevance[chosen].tolist(),
            hints,
        )


@dataclass
class Ranked:
    """A document's chosen spans (``chosen``: group numbers, best first) and their per-span figures."""

    features: DocFeatures
    index: CodebookIndex
    unit_scores: UnitScores
    groups: list[list[int]]
    chosen: np.ndarray
    labels: list[list[float]]
    picks: list[list[tuple[int, float]]]  # the codes proposed (column, score), best first
    scores: list[float]
    hints: list[tuple[float, int, int]]

    def __len__(self) -> int:
        return len(self.chosen)

    def build(self, rows: range) -> list[SpanSuggestion]:
        """The suggestions of the given rows (ranks), in order."""
        features, groups, codes = self.features, self.groups, self.index.codes
        chosen = self.chosen.tolist()
        out = []
        for row in rows:
            group = groups[chosen[row]]
            start, end = features.units[group[0]].start, features.units[group[-1]].end
            out.append(
                SpanSuggestion(
                    start,
                    end,
                    features.text[start:end],
                    clamp(self.scores[row]),
                    dict(zip(KINDS, (clamp(v) for v in self.labels[row]), strict=True)),
                    tuple(
                        CodeScore(codes[c].name, codes[c].kind, clamp(fit), codes[c].key)
                        for c, fit in self.picks[row]
                    ),
                    tuple(explain(features, self.unit_scores, group, self.index, self.hints[row])),
                )
            )
        return out


def _hints(
    features: DocFeatures, scores: UnitScores, groups: list[list[int]], chosen: np.ndarray, n_codes: int
) -> list[tuple[float, int, int]]:
    """For each chosen span: its best similarity to a code, that code, and how many accepted
    excerpts it resembles (the learned model's count), as group maxima computed at once."""
    if n_codes:
        similar = scoring.group_max(features.similarity, groups)[chosen]
        best, which = similar.max(axis=1).tolist(), similar.argmax(axis=1).tolist()
    else:
        best, which = [0.0] * len(chosen), [-1] * len(chosen)
    if scores.similar is not None:
        accepted = scoring.group_max(scores.similar, groups)[chosen].astype(int).tolist()
    else:
        accepted = [0] * len(chosen)
    return list(zip(best, which, accepted, strict=True))


def _groups(features: DocFeatures) -> list[list[int]]:
    units = features.units
    return scoring.merge_units(
        np.array([u.quote for u in units]),
        np.array([u.paragraph for u in units]),
        features.column("link"),
        features.column("heading"),
        np.array([u.start for u in units]),
        np.array([u.end for u in units]),
    )


def explain(
    features: DocFeatures,
    scores: UnitScores,
    group: list[int],
    index: CodebookIndex,
    hint: tuple[float, int, int] | None = None,
) -> list[str]:
    """Why a span was suggested: its quotation, cues, code matches and learned similarity (``hint``:
    the group's best code similarity, that code and its count of similar accepted excerpts, when
    the caller computed them for many groups at once)."""
    reasons = []
    quotes = {features.units[u].quote for u in group} - {-1}
    for q in sorted(quotes):
        who = features.quotations[q].attribution
        reasons.append(f"participant quotation ({who})" if who else "participant quotation")
    texts = features.cue_texts(group)
    cues = [f"{REASON_NAMES[name]} '{texts[c]}'" for name in REASON_ORDER if (c := CATEGORY[name]) in texts]
    reasons += cues[:MAX_CUE_REASONS]
    matched = features.codes_matched(group)[:2]
    reasons += [f"matches code '{index.codes[i].name}'" for i in matched]
    if hint is None:
        similar = features.similarity[group].max(axis=0) if index.codes else np.zeros(0)
        count = int(scores.similar[group].max()) if scores.similar is not None else 0
        hint = (float(similar.max()), int(similar.argmax()), count) if len(similar) else (0.0, -1, count)
    best, code, count = hint
    if index.codes and best >= 0.25 and code not in matched:
        reasons.append(f"similar to code '{index.codes[code].name}'")
    if count > 0:
        reasons.append(f"similar to {count} accepted excerpt{'s' if count > 1 else ''}")
    return reasons
