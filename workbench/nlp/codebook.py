"""The codebook as the suggester sees it: phrase matchers over code names and examples, and
TF-IDF profiles of each code for sentence-code similarity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IS_ALPHA, IS_STOP, LEMMA, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from workbench.domain.codebook import CodeSpec, iter_codes
from workbench.nlp.sparse import SparseRows


@dataclass(frozen=True)
class CodeProfile:
    """A code the suggester can propose: its key (a code id, or the name), name, kind and words."""

    key: str
    name: str
    kind: str
    description: str = ""
    examples: tuple[str, ...] = ()
    parent_text: str = ""  # the parent code's name and description, as background

    def profile_text(self) -> str:
        """The words describing the code, the name twice to weigh it up."""
        return " . ".join([self.name, self.name, self.description, *self.examples, self.parent_text])


def profiles_from_specs(specs: list[CodeSpec]) -> list[CodeProfile]:
    """Codes of a codebook file that can be suggested: the most specific ones (without sub-codes)."""
    by_name = {code.name: code for _parents, code in iter_codes(specs)}
    out = []
    for parents, code in iter_codes(specs):
        if code.children:
            continue
        parent = by_name.get(parents[-1]) if parents else None
        background = f"{parent.name}. {parent.description}" if parent else ""
        out.append(
            CodeProfile(code.name, code.name, code.kind.value, code.description, code.examples, background)
        )
    return out


def content_lemmas(doc: Doc) -> np.ndarray:
    """Lemma hashes of a doc's content words (letters only, not stop words, longer than one)."""
    if not len(doc):
        return np.zeros(0, dtype=np.uint64)
    rows = doc.to_array([LEMMA, IS_ALPHA, IS_STOP, LENGTH])
    keep = (rows[:, 1] == 1) & (rows[:, 2] == 0) & (rows[:, 3] > 1)
    return rows[keep, 0]


class CodebookIndex:
    """Matches code names and examples in a doc, and scores every unit's similarity to each code."""

    def __init__(self, nlp: Language, codes: Iterable[CodeProfile]) -> None:
        self.codes = list(codes)
        self.kinds = np.array([code.kind for code in self.codes])
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        phrases = [(i, p) for i, code in enumerate(self.codes) for p in (code.name, *code.examples)]
        docs = list(nlp.pipe([code.profile_text() for code in self.codes] + [p for _, p in phrases]))
        self.match_index: dict[int, int] = {}
        for (i, _phrase), doc in zip(phrases, docs[len(self.codes) :], strict=True):
            key = nlp.vocab.strings.add(f"code_{i}")
            self.match_index[key] = i
            if len(doc):
                self.matcher.add(f"code_{i}", [doc])
        self._build_profiles([content_lemmas(doc) for doc in docs[: len(self.codes)]])

    def _build_profiles(self, lemmas: list[np.ndarray]) -> None:
        all_lemmas = np.concatenate(lemmas) if lemmas else np.zeros(0, dtype=np.uint64)
        self.vocab = np.unique(all_lemmas)
        n_codes, size = len(self.codes), len(self.vocab)
        counts = np.zeros((n_codes, size))
        for row, found in enumerate(lemmas):
            np.add.at(counts[row], np.searchsorted(self.vocab, found), 1.0)
        df = (counts > 0).sum(axis=0)
        self.idf = np.log((1.0 + n_codes) / (1.0 + df)) + 1.0
        self.oov_idf = float(np.log(1.0 + n_codes)) + 1.0
        weights = np.log1p(counts) * self.idf
        norms = np.linalg.norm(weights, axis=1, keepdims=True)
        self.profiles = weights / np.where(norms > 0, norms, 1.0)

    def matches(self, doc: Doc) -> np.ndarray:
        """Rows ``(code index, start token, end token)`` of code names and examples in the doc."""
        found = self.matcher(doc)
        if not found:
            return np.zeros((0, 3), dtype=np.int64)
        return np.array([(self.match_index[k], s, e) for k, s, e in found], dtype=np.int64)

    def similarity(self, units: np.ndarray, lemmas: np.ndarray, n_units: int) -> np.ndarray:
        """Cosine similarity (0 to 1) of each unit's TF-IDF bag of lemmas to each code's profile,
        given each content word's unit and lemma hash."""
        size = len(self.vocab)
        if not size or not n_units:
            return np.zeros((n_units, len(self.codes)))
        where = np.minimum(np.searchsorted(self.vocab, lemmas), size - 1)
        known = self.vocab[where] == lemmas
        bag = SparseRows.from_pairs(units[known], where[known], np.ones(int(known.sum())), n_units, size)
        weights = np.log1p(bag.values) * self.idf[bag.indices]
        squares = np.bincount(bag.row_of_entries(), weights=weights**2, minlength=n_units)
        unknown = np.bincount(units[~known], minlength=n_units)
        norms = np.sqrt(squares + unknown * self.oov_idf**2)
        products = SparseRows(bag.indices, weights, bag.indptr, size).dot(self.profiles.T)
        return products / np.where(norms > 0, norms, 1.0)[:, None]
