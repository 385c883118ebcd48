"""spaCy components of the suggestion pipeline: paragraph breaks, lookup lemmas, quotations, cues.

Each works on whole arrays of a Doc (``to_array``/``from_array``, Cython matchers) rather than
token by token in Python, so the pipeline costs little more than tokenising.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IS_LOWER, IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, SENT_START
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from workbench.nlp.cues import CATEGORIES, read_cues
from workbench.nlp.units import find_quotations

Doc.set_extension("realist_quotations", default=None, force=True)
Doc.set_extension("realist_cues", default=None, force=True)

NO_CUES = np.zeros((0, 3), dtype=np.int64)
TEXT_KEY = "workbench_text"


class KeepText:
    """Wraps a tokenizer so each Doc remembers its input text: rebuilding ``doc.text`` from
    tokens costs more than a whole rule component."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)


def doc_text(doc: Doc) -> str:
    """The doc's text, from the tokenizer's input when it was kept."""
    kept = doc.user_data.get(TEXT_KEY)
    return kept if isinstance(kept, str) else doc.text


SENTENCE_END = (".", "!", "?", "…", "‼", "‽", "⁇", "⁈", "⁉", "！", "？", "．")


class Sentences:
    """The sentencizer's rule (a sentence ends after ``.!?`` and any punctuation following it) plus
    a start after every blank line unless the next word is in lower case (a page break inside a
    sentence), computed on arrays. With ``paragraphs_only`` it marks only the paragraph starts,
    as hints for a parser that runs after it."""

    def __init__(self, nlp: Language, name: str, paragraphs_only: bool) -> None:
        self.name = name
        self.paragraphs_only = paragraphs_only
        self.ends = np.array(sorted(nlp.vocab.strings.add(p) for p in SENTENCE_END), dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) < 2:
            return doc
        rows = doc.to_array([ORTH, IS_PUNCT, IS_SPACE, IS_LOWER])
        starts = self._paragraphs(doc, rows)
        if self.paragraphs_only:
            values = starts.astype(np.int64)
        else:
            values = np.where(starts | self._after_full_stops(rows), 1, -1).astype(np.int64)
            values[0] = 1
        doc.from_array([SENT_START], values.view(np.uint64).reshape(-1, 1))  # type: ignore[arg-type]  # stub wants Ints2d
        return doc

    def _after_full_stops(self, rows: np.ndarray) -> np.ndarray:
        final = np.isin(rows[:, 0], self.ends)
        candidates = np.flatnonzero((rows[:, 1] == 0) & ~final)
        seen = np.cumsum(final)
        before = np.concatenate([[0], seen[candidates[:-1]]]) if len(candidates) else candidates
        out = np.zeros(len(rows), dtype=bool)
        out[candidates[(seen[candidates] - before) > 0]] = True
        return out

    def _paragraphs(self, doc: Doc, rows: np.ndarray) -> np.ndarray:
        spaces = np.flatnonzero(rows[:-1, 2])
        out = np.zeros(len(rows), dtype=bool)
        if not len(spaces):
            return out
        kinds, inverse = np.unique(rows[spaces, 0], return_inverse=True)
        blank = np.array([doc.vocab.strings[int(k)].count("\n") >= 2 for k in kinds])[inverse]
        following = spaces[blank] + 1
        out[following[rows[following, 3] == 0]] = True
        return out


@Language.factory("realist_sentences", default_config={"paragraphs_only": False})
def make_sentences(nlp: Language, name: str, paragraphs_only: bool) -> Sentences:
    """Sentence starts after full stops and blank lines (or blank lines only, before a parser)."""
    return Sentences(nlp, name, paragraphs_only)


@lru_cache(maxsize=4)
def _lemma_table(lang: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Sorted hashes of the lookup table's word forms and their lemmas in lower case."""
    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    keys = np.fromiter(table.keys(), dtype=np.uint64, count=len(table))
    lemmas = [str(value).lower() for value in table.values()]
    order = np.argsort(keys)
    return keys[order], tuple(lemmas[i] for i in order.tolist())


class LookupLemmatizer:
    """Lower-case lookup lemmas (spacy-lookups-data) set for a whole Doc at once."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.nlp, self.name = nlp, name
        self.keys = np.zeros(0, dtype=np.uint64)
        self.values = np.zeros(0, dtype=np.uint64)

    def initialize(
        self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Language | None = None
    ) -> None:
        """Load the language's lookup table and register its lemmas with the vocabulary."""
        self.keys, lemmas = _lemma_table(self.nlp.lang)
        strings = self.nlp.vocab.strings
        hashes = (strings.add(lemma) for lemma in lemmas)
        self.values = np.fromiter(hashes, dtype=np.uint64, count=len(lemmas))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lower = doc.to_array(LOWER)
        if len(self.keys):
            where = np.minimum(np.searchsorted(self.keys, lower), len(self.keys) - 1)
            lower = np.where(self.keys[where] == lower, self.values[where], lower)
        doc.from_array([LEMMA], lower.reshape(-1, 1))  # type: ignore[arg-type]  # stub wants Ints2d
        return doc


@Language.factory("realist_lemmatizer")
def make_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    """The lookup lemmatiser (used when the pipeline has no lemmatiser of its own)."""
    return LookupLemmatizer(nlp, name)


@Language.factory("realist_quotes", default_config={"min_words": 5})
def make_quotes(nlp: Language, name: str, min_words: int) -> Callable[[Doc], Doc]:
    """Participant quotations (and their attributions) as ``doc._.realist_quotations``."""

    def quotes(doc: Doc) -> Doc:
        doc._.realist_quotations = find_quotations(doc_text(doc), min_words)
        return doc

    return quotes


class RealistCues:
    """Cue phrases matched on lemmas (so "led to" also finds "leads to"), as rows
    ``(category, start, end)`` of token indices in ``doc._.realist_cues``."""

    def __init__(self, nlp: Language, name: str, cues_file: str) -> None:
        self.nlp, self.name = nlp, name
        self.cues = read_cues(Path(cues_file)) if cues_file else []
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.category_of: dict[int, int] = {}

    def initialize(
        self, get_examples: Callable[[], Iterable[Any]] | None = None, *, nlp: Language | None = None
    ) -> None:
        """Lemmatise the cue phrases with the pipeline before this component, and add them."""
        phrases = self.cues
        before = [name for name in self.nlp.pipe_names if name != self.name]
        with self.nlp.select_pipes(enable=before):
            docs = list(self.nlp.pipe(cue.phrase for cue in phrases))
        for index, category in enumerate(CATEGORIES):
            key = self.nlp.vocab.strings.add(f"realist_{category}")
            self.category_of[key] = index
            mine = [doc for cue, doc in zip(phrases, docs, strict=True) if cue.category == category]
            if mine:
                self.phrases.add(f"realist_{category}", mine)

    def __call__(self, doc: Doc) -> Doc:
        matches = self.phrases(doc)
        if not matches:
            doc._.realist_cues = NO_CUES
            return doc
        rows = np.array(matches, dtype=np.uint64)
        categories = np.array([self.category_of.get(int(k), 0) for k in rows[:, 0]], dtype=np.int64)
        doc._.realist_cues = np.column_stack([categories, rows[:, 1:].astype(np.int64)])
        return doc


@Language.factory("realist_cues", default_config={"cues_file": ""})
def make_cues(nlp: Language, name: str, cues_file: str) -> RealistCues:
    """Realist cues: causal and explanatory language, experience, hedges, methods wording."""
    return RealistCues(nlp, name, cues_file)
