"""Train a project's suggestion model: label units from codings and decisions, measure it on
held-out studies, then fit it on everything, remembering decided excerpts and configurations."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from workbench.domain.errors import Invalid
from workbench.nlp.evaluation import GoldSpan, gold_span, kind_counts, precision_recall, recall_at
from workbench.nlp.features import DocFeatures
from workbench.nlp.learning import (
    DEFAULT_SETTINGS,
    Example,
    LearnedModel,
    Progress,
    Settings,
    dense_features,
    fit,
    unit_labels,
)
from workbench.nlp.naming import Exemplars, Remembering, exemplars_from
from workbench.nlp.suggester import Model, Suggester, cold_scores


class NothingToLearn(Invalid):
    """The project has no coded excerpts to learn from yet."""


@dataclass(frozen=True)
class TrainingDoc:
    """A coded document: its study (held-out splits keep a study together), text, coded
    excerpts ``(start, end, code keys)`` and rejected suggestion spans."""

    group: str
    text: str
    excerpts: tuple[tuple[int, int, tuple[str, ...]], ...]
    rejected: tuple[tuple[int, int], ...] = ()


@dataclass
class TrainingResult:
    """The model fitted on every document, and its held-out metrics."""

    model: LearnedModel
    metrics: dict[str, Any]


def _quiet(_fraction: float, _message: str) -> None:
    return None


def held_out_groups(groups: Sequence[str], every: int = 5) -> set[str]:
    """Every ``every``-th study (sorted), at least one, kept out to measure the model; none when
    there are fewer than two studies."""
    ordered = sorted(set(groups))
    if len(ordered) < 2:
        return set()
    chosen = {g for i, g in enumerate(ordered) if i % every == every - 1}
    return chosen or {ordered[-1]}


def train(
    suggester: Suggester,
    docs: Sequence[TrainingDoc],
    code_kinds: dict[str, str],
    settings: Settings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    configurations: Sequence[Sequence[str]] = (),
) -> TrainingResult:
    """Fit a model for ``suggester``'s codebook (``code_kinds``: code key -> kind). The model also
    carries the documents' coded excerpts (as neighbours), rejected spans (as counter-examples) and
    ``configurations`` (the code keys each joins, as priors): see :func:`remembering`."""
    report = progress or _quiet
    began = time.perf_counter()
    if not any(d.excerpts for d in docs):
        raise NothingToLearn("nothing to learn from yet: code some excerpts or accept suggestions first")
    report(0.0, f"reading {len(docs)} documents")
    features = []
    for i, feature in enumerate(suggester.analyse(d.text for d in docs)):
        features.append(feature)
        report(0.3 * (i + 1) / len(docs), f"read {i + 1} of {len(docs)} documents")
    used = {code for d in docs for _s, _e, codes in d.excerpts for code in codes}
    keys = [key for key in suggester.code_keys if key in used]
    examples = [
        unit_labels(f, d.excerpts, d.rejected, code_kinds, keys, settings)
        for f, d in zip(features, docs, strict=True)
    ]
    dense = [_dense(suggester, f) for f in features]
    held = held_out_groups([d.group for d in docs])
    metrics = _held_out(suggester, docs, features, examples, dense, keys, code_kinds, held, settings, report)
    report(0.6, "fitting on every study")
    model = fit(examples, keys, dense, settings, lambda f, m: report(0.6 + 0.4 * f, m))
    exemplars = _exemplars(suggester, docs, features, configurations)
    model = replace(model, remembered=exemplars.to_bytes(), remembered_keys=suggester.code_keys)
    metrics.update(
        units=sum(f.size for f in features),
        excerpts=model.trained_on,
        seconds=round(time.perf_counter() - began, 2),
    )
    report(1.0, "done")
    return TrainingResult(model, metrics)


def _exemplars(
    suggester: Suggester,
    docs: Sequence[TrainingDoc],
    features: Sequence[DocFeatures],
    configurations: Sequence[Sequence[str]] = (),
) -> Exemplars:
    documents = [(f, d.excerpts, d.rejected) for f, d in zip(features, docs, strict=True)]
    return exemplars_from(documents, suggester.code_keys, configurations, suggester.index.kinds)


def remembering(model: LearnedModel, code_keys: Sequence[str], kinds: np.ndarray) -> Model:
    """The stored model naming units also by what it remembered (neighbours, counter-examples,
    priors), its columns moved onto today's codebook (``code_keys``, their ``kinds``): codes added
    since training have no neighbours, removed ones are dropped. A model without memories as is."""
    if not model.remembered:
        return model
    stored = Exemplars.from_bytes(model.remembered)
    column = {key: i for i, key in enumerate(model.remembered_keys)}
    where = np.array([column.get(key, -1) for key in code_keys], dtype=np.int64)
    known = where >= 0
    codes = np.zeros((stored.codes.shape[0], len(code_keys)))
    codes[:, known] = stored.codes[:, where[known]]
    prior = np.zeros((len(code_keys), len(code_keys)))
    prior[np.ix_(known, known)] = stored.prior[np.ix_(where[known], where[known])]
    exemplars = Exemplars(stored.vocab, stored.counts, codes, prior)
    return Remembering(exemplars, np.asarray(kinds), model)


def _dense(suggester: Suggester, features: DocFeatures) -> Any:
    cold = cold_scores(features, suggester.index)
    return dense_features(features, cold.relevance, cold.labels, cold.codes)


def _held_out(
    suggester: Suggester,
    docs: Sequence[TrainingDoc],
    features: Sequence[DocFeatures],
    examples: list[Example],
    dense: list[Any],
    keys: list[str],
    code_kinds: dict[str, str],
    held: set[str],
    settings: Settings,
    report: Progress,
) -> dict[str, Any]:
    """Fit without the held-out studies, remembering the other studies' excerpts and rejections (not
    the configurations, which may rest on held-out studies), and compare with the rules alone on them."""
    inside = [i for i, d in enumerate(docs) if d.group not in held]
    outside = [i for i, d in enumerate(docs) if d.group in held and d.excerpts]
    if not held or not outside or not any(docs[i].excerpts for i in inside):
        return {"held_out": {"studies": 0, "excerpts": 0}}
    report(0.3, f"measuring on {len(held)} held-out studies")
    model = fit(
        [examples[i] for i in inside],
        keys,
        [dense[i] for i in inside],
        settings,
        lambda f, m: report(0.3 + 0.3 * f, f"held-out check, {m}"),
    )
    remembered = _exemplars(suggester, [docs[i] for i in inside], [features[i] for i in inside])
    trained = suggester.with_model(Remembering(remembered, suggester.index.kinds, model))
    cold = suggester.with_model(None)
    counts: dict[str, list[Any]] = {"trained": [], "cold": []}
    recall = {"trained": [0, 0], "cold": [0, 0]}
    for i in outside:
        gold = _gold(docs[i], code_kinds)
        for name, which in (("trained", trained), ("cold", cold)):
            suggestions = which.from_features(examples[i].features)
            counts[name].append(kind_counts(suggestions, gold))
            found, total = recall_at(suggestions, gold, 20)
            recall[name] = [recall[name][0] + found, recall[name][1] + total]
    return {
        "held_out": {"studies": len(held), "excerpts": recall["trained"][1]},
        "kinds": precision_recall(counts["trained"]),
        "cold_start": precision_recall(counts["cold"]),
        "recall_at_20": {k: round(f / t, 4) if t else 0.0 for k, (f, t) in recall.items()},
    }


def _gold(doc: TrainingDoc, code_kinds: dict[str, str]) -> list[GoldSpan]:
    return [gold_span(s, e, [(c, code_kinds.get(c, "other")) for c in codes]) for s, e, codes in doc.excerpts]
