"""A per-project model learned from the team's codings and decisions: logistic regression over
each unit's bag of lemmas and rule features, predicting relevance, kind and code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import srsly

from workbench.domain.suggestions import KINDS, mostly_overlaps
from workbench.nlp.features import DocFeatures
from workbench.nlp.scoring import UnitScores, eligibility
from workbench.nlp.sparse import SparseRows
from workbench.nlp.units import Section

FORMAT = 1
SIMILAR = 0.4  # cosine at which a unit "is similar to" an accepted excerpt
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Settings:
    """Training and blending settings."""

    epochs: int = 150
    learning_rate: float = 0.05
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
    """Each unit's TF-IDF bag of known lemmas, scaled to unit length."""
    size = len(vocab)
    if not size or not len(features.bag_lemmas):
        return SparseRows.from_pairs(np.zeros(0), np.zeros(0), np.zeros(0), features.size, max(size, 1))
    where = np.minimum(np.searchsorted(vocab, features.bag_lemmas), size - 1)
    known = vocab[where] == features.bag_lemmas
    counts = SparseRows.from_pairs(
        features.bag_units[known], where[known], np.ones(int(known.sum())), features.size, size
    )
    weighted = SparseRows(counts.indices, np.log1p(counts.values) * idf[counts.indices], counts.indptr, size)
    return weighted.normalised()


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

    def rescore(self, features: DocFeatures, cold: UnitScores, code_keys: list[str]) -> UnitScores:
        """Blend the rules' unit scores (``cold``) with the model's predictions."""
        bag = bag_rows(features, self.vocab, self.idf)
        dense = dense_features(features, cold.relevance, cold.labels, cold.codes)
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
                "arrays": {k: [str(v.dtype), list(v.shape), v.tobytes()] for k, v in arrays.items()},
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedModel:
        """Read a model written by :meth:`to_bytes`."""
        raw = srsly.msgpack_loads(data)
        if raw.get("format") != FORMAT:
            raise ValueError(f"unknown suggestion model format {raw.get('format')!r}")
        a = {
            k: np.frombuffer(b, dtype=np.dtype(t)).reshape(s).copy() for k, (t, s, b) in raw["arrays"].items()
        }
        exemplars = SparseRows(a["ex_indices"], a["ex_values"], a["ex_indptr"], len(a["vocab"]))
        return cls(
            a["vocab"],
            a["idf"],
            a["bag_weights"],
            a["dense_weights"],
            a["bias"],
            list(raw["code_keys"]),
            exemplars,
            Settings(**raw["settings"]),
            int(raw["trained_on"]),
        )


def _vocabulary(examples: list[Example], min_df: int) -> tuple[np.ndarray, np.ndarray]:
    """Lemmas found in at least ``min_df`` units, with their inverse unit frequency."""
    per_unit = [
        np.unique(np.column_stack([e.features.bag_units.astype(np.uint64), e.features.bag_lemmas]), axis=0)
        for e in examples
        if len(e.features.bag_lemmas)
    ]
    if not per_unit:
        return np.zeros(0, dtype=np.uint64), np.zeros(0)
    lemmas, df = np.unique(np.concatenate([p[:, 1] for p in per_unit]), return_counts=True)
    n_units = sum(e.features.size for e in examples)
    keep = df >= min_df
    return lemmas[keep], np.log((1.0 + n_units) / (1.0 + df[keep])) + 1.0


def fit(
    examples: list[Example],
    code_keys: list[str],
    dense: list[np.ndarray],
    settings: Settings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> LearnedModel:
    """Train the model on labelled documents (``dense``: each document's rule features)."""
    vocab, idf = _vocabulary(examples, settings.min_df)
    bag = SparseRows.stack([bag_rows(e.features, vocab, idf) for e in examples], max(len(vocab), 1))
    x_dense = np.vstack(dense)
    y = np.vstack([e.labels for e in examples])
    weights = _weights(y, np.concatenate([e.weights for e in examples]))
    params = _adam(bag, x_dense, y, weights, settings, progress)
    positives = np.flatnonzero(y[:, 0] == 1)
    exemplars = bag.take(positives) if len(positives) else bag.take(np.zeros(0, dtype=np.int64))
    return LearnedModel(vocab, idf, *params, list(code_keys), exemplars, settings, len(positives))


def _weights(y: np.ndarray, unit_weights: np.ndarray) -> np.ndarray:
    """Per-cell loss weights: positives weighed up (at most 5x) so rare codes still count."""
    positives = y.sum(axis=0)
    ratio = np.clip(np.sqrt((len(y) - positives) / np.maximum(positives, 1.0)), 1.0, 5.0)
    return unit_weights[:, None] * np.where(y == 1, ratio, 1.0) / len(y)


def _adam(
    bag: SparseRows,
    dense: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    settings: Settings,
    progress: Progress | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    prior = np.clip(y.mean(axis=0), 1e-3, 1 - 1e-3)
    params = [
        np.zeros((bag.n_columns, y.shape[1])),
        np.zeros((dense.shape[1], y.shape[1])),
        np.log(prior / (1 - prior)),
    ]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    bag_t = bag.transposed()
    for epoch in range(1, settings.epochs + 1):
        p = _sigmoid(bag.dot(params[0]) + dense @ params[1] + params[2])
        g = (p - y) * weights
        grads = [bag_t.dot(g) + settings.l2 * params[0], dense.T @ g + settings.l2 * params[1], g.sum(axis=0)]
        for param, grad, (m, v) in zip(params, grads, moments, strict=True):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad**2
            param -= (
                settings.learning_rate * (m / (1 - 0.9**epoch)) / (np.sqrt(v / (1 - 0.999**epoch)) + 1e-8)
            )
        if progress is not None and epoch % 10 == 0:
            progress(epoch / settings.epochs, f"learning: epoch {epoch} of {settings.epochs}")
    return params[0], params[1], params[2]
