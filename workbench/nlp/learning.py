"""A per-project model learned from the team's codings and decisions: scikit-learn's logistic
regression over each unit's TF-IDF bag of lemmas and rule features, predicting relevance, kind and code."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import srsly
from scipy import sparse

from workbench.domain.errors import Invalid
from workbench.domain.suggestions import KINDS, mostly_overlaps
from workbench.nlp.features import DocFeatures
from workbench.nlp.scoring import UnitScores, eligibility
from workbench.nlp.sparse import SparseRows
from workbench.nlp.units import Section

# Format 1 (hand-written Adam over the same arrays) scores exactly as format 2; format 3 adds the
# project's decided excerpts and configurations (naming.Exemplars bytes, opaque here): all still load.
FORMAT = 3
READABLE_FORMATS = (1, 2, 3)
SIMILAR = 0.4  # cosine at which a unit "is similar to" an accepted excerpt
Progress = Callable[[float, str], None]


class ModelOutdated(Invalid):
    """A stored model this version cannot read or apply (an older or unknown format): retrain."""


RETRAIN = (
    "The project's suggestion model was stored by another version of the workbench and cannot be "
    "used: retrain it (Suggestions page, Retrain)."
)


@dataclass(frozen=True)
class Settings:
    """Training and blending settings (``epochs``: at most this many L-BFGS iterations per output)."""

    epochs: int = 150
    l2: float = 3e-3
    min_df: int = 2
    blend: float = 0.7  # weight of the learned relevance and kinds against the rules
    code_blend: float = 0.2  # weight of the learned codes against the codebook
    rejected_weight: float = 2.0


DEFAULT_SETTINGS = Settings()


@dataclass
class Example:
    """The labels of one document's units: relevant, kinds, codes, and each unit's weight."""

    features: DocFeatures
    labels: np.ndarray
    weights: np.ndarray


def dense_features(
    features: DocFeatures, relevance: np.ndarray, labels: np.ndarray, codes: np.ndarray
) -> np.ndarray:
    """Rule features of each unit: cues, quotation, heading, link, section, length, rule scores."""
    sections = np.eye(len(Section))[features.column("section")]
    best = codes.max(axis=1, keepdims=True) if codes.shape[1] else np.zeros((features.size, 1))
    return np.column_stack(
        [
            np.minimum(features.cue_counts, 3.0) / 3.0,
            features.column("quote"),
            features.column("heading"),
            features.column("link"),
            sections,
            np.minimum(features.words, 40) / 40.0,
            relevance,
            labels,
            best,
        ]
    )


def bag_rows(features: DocFeatures, vocab: np.ndarray, idf: np.ndarray) -> SparseRows:
    """Each unit's TF-IDF bag of known lemmas, scaled to unit length: what the fitted
    ``TfidfTransformer`` of :func:`fit` makes of ``log1p`` counts, without importing scikit-learn."""
    counts = count_rows(features, vocab)
    weighted = SparseRows(
        counts.indices, np.log1p(counts.values) * idf[counts.indices], counts.indptr, counts.n_columns
    )
    return weighted.normalised()


def count_rows(features: DocFeatures, vocab: np.ndarray) -> SparseRows:
    """How often each unit holds each lemma of ``vocab`` (sorted lemma hashes; others are dropped)."""
    size = len(vocab)
    if not size or not len(features.bag_lemmas):
        return SparseRows.from_pairs(np.zeros(0), np.zeros(0), np.zeros(0), features.size, max(size, 1))
    where = np.minimum(np.searchsorted(vocab, features.bag_lemmas), size - 1)
    known = vocab[where] == features.bag_lemmas
    return SparseRows.from_pairs(
        features.bag_units[known], where[known], np.ones(int(known.sum())), features.size, size
    )


def unit_labels(
    features: DocFeatures,
    excerpts: Sequence[tuple[int, int, Sequence[str]]],
    rejected: Sequence[tuple[int, int]],
    code_kinds: dict[str, str],
    code_keys: list[str],
    settings: Settings,
) -> Example:
    """Label units from a document's coded excerpts (positive) and rejected suggestions (negative,
    weighted up); every other unit of a coded document is a plain negative."""
    column = {key: 4 + i for i, key in enumerate(code_keys)}
    labels = np.zeros((features.size, 4 + len(code_keys)))
    weights = np.ones(features.size)
    for u, unit in enumerate(features.units):
        span = (unit.start, unit.end)
        for start, end, codes in excerpts:
            if mostly_overlaps(span, (start, end)):
                labels[u, 0] = 1.0
                for code in codes:
                    if code_kinds.get(code) in KINDS:
                        labels[u, 1 + KINDS.index(code_kinds[code])] = 1.0
                    if code in column:
                        labels[u, column[code]] = 1.0
        if not labels[u, 0] and any(mostly_overlaps(span, r) for r in rejected):
            weights[u] = settings.rejected_weight
    return Example(features, labels, weights)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


@dataclass
class LearnedModel:
    """Weights over lemmas and rule features, the codes they rank, and accepted-excerpt exemplars."""

    vocab: np.ndarray
    idf: np.ndarray
    bag_weights: np.ndarray
    dense_weights: np.ndarray
    bias: np.ndarray
    code_keys: list[str]
    exemplars: SparseRows
    settings: Settings = field(default_factory=Settings)
    trained_on: int = 0
    remembered: bytes = b""  # naming.Exemplars.to_bytes() of the project's decisions (b"": none)
    remembered_keys: list[str] = field(default_factory=list)  # the code keys of its columns

    def rescore(self, features: DocFeatures, cold: UnitScores, code_keys: list[str]) -> UnitScores:
        """Blend the rules' unit scores (``cold``) with the model's predictions."""
        bag = bag_rows(features, self.vocab, self.idf)
        dense = dense_features(features, cold.relevance, cold.labels, cold.codes)
        if dense.shape[1] != self.dense_weights.shape[0]:  # trained on another set of rule features
            raise ModelOutdated(RETRAIN)
        p = _sigmoid(bag.dot(self.bag_weights) + dense @ self.dense_weights + self.bias)
        a, b = self.settings.blend, self.settings.code_blend
        eligible = eligibility(
            features.column("weight"), features.words.astype(float), features.column("heading")
        )
        relevance = eligible * (a * p[:, 0] + (1 - a) * cold.relevance)
        labels = a * p[:, 1:4] + (1 - a) * cold.labels
        codes = cold.codes.copy()
        given = np.clip(p[:, 4:] / np.maximum(p[:, :1], 0.05), 0.0, 1.0)
        for i, key in enumerate(self.code_keys):
            if key in code_keys:
                j = code_keys.index(key)
                codes[:, j] = b * given[:, i] + (1 - b) * cold.codes[:, j]
        return UnitScores(relevance, labels, codes, self.similar_counts(bag), learned=True)

    def similar_counts(self, bag: SparseRows) -> np.ndarray:
        """How many accepted excerpts each unit resembles (cosine >= 0.4)."""
        if not self.exemplars.n_rows or not bag.n_rows:
            return np.zeros(bag.n_rows)
        return (bag.cross(self.exemplars.transposed()) >= SIMILAR).sum(axis=1).astype(float)

    def to_bytes(self) -> bytes:
        """The model as msgpack bytes (arrays as raw buffers; no pickle)."""
        arrays = {
            "vocab": self.vocab,
            "idf": self.idf,
            "bag_weights": self.bag_weights,
            "dense_weights": self.dense_weights,
            "bias": self.bias,
            "ex_indices": self.exemplars.indices,
            "ex_values": self.exemplars.values,
            "ex_indptr": self.exemplars.indptr,
        }
        return srsly.msgpack_dumps(
            {
                "format": FORMAT,
                "code_keys": self.code_keys,
                "trained_on": self.trained_on,
                "settings": self.settings.__dict__,
                "remembered": self.remembered,
                "remembered_keys": self.remembered_keys,
                "arrays": {k: [str(v.dtype), list(v.shape), v.tobytes()] for k, v in arrays.items()},
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedModel:
        """Read a model written by :meth:`to_bytes` (msgpack only: nothing is unpickled); bytes of
        another format are refused with :class:`ModelOutdated`, asking for a retraining."""
        try:
            raw = srsly.msgpack_loads(data)
            if not isinstance(raw, dict) or raw.get("format") not in READABLE_FORMATS:
                raise ValueError(f"format {raw.get('format') if isinstance(raw, dict) else None!r}")
            return cls._from_raw(raw)
        except (ValueError, TypeError, KeyError) as exc:  # msgpack's errors are ValueErrors
            raise ModelOutdated(RETRAIN) from exc

    @classmethod
    def _from_raw(cls, raw: dict[str, Any]) -> LearnedModel:
        a = {
            k: np.frombuffer(b, dtype=np.dtype(t)).reshape(s).copy() for k, (t, s, b) in raw["arrays"].items()
        }
        exemplars = SparseRows(a["ex_indices"], a["ex_values"], a["ex_indptr"], len(a["vocab"]))
        known = {f.name for f in fields(Settings)}
        return cls(
            a["vocab"],
            a["idf"],
            a["bag_weights"],
            a["dense_weights"],
            a["bias"],
            list(raw["code_keys"]),
            exemplars,
            Settings(**{k: v for k, v in raw["settings"].items() if k in known}),
            int(raw["trained_on"]),
            bytes(raw.get("remembered", b"")),
            [str(k) for k in raw.get("remembered_keys", [])],
        )


def _vocabulary(examples: list[Example], min_df: int) -> np.ndarray:
    """Lemma hashes (sorted) found in at least ``min_df`` units."""
    lemmas = [np.unique(e.features.bag_lemmas) for e in examples if len(e.features.bag_lemmas)]
    if not lemmas:
        return np.zeros(0, dtype=np.uint64)
    every = np.unique(np.concatenate(lemmas))
    counts = SparseRows.stack([count_rows(e.features, every) for e in examples], len(every))
    return every[np.bincount(counts.indices, minlength=len(every)) >= min_df]


def fit(
    examples: list[Example],
    code_keys: list[str],
    dense: list[np.ndarray],
    settings: Settings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> LearnedModel:
    """Train the model on labelled documents (``dense``: each document's rule features)."""
    from sklearn.feature_extraction.text import TfidfTransformer  # seconds to import: only when training

    vocab = _vocabulary(examples, settings.min_df)
    counts = SparseRows.stack([count_rows(e.features, vocab) for e in examples], max(len(vocab), 1))
    if len(vocab):
        tfidf = TfidfTransformer(norm="l2", smooth_idf=True, sublinear_tf=False)
        bag = SparseRows.of(tfidf.fit_transform(counts.matrix.log1p()))
        idf = np.asarray(tfidf.idf_, dtype=np.float64)
    else:
        bag, idf = counts, np.zeros(0)
    y = np.vstack([e.labels for e in examples])
    weights = _weights(y, np.concatenate([e.weights for e in examples]))
    x = sparse.hstack([bag.matrix, sparse.csr_array(np.vstack(dense))], format="csr")
    coef, bias = _logistic(x, y, weights, settings, progress)
    positives = np.flatnonzero(y[:, 0] == 1)
    exemplars = bag.take(positives)
    n_bag = bag.n_columns
    return LearnedModel(
        vocab, idf, coef[:n_bag], coef[n_bag:], bias, list(code_keys), exemplars, settings, len(positives)
    )


def _weights(y: np.ndarray, unit_weights: np.ndarray) -> np.ndarray:
    """Per-cell loss weights: positives weighed up (at most 5x) so rare codes still count."""
    positives = y.sum(axis=0)
    ratio = np.clip(np.sqrt((len(y) - positives) / np.maximum(positives, 1.0)), 1.0, 5.0)
    return unit_weights[:, None] * np.where(y == 1, ratio, 1.0) / len(y)


def _logistic(
    x: sparse.csr_array, y: np.ndarray, weights: np.ndarray, settings: Settings, progress: Progress | None
) -> tuple[np.ndarray, np.ndarray]:
    """One L2-regularised logistic regression per output column (relevance, kinds, codes), minimising
    ``sum(weights * log loss) + l2 / 2 * |w|^2`` (so ``C = 1 / l2``); a column with a single class
    keeps zero weights and its clipped prior as bias."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    coef, bias = np.zeros((x.shape[1], y.shape[1])), np.zeros(y.shape[1])
    # One BLAS thread: these solves are small, and BLAS threads fighting over a busy server's cores
    # made training five times slower. A bounded solve is enough: the ranking is what counts.
    with warnings.catch_warnings(), threadpool_limits(1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for j in range(y.shape[1]):
            column = y[:, j]
            if column.min() == column.max():
                prior = float(np.clip(column.mean(), 1e-3, 1 - 1e-3))
                bias[j] = np.log(prior / (1 - prior))
            else:
                model = LogisticRegression(C=1.0 / settings.l2, max_iter=settings.epochs)
                model.fit(x, column, sample_weight=weights[:, j])
                coef[:, j], bias[j] = model.coef_[0], model.intercept_[0]
            if progress is not None:
                progress((j + 1) / y.shape[1], f"learning: output {j + 1} of {y.shape[1]}")
    return coef, bias
