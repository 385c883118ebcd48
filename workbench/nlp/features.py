"""Per-document arrays the scorer and the learned model read: units, cues, codes, bags of lemmas."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import IDX, IS_ALPHA, IS_STOP, LEMMA, LENGTH, SENT_START
from spacy.tokens import Doc

from workbench.nlp.codebook import CodebookIndex
from workbench.nlp.components import doc_text
from workbench.nlp.cues import CATEGORIES
from workbench.nlp.units import SECTION_WEIGHT, Quotation, Unit, link_at, split_units


@dataclass
class DocFeatures:
    """What the suggester knows about each unit (sentence piece) of one document."""

    text: str
    units: list[Unit]
    quotations: list[Quotation]
    cues: np.ndarray  # rows (category, unit, start char, end char)
    cue_counts: np.ndarray  # units x categories
    code_hits: np.ndarray  # rows (code index, unit)
    code_matches: np.ndarray  # units x codes: how often a code's name or example occurs
    similarity: np.ndarray  # units x codes: TF-IDF cosine to each code's profile
    naming: np.ndarray  # units x codes: BM25 to each code and its family, with the paragraph's
    bag_units: np.ndarray  # the unit of each content word ...
    bag_lemmas: np.ndarray  # ... and its lemma hash
    words: np.ndarray  # words per unit
    _first_cue: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _hits: dict[int, list[int]] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """How many units the document has."""
        return len(self.units)

    def column(self, name: str) -> np.ndarray:
        """A per-unit attribute as an array: ``quote``, ``section``, ``heading``, ``weight``, ``link``."""
        if name == "quote":
            return np.array([u.quote >= 0 for u in self.units], dtype=float)
        if name == "heading":
            return np.array([u.heading for u in self.units], dtype=float)
        if name == "weight":
            return np.array([SECTION_WEIGHT[u.section] for u in self.units], dtype=float)
        if name == "link":
            return np.array([link_at(self.text, u.start, u.end) for u in self.units], dtype=float)
        return np.array([int(u.section) for u in self.units], dtype=np.int64)

    def cue_texts(self, units: list[int]) -> dict[int, str]:
        """The first cue of each category in the units, as written (lower case), by category (the
        first unit's, for a category found in several)."""
        rows, starts = self.first_cues()
        found: dict[int, str] = {}
        for unit in units:
            lo, hi = int(np.searchsorted(starts, unit)), int(np.searchsorted(starts, unit, side="right"))
            for category, start, end in rows[lo:hi].tolist():
                if category not in found:
                    found[category] = " ".join(self.text[start:end].split()).lower()
        return found

    def first_cues(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows ``(category, start char, end char)`` of the first cue (by start, then as found) of each
        category in each unit, ordered by unit, and the unit of each row (computed once, on arrays)."""
        if self._first_cue is None:
            cues, kinds = self.cues, len(CATEGORIES)
            if not len(cues):
                self._first_cue = (np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64))
            else:
                key = cues[:, 1] * kinds + cues[:, 0]
                order = np.lexsort((cues[:, 2], key))  # by unit and category, then start; stable
                keyed = key[order]
                first = cues[order[np.concatenate([[True], keyed[1:] != keyed[:-1]])]]
                first = first[np.lexsort((first[:, 2], first[:, 1]))]
                self._first_cue = (first[:, [0, 2, 3]], first[:, 1])
        return self._first_cue

    def codes_matched(self, units: list[int]) -> list[int]:
        """Codes whose name or an example occurs in the units, in order of first occurrence."""
        if self._hits is None:
            self._hits = {}
            for code, unit in self.code_hits.tolist():
                self._hits.setdefault(unit, []).append(code)
        return list(dict.fromkeys(code for unit in units for code in self._hits.get(unit, [])))


def _sentences(text: str, idx: np.ndarray, sent_start: np.ndarray) -> list[tuple[int, int]]:
    starts = np.flatnonzero(sent_start == 1)
    if not len(starts) or starts[0] != 0:
        starts = np.concatenate([[0], starts])
    chars = idx[starts].tolist()
    return list(zip(chars, [*chars[1:], len(text)], strict=True))


def _token_units(units: list[Unit], idx: np.ndarray) -> np.ndarray:
    """The unit each token falls in, -1 for tokens between units (spaces, marks, attributions)."""
    if not units:
        return np.full(len(idx), -1, dtype=np.int64)
    starts = np.array([u.start for u in units], dtype=np.int64)
    ends = np.array([u.end for u in units], dtype=np.int64)
    which = np.searchsorted(starts, idx, side="right") - 1
    inside = (which >= 0) & (idx < ends[np.maximum(which, 0)])
    return np.where(inside, which, -1)


def _per_unit(rows: np.ndarray, columns: int, n_units: int) -> np.ndarray:
    """Count rows ``(column, unit)`` into a units x columns matrix."""
    flat = rows[:, 1] * columns + rows[:, 0]
    return np.bincount(flat, minlength=n_units * columns).reshape(n_units, columns).astype(float)


UNITS_KEY = "workbench_units"
"""``doc.user_data`` key of a function giving the doc's units, being computed in a child process
(``pipeline.pipe_texts`` with ``processes`` of 2 or more), or None if the child failed."""


def unit_inputs(doc: Doc) -> tuple[str, list[tuple[int, int]], list[Quotation]]:
    """What the doc's units are cut from: its text, sentences and quotations (``realist_sentences``
    and ``realist_quotes`` must have run; no other component changes them)."""
    text = doc_text(doc)
    if not len(doc):
        return text, [], doc._.realist_quotations or []
    tokens = doc.to_array([IDX, SENT_START]).astype(np.int64)
    return text, _sentences(text, tokens[:, 0], tokens[:, 1]), doc._.realist_quotations or []


def doc_units(doc: Doc) -> list[Unit]:
    """The doc's units (``split_units`` of :func:`unit_inputs`)."""
    return split_units(*unit_inputs(doc))


def analyse(doc: Doc, codebook: CodebookIndex) -> DocFeatures:
    """Cut a processed doc into units and count, per unit, its cues, code matches and words (units
    a child process computes meanwhile are taken from it: ``UNITS_KEY``)."""
    text = doc_text(doc)
    pending = doc.user_data.pop(UNITS_KEY, None)
    tokens = doc.to_array([IDX, LENGTH, SENT_START, IS_ALPHA, IS_STOP]).astype(np.int64)
    quotations: list[Quotation] = doc._.realist_quotations or []
    matches = codebook.matches(doc)
    all_lemmas = doc.to_array(LEMMA) if len(doc) else np.zeros(0, dtype=np.uint64)
    units = pending() if pending is not None else None
    if units is None:
        sentences = _sentences(text, tokens[:, 0], tokens[:, 2]) if len(doc) else []
        units = split_units(text, sentences, quotations)
    n = len(units)
    unit_of = _token_units(units, tokens[:, 0])
    cues = _locate(doc._.realist_cues, unit_of, tokens)
    hits = _locate(matches, unit_of, tokens)
    content = (unit_of >= 0) & (tokens[:, 3] == 1) & (tokens[:, 4] == 0) & (tokens[:, 1] > 1)
    lemmas = all_lemmas[content]
    words = np.bincount(unit_of[(unit_of >= 0) & (tokens[:, 3] == 1)], minlength=n)
    return DocFeatures(
        text=text,
        units=units,
        quotations=quotations,
        cues=cues,
        cue_counts=_per_unit(cues[:, :2], len(CATEGORIES), n),
        code_hits=hits[:, :2],
        code_matches=_per_unit(hits[:, :2], len(codebook.codes), n),
        similarity=codebook.similarity(unit_of[content], lemmas, n),
        naming=codebook.naming(unit_of[content], lemmas, n, _paragraphs(units), _headings(units)),
        bag_units=unit_of[content],
        bag_lemmas=lemmas,
        words=words,
    )


def _locate(matches: np.ndarray | None, unit_of: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Matches ``(what, start token, end token)`` as ``(what, unit, start char, end char)``,
    keeping those that begin inside a unit."""
    if matches is None or not len(matches):
        return np.zeros((0, 4), dtype=np.int64)
    units = unit_of[matches[:, 1]]
    last = matches[:, 2] - 1
    rows = np.column_stack(
        [matches[:, 0], units, tokens[matches[:, 1], 0], tokens[last, 0] + tokens[last, 1]]
    )
    return rows[units >= 0]


def _paragraphs(units: list[Unit]) -> np.ndarray:
    return np.array([u.paragraph for u in units], dtype=np.int64)


def _headings(units: list[Unit]) -> np.ndarray:
    """For each unit, the heading unit it sits under (-1 before any, and for headings)."""
    out = np.full(len(units), -1, dtype=np.int64)
    last = -1
    for i, unit in enumerate(units):
        if unit.heading:
            last = i
        else:
            out[i] = last
    return out
