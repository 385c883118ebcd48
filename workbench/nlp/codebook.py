"""The codebook as the suggester sees it: phrase matchers over code names and examples, TF-IDF
profiles for sentence-code similarity, and BM25 over the codes and their sub-code tree for naming."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from spacy.attrs import IS_ALPHA, IS_STOP, LEMMA, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from workbench.domain.codebook import CodeSpec, iter_codes
from workbench.nlp.naming import Bm25, Stems, bag_matrix, paragraph_context, spread_over_tree, under_headings

NAME_WEIGHT, PARENT_WEIGHT = 1.0, 0.5  # how much a code's name and its parent's words count in BM25
EXAMPLE_WEIGHT = 1.0  # how much a code's examples count in BM25, against its description
TREE_WEIGHT = 0.25  # how much the family's (parent and siblings') match adds to a code's
CONTEXT_WEIGHT = 0.4  # how much the rest of the paragraph adds to a unit's naming
HEADING_WEIGHT = 0.45  # how much the heading a unit sits under adds to its naming


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
        self._build_naming(nlp)

    def _build_naming(self, nlp: Language) -> None:
        """BM25 over each code's name (weighed up), description, examples and parent's words, and
        over each family: a parent's words with all its sub-codes'."""
        parts = [
            (code.name, code.description, " . ".join(code.examples), code.parent_text) for code in self.codes
        ]
        docs = iter(nlp.pipe([text for four in parts for text in four]))
        self.stems = Stems(nlp.vocab.strings)
        lemmas = [[self.stems(content_lemmas(next(docs))) for _ in range(4)] for _ in parts]
        scale = (NAME_WEIGHT, 1.0, EXAMPLE_WEIGHT, PARENT_WEIGHT)
        self.bm25 = Bm25(
            [np.concatenate(four) for four in lemmas],
            [
                np.concatenate([np.full(len(x), w) for x, w in zip(four, scale, strict=True)])
                for four in lemmas
            ],
        )
        families = {text: i for i, text in enumerate(dict.fromkeys(c.parent_text for c in self.codes))}
        self.family = np.array(
            [families[code.parent_text] if code.parent_text else -1 for code in self.codes]
        )
        grouped: list[list[np.ndarray]] = [[] for _ in families]
        for i, four in enumerate(lemmas):
            if self.family[i] >= 0:
                grouped[self.family[i]].extend(four[:3])
        for text, f in families.items():
            if text:
                grouped[f].append(lemmas[list(self.family).index(f)][3])
        self.family_bm25 = Bm25([np.concatenate(g) if g else np.zeros(0, dtype=np.uint64) for g in grouped])

    def naming(
        self, units: np.ndarray, lemmas: np.ndarray, n_units: int, paragraph: np.ndarray, heading: np.ndarray
    ) -> np.ndarray:
        """Units x codes in [0, ~2]: BM25 of each unit's stemmed lemmas against each code, plus its
        family's, plus a little of the heading it sits under and of the paragraph's other units."""
        if not self.codes or not n_units:
            return np.zeros((n_units, len(self.codes)))
        stems = self.stems(lemmas)
        leaf = self.bm25.scores(bag_matrix(units, stems, n_units, self.bm25.vocab))
        family = self.family_bm25.scores(bag_matrix(units, stems, n_units, self.family_bm25.vocab))
        own = spread_over_tree(leaf, family, self.family, TREE_WEIGHT)
        return paragraph_context(under_headings(own, heading, HEADING_WEIGHT), paragraph, CONTEXT_WEIGHT)

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
        bag = bag_matrix(units, lemmas, n_units, self.vocab)
        bag.data = np.log1p(bag.data) * self.idf[bag.indices]
        squares = np.asarray(bag.multiply(bag).sum(axis=1)).ravel()
        unknown = np.bincount(units[~known], minlength=n_units)
        norms = np.sqrt(squares + unknown * self.oov_idf**2)
        products = np.asarray(bag @ self.profiles.T)
        return products / np.where(norms > 0, norms, 1.0)[:, None]
