"""Suggest spans to code in a text: run the pipeline, score each unit, merge, rank and explain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    return UnitScores(relevance, labels, codes)


class Suggester:
    """Suggestions for texts, given a pipeline, the codes to propose and an optional trained model."""

    def __init__(
        self,
        nlp: Language,
        codes: Iterable[CodeProfile],
        model: Model | None = None,
        min_score: float = 0.05,
        index: CodebookIndex | None = None,
    ) -> None:
        self.nlp = nlp
        self.index = index if index is not None else CodebookIndex(nlp, codes)
        self.model = model
        self.min_score = min_score

    @property
    def code_keys(self) -> list[str]:
        """The keys of the codes the suggester can propose, in column order."""
        return [code.key for code in self.index.codes]

    def with_model(self, model: Model | None) -> Suggester:
        """The same pipeline and codebook with another trained model (or none)."""
        return Suggester(self.nlp, [], model, self.min_score, self.index)

    def analyse(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[DocFeatures]:
        """Features of each text, streamed through ``nlp.pipe`` (long texts in pieces: ``pipe_texts``)."""
        for doc in pipe_texts(self.nlp, texts, batch_size):
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
        """Ranked suggestions from analysed features."""
        if not features.size:
            return []
        scores = self.scores(features)
        groups = _groups(features)
        relevance = scoring.group_max(scores.relevance, groups)
        order = [int(i) for i in np.argsort(-relevance, kind="stable") if relevance[i] >= self.min_score]
        chosen = order[:top] if top is not None else order
        labels = scoring.group_max(scores.labels, groups)[chosen]
        fits = scoring.group_max(scores.codes, groups)[chosen]
        picks = scoring.choose_codes(fits, self.index.kinds, MAX_CODES, MIN_CODE_SCORE)
        out = []
        for row, i in enumerate(chosen):
            start, end = features.units[groups[i][0]].start, features.units[groups[i][-1]].end
            profiles = [self.index.codes[c] for c in picks[row]]
            codes = tuple(
                CodeScore(p.name, p.kind, clamp(fits[row, c]), p.key)
                for p, c in zip(profiles, picks[row], strict=True)
            )
            out.append(
                SpanSuggestion(
                    start,
                    end,
                    features.text[start:end],
                    clamp(relevance[i]),
                    dict(zip(KINDS, (clamp(v) for v in labels[row].tolist()), strict=True)),
                    codes,
                    tuple(explain(features, scores, groups[i], self.index)),
                )
            )
        return out


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


def explain(features: DocFeatures, scores: UnitScores, group: list[int], index: CodebookIndex) -> list[str]:
    """Why a span was suggested: its quotation, cues, code matches and learned similarity."""
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
    similar = features.similarity[group].max(axis=0) if index.codes else np.zeros(0)
    if len(similar) and similar.max() >= 0.25 and int(similar.argmax()) not in matched:
        reasons.append(f"similar to code '{index.codes[int(similar.argmax())].name}'")
    if scores.similar is not None and (count := int(scores.similar[group].max())) > 0:
        reasons.append(f"similar to {count} accepted excerpt{'s' if count > 1 else ''}")
    return reasons
