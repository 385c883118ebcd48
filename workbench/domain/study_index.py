"""What a batch import compares files against, held once per batch: hashes, DOIs, titles, keys.

The answers are those of ``matching.match_reference`` and ``matching.is_duplicate`` over every
reference in order; the index only narrows, by DOI and by title words, which references those
rules are asked about, so importing n files costs about n lookups instead of n x n comparisons.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from workbench.domain.matching import DOI_SPAN, MIN_TITLE_LENGTH, TITLE_SPAN, is_duplicate, match_reference
from workbench.domain.studies import Reference, normalise_doi, normalise_title

_DOIS = re.compile(r"10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)  # as matching.match_reference reads them


@dataclass
class IndexedStudy:
    """A study of the project as the import sees it (no full texts)."""

    id: int
    key: str
    reference: Reference
    has_documents: bool = False


def _title_words(reference: Reference) -> list[str]:
    return normalise_title(reference.title).split()


@dataclass
class _Words:
    """Entries by word, and each entry filed under a few "key" words.

    An entry with words W is filed under its rarest distinct words until they hold more than half
    of W (counting repeats); then any text holding at least half of W holds one of them.
    """

    by_word: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_key_word: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    frequency: Counter[str] = field(default_factory=Counter)

    def add(self, position: int, words: list[str]) -> None:
        for word in set(words):
            self.by_word[word].append(position)
            self.frequency[word] += 1
        for word in self.key_words(words):
            self.by_key_word[word].append(position)

    def key_words(self, words: list[str]) -> list[str]:
        counts = Counter(words)
        chosen, covered = [], 0
        for word in sorted(counts, key=lambda w: (self.frequency[w], -len(w), w)):
            if 2 * covered > len(words):
                break
            chosen.append(word)
            covered += counts[word]
        return chosen

    def holding_half_of_theirs(self, words: set[str]) -> set[int]:
        """Entries that may have at least half their words among ``words``."""
        return {p for word in words for p in self.by_key_word.get(word, ())}

    def holding_half_of(self, words: list[str]) -> set[int]:
        """Entries that may hold at least half of ``words``."""
        return {p for word in self.key_words(words) for p in self.by_word.get(word, ())}


class StudyIndex:
    """The batch's references and the project's studies, in the order the matching rules read them:
    the batch's references first (as read), then the studies (oldest first)."""

    def __init__(self, batch_references: list[Reference]) -> None:
        self.references: list[Reference] = []
        self.studies: dict[int, IndexedStudy] = {}
        self.study_at: dict[int, int] = {}  # reference position -> study id
        self.keys: set[str] = set()
        self.by_sha: dict[str, int] = {}
        self.by_doi: dict[str, list[int]] = defaultdict(list)
        self.titles = _Words()
        self.heads = _Words()  # titles long enough to be found in a full text's opening
        self.last_study_id = 0
        self.last_document_id = 0
        self.batch_size = len(batch_references)
        for reference in batch_references:
            self._add_reference(reference)

    def _add_reference(self, reference: Reference) -> int:
        position = len(self.references)
        self.references.append(reference)
        doi = normalise_doi(reference.doi)
        if doi:
            self.by_doi[doi].append(position)
        words = _title_words(reference)
        self.titles.add(position, sorted(set(words)))  # duplicates compare distinct words
        if len(" ".join(words)) >= MIN_TITLE_LENGTH:
            self.heads.add(position, words)
        return position

    def add_study(self, study: IndexedStudy) -> None:
        """A study of the project (loaded, or just created by this batch or another)."""
        if study.id in self.studies:
            return
        self.studies[study.id] = study
        self.keys.add(study.key)
        self.study_at[self._add_reference(study.reference)] = study.id
        self.last_study_id = max(self.last_study_id, study.id)

    def add_document(self, document_id: int, study_id: int, sha256: str) -> None:
        """A full text of a study (a file identical to it is a duplicate)."""
        self.by_sha.setdefault(sha256, study_id)
        if study_id in self.studies:
            self.studies[study_id].has_documents = True
        self.last_document_id = max(self.last_document_id, document_id)

    def same_file(self, sha256: str) -> IndexedStudy | None:
        """The study that already has this exact file as a full text."""
        study_id = self.by_sha.get(sha256)
        return self.studies.get(study_id) if study_id is not None else None

    def study_of(self, position: int) -> IndexedStudy | None:
        """The study a reference position belongs to; None for the batch's own references."""
        study_id = self.study_at.get(position)
        return self.studies.get(study_id) if study_id is not None else None

    def match(self, text_head: str) -> tuple[int, str] | None:
        """The position of the reference a full text belongs to and why ("DOI" or "title"),
        as ``match_reference(text_head, references)`` would answer."""
        head = text_head[:DOI_SPAN]
        doi_positions = {
            doi: positions[0]
            for doi in {normalise_doi(found.group()) for found in _DOIS.finditer(head)}
            if doi and (positions := self.by_doi.get(doi))
        }
        words = set(normalise_title(text_head[:TITLE_SPAN]).split())
        positions = sorted(set(doi_positions.values()) | self.heads.holding_half_of_theirs(words))
        found = match_reference(text_head, [self.references[p] for p in positions])
        if found is None:
            return None
        return next(p for p in positions if self.references[p] is found[0]), found[1]

    def duplicate_of(self, reference: Reference) -> IndexedStudy | None:
        """The oldest study ``reference`` duplicates (same DOI, or near-identical title and year)."""
        if not reference.title and not reference.doi:
            return None
        words = sorted(set(_title_words(reference)))
        doi = normalise_doi(reference.doi)
        candidates = set(self.by_doi.get(doi, ())) if doi else set()
        candidates |= self.titles.holding_half_of(words) | self.titles.holding_half_of_theirs(set(words))
        studies = sorted(self.study_at[p] for p in candidates if p in self.study_at)
        return next(
            (self.studies[s] for s in studies if is_duplicate(reference, self.studies[s].reference)), None
        )
