"""Naming units with codes: BM25 over lemmas against the codebook's words and its sub-code tree,
the project's accepted excerpts as neighbours (rejected ones as counter-examples), and the
configurations already built as priors on which codes go together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import srsly
from scipy import sparse
from spacy.strings import StringStore, hash_string  # type: ignore[attr-defined]

if TYPE_CHECKING:
    from workbench.nlp.features import DocFeatures
    from workbench.nlp.scoring import UnitScores
    from workbench.nlp.suggester import Model

K1, B = 1.2, 0.75
FORMAT = 1
NEIGHBOURS = 7  # how many decided excerpts vote on a unit's codes


_ENDINGS = (
    "ments ment ness ities ity ions ion ingly ing edly ed fully ful less ally al ively ive ises ised ise izes"
    " ized ize ers er ly ences ence ency ent ances ance ant ables able ible es s e"
)
SUFFIXES = tuple(sorted(_ENDINGS.split(" "), key=len, reverse=True))
MIN_STEM = 4


def stem(word: str) -> str:
    """A crude English stem, so that "judgement", "judgemental" and "judging" meet: suffixes are
    stripped (at most three times) while at least four letters are left."""
    for _ in range(3):
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


class Stems:
    """Maps lemma hashes to the hashes of their stems (cached per lemma)."""

    def __init__(self, strings: StringStore) -> None:
        self.strings = strings
        self.cache: dict[int, int] = {}

    def __call__(self, lemmas: np.ndarray) -> np.ndarray:
        if not len(lemmas):
            return np.zeros(0, dtype=np.uint64)
        unique, inverse = np.unique(lemmas, return_inverse=True)
        return np.array([self._one(int(h)) for h in unique], dtype=np.uint64)[inverse]

    def _one(self, lemma: int) -> int:
        found = self.cache.get(lemma)
        if found is None:
            try:
                text = self.strings[lemma]
            except KeyError:
                text = ""
            found = hash_string(stem(text)) if text else lemma
            self.cache[lemma] = found
        return found


def bag_matrix(units: np.ndarray, lemmas: np.ndarray, n_units: int, vocab: np.ndarray) -> sparse.csr_matrix:
    """Units x vocab counts of the known lemmas (``units[i]`` is the unit of ``lemmas[i]``)."""
    size = len(vocab)
    if not size or not len(lemmas):
        return sparse.csr_matrix((n_units, max(size, 1)))
    where = np.minimum(np.searchsorted(vocab, lemmas), size - 1)
    known = vocab[where] == lemmas
    ones = np.ones(int(known.sum()))
    return sparse.csr_matrix((ones, (units[known], where[known])), shape=(n_units, size))


class Bm25:
    """Okapi BM25 of short queries (units) against a handful of documents (codes, or groups of codes)
    described by lemma hashes; a document's words may be weighted (a name counts more than a
    parent's description)."""

    def __init__(self, documents: Sequence[np.ndarray], weights: Sequence[np.ndarray] | None = None) -> None:
        lemmas = [np.asarray(d, dtype=np.uint64) for d in documents]
        weighted = [np.ones(len(d)) for d in lemmas] if weights is None else [np.asarray(w) for w in weights]
        everything = np.concatenate(lemmas) if lemmas else np.zeros(0, dtype=np.uint64)
        self.vocab = np.unique(everything)
        n_docs, size = len(lemmas), len(self.vocab)
        rows = np.repeat(np.arange(n_docs), [len(d) for d in lemmas])
        columns = np.searchsorted(self.vocab, everything)
        values = np.concatenate(weighted) if weighted else np.zeros(0)
        tf = sparse.csr_matrix((values, (rows, columns)), shape=(n_docs, max(size, 1))).toarray()
        self._fit(tf)

    def _fit(self, tf: np.ndarray) -> None:
        n_docs, size = tf.shape[0], len(self.vocab)
        length = tf.sum(axis=1, keepdims=True)
        average = float(length.mean()) if n_docs else 1.0
        df = (tf > 0).sum(axis=0)
        self.idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
        saturation = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / max(average, 1e-9)))
        self.weights = saturation * self.idf  # docs x vocab
        best = self.weights.max(axis=0) if n_docs else np.zeros(size)
        self.best = best  # the most a query word can add, to scale scores into [0, 1]

    def scores(self, bag: sparse.csr_matrix) -> np.ndarray:
        """Units x documents: the BM25 score of each unit's (distinct) words, divided by what its
        words could score at most, so 1 means every known word of the unit matches as well as any
        document lets it."""
        if not len(self.vocab):
            return np.zeros((bag.shape[0], self.weights.shape[0]))
        present = (bag > 0).astype(float)
        raw = np.asarray(present @ self.weights.T)
        ceiling = np.asarray(present @ self.best).ravel()
        return raw / np.where(ceiling > 0, ceiling, 1.0)[:, None]


def spread_over_tree(leaf: np.ndarray, group: np.ndarray, members: np.ndarray, weight: float) -> np.ndarray:
    """A leaf's score plus ``weight`` times its group's: a match on a sibling or on the parent's words
    is evidence for the whole family (``members[i]``: the group of code i, -1 for none)."""
    if not group.shape[1]:
        return leaf
    family = np.where(members >= 0, group[:, np.maximum(members, 0)], 0.0)
    return leaf + weight * family


def under_headings(scores: np.ndarray, heading: np.ndarray, weight: float) -> np.ndarray:
    """Each unit's scores plus ``weight`` times those of the heading it sits under (``heading[i]``:
    that heading's unit, -1 for none): a theme's title often names its code."""
    if not len(scores) or weight == 0:
        return scores
    lent = np.where((heading >= 0)[:, None], scores[np.maximum(heading, 0)], 0.0)
    return scores + weight * lent


def paragraph_context(scores: np.ndarray, paragraph: np.ndarray, weight: float) -> np.ndarray:
    """Each unit's scores plus ``weight`` times the mean of its paragraph's other units: the
    sentence that frames a quotation names what the quotation shows."""
    if not len(scores) or weight == 0:
        return scores
    _, inverse, counts = np.unique(paragraph, return_inverse=True, return_counts=True)
    sums = np.zeros((len(counts), scores.shape[1]))
    np.add.at(sums, inverse, scores)
    others = (sums[inverse] - scores) / np.maximum(counts[inverse] - 1, 1)[:, None]
    return scores + weight * others


@dataclass
class Exemplars:
    """What a project has already decided, to name new units by: the bags of lemmas of accepted
    excerpts (with their codes) and of rejected suggestions (with the codes they were offered), and
    how often codes go together in configurations."""

    vocab: np.ndarray  # lemma hashes
    counts: sparse.csr_matrix  # excerpts x vocab: how often each lemma occurs
    codes: np.ndarray  # excerpts x codes: +1 accepted with the code, -1 rejected when offered it
    prior: np.ndarray  # codes x codes: how strongly code j goes with code i, in [0, 1]

    def __post_init__(self) -> None:
        df = np.asarray((self.counts > 0).sum(axis=0)).ravel()
        self.idf = np.log((1.0 + self.counts.shape[0]) / (1.0 + df)) + 1.0
        self.rows = _tfidf(self.counts, self.idf)  # excerpts x vocab, TF-IDF, unit length

    @classmethod
    def build(
        cls,
        bags: Sequence[tuple[np.ndarray, np.ndarray]],
        n_codes: int,
        configurations: Sequence[Sequence[int]] = (),
    ) -> Exemplars:
        """From each decided excerpt's ``(lemma hashes, signed code row)`` and each configuration's
        code columns (a context, its mechanisms and outcomes)."""
        kept = [(lemmas, row) for lemmas, row in bags if len(lemmas)]
        vocab = np.unique(np.concatenate([b for b, _ in kept])) if kept else np.zeros(0, dtype=np.uint64)
        counts = sparse.vstack(
            [bag_matrix(np.zeros(len(b), dtype=np.int64), b, 1, vocab) for b, _ in kept]
        ).tocsr() if kept else sparse.csr_matrix((0, max(len(vocab), 1)))  # fmt: skip
        codes = np.array([row for _, row in kept]) if kept else np.zeros((0, n_codes))
        return cls(vocab, counts, codes, _prior(configurations, n_codes))

    def neighbours(self, bag: sparse.csr_matrix, k: int | None = None) -> np.ndarray:
        """Units x codes in [-1, 1]: the similarity-weighted vote of each unit's k nearest decided
        excerpts (accepted for their codes, rejected against the codes they were offered)."""
        n_units, n_codes = bag.shape[0], self.codes.shape[1]
        if not self.rows.shape[0] or not n_units:
            return np.zeros((n_units, n_codes))
        similarity = np.asarray((_tfidf(bag, self.idf) @ self.rows.T).todense())
        k = min(k or NEIGHBOURS, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        weights = np.take_along_axis(similarity, nearest, axis=1)
        votes = np.einsum("uk,ukc->uc", weights, self.codes[nearest])
        return votes / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9) * weights.max(axis=1)[:, None]

    def with_priors(self, scores: np.ndarray, kinds: np.ndarray, weight: float) -> np.ndarray:
        """Scores raised for codes that configurations pair with the unit's likely codes of the
        other kinds (a mechanism that goes with the context it names)."""
        if weight == 0 or not self.prior.any():
            return scores
        other = kinds[:, None] != kinds[None, :]
        return scores + weight * (scores @ (self.prior * other)) / max(1.0, float(scores.shape[1]) ** 0.5)

    def to_bytes(self) -> bytes:
        """As msgpack bytes (arrays as raw buffers; no pickle)."""
        arrays = {
            "vocab": self.vocab,
            "data": self.counts.data,
            "indices": self.counts.indices,
            "indptr": self.counts.indptr,
            "codes": self.codes,
            "prior": self.prior,
        }
        return srsly.msgpack_dumps(
            {
                "format": FORMAT,
                "arrays": {k: [str(v.dtype), list(v.shape), v.tobytes()] for k, v in arrays.items()},
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Exemplars:
        """Read what :meth:`to_bytes` wrote."""
        raw = srsly.msgpack_loads(data)
        if raw.get("format") != FORMAT:
            raise ValueError(f"unknown exemplar format {raw.get('format')!r}")
        a = {
            k: np.frombuffer(b, dtype=np.dtype(t)).reshape(s).copy() for k, (t, s, b) in raw["arrays"].items()
        }
        counts = sparse.csr_matrix(
            (a["data"], a["indices"], a["indptr"]), shape=(len(a["codes"]), max(len(a["vocab"]), 1))
        )
        return cls(a["vocab"], counts, a["codes"], a["prior"])


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    weighted = sparse.csr_matrix(counts, dtype=float, copy=True)
    if weighted.nnz:
        weighted.data = np.log1p(weighted.data) * idf[weighted.indices]
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ weighted)


def _prior(configurations: Sequence[Sequence[int]], n_codes: int) -> np.ndarray:
    together = np.zeros((n_codes, n_codes))
    for columns in configurations:
        present = sorted({c for c in columns if 0 <= c < n_codes})
        for i in present:
            for j in present:
                if i != j:
                    together[i, j] += 1.0
    totals = together.sum(axis=1, keepdims=True)
    return together / np.where(totals > 0, totals, 1.0)


NEIGHBOUR_WEIGHT = 1.0  # how much the nearest decided excerpts' vote moves a code's score
PRIOR_WEIGHT = 1.5  # how much configurations' pairings move it


def unit_bags(features: DocFeatures, spans: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    """The lemma hashes of the units lying mostly inside each span."""
    starts = np.array([u.start for u in features.units], dtype=np.int64)
    ends = np.array([u.end for u in features.units], dtype=np.int64)
    out = []
    for start, end in spans:
        shared = np.minimum(ends, end) - np.maximum(starts, start)
        inside = np.flatnonzero(shared * 2 >= np.minimum(ends - starts, end - start))
        out.append(features.bag_lemmas[np.isin(features.bag_units, inside)])
    return out


def exemplars_from(
    documents: Sequence[
        tuple[DocFeatures, Sequence[tuple[int, int, Sequence[str]]], Sequence[tuple[int, int]]]
    ],
    code_keys: Sequence[str],
    configurations: Sequence[Sequence[str]] = (),
    kinds: np.ndarray | None = None,
) -> Exemplars:
    """Exemplars from each document's features, coded excerpts ``(start, end, code keys)`` and
    rejected spans, and from configurations given as the code keys each joins. A rejected span is
    held against the code of each kind the codebook names it by (``kinds``: each code's kind;
    without them rejections are left out)."""
    column = {key: i for i, key in enumerate(code_keys)}
    bags: list[tuple[np.ndarray, np.ndarray]] = []
    for features, excerpts, rejected in documents:
        for lemmas, (_s, _e, codes) in zip(
            unit_bags(features, [(s, e) for s, e, _ in excerpts]), excerpts, strict=True
        ):
            bags.append((lemmas, _row([column[c] for c in codes if c in column], len(code_keys), 1.0)))
        if kinds is not None:
            for lemmas, (s, e) in zip(unit_bags(features, rejected), rejected, strict=True):
                bags.append((lemmas, _row(offered(features, s, e, kinds), len(code_keys), -1.0)))
    configured = [[column[c] for c in config if c in column] for config in configurations]
    return Exemplars.build(bags, len(code_keys), configured)


def offered(features: DocFeatures, start: int, end: int, kinds: np.ndarray) -> list[int]:
    """The code of each kind the codebook alone names the units inside ``[start, end)`` by: what a
    cold-start suggestion of that span proposed."""
    units = [i for i, u in enumerate(features.units) if start <= u.start and u.end <= end]
    if not units or not features.naming.shape[1]:
        return []
    fits = features.naming[units].max(axis=0)
    return [int(np.flatnonzero(kinds == k)[fits[kinds == k].argmax()]) for k in np.unique(kinds)]


def _row(columns: Sequence[int], size: int, sign: float) -> np.ndarray:
    row = np.zeros(size)
    row[list(columns)] = sign
    return row


@dataclass
class Remembering:
    """A model that names units also by the project's decided excerpts and configurations, on top
    of an optional trained model (``base``)."""

    exemplars: Exemplars
    kinds: np.ndarray
    base: Model | None = None

    def rescore(self, features: DocFeatures, cold: UnitScores, code_keys: list[str]) -> UnitScores:
        """The base model's scores with codes moved towards the neighbours' and configurations'."""
        scores = self.base.rescore(features, cold, code_keys) if self.base is not None else cold
        bag = bag_matrix(features.bag_units, features.bag_lemmas, features.size, self.exemplars.vocab)
        votes = self.exemplars.neighbours(bag)
        codes = np.clip(scores.codes + NEIGHBOUR_WEIGHT * votes, 0.0, None)
        codes = self.exemplars.with_priors(codes, self.kinds, PRIOR_WEIGHT)
        return replace(scores, codes=np.clip(codes, 0.0, 1.0))
