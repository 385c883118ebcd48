"""Duplicate references and full-text-to-reference matching, by DOI first and near-identical title next."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from workbench.domain.studies import Reference, normalise_doi, normalise_title

TITLE_THRESHOLD = 0.93
"""Titles at least this similar (after normalise_title) are near-identical."""
HEAD_TITLE_THRESHOLD = 0.9
"""How closely a passage of a full text's opening must match a title (line breaks, hyphenation)."""
DOI_SPAN = 3000
TITLE_SPAN = 600
MIN_TITLE_LENGTH = 12
"""Shorter normalised titles ("Editorial") never match a full text by title."""
_DOIS = re.compile(r"10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)
# A DOI printed across a line end, broken after "/" or "-" (the line break is no part of the DOI).
_BROKEN_DOI = re.compile(r"(10\.\d{4,9}/[^\s\"'<>]*[/-])\n([^\s\"'<>]+)", re.IGNORECASE)


@dataclass(frozen=True)
class DuplicateMatch:
    """A new reference that duplicates an existing one or an earlier new one, and why."""

    new_index: int
    existing_index: int | None
    earlier_new_index: int | None
    reason: str


@dataclass(frozen=True)
class _Key:
    """What duplicate detection compares, computed once per reference."""

    doi: str | None
    title: str
    year: int | None


def _key(ref: Reference) -> _Key:
    return _Key(normalise_doi(ref.doi), normalise_title(ref.title), ref.year)


def _at_least(a: str, b: str, threshold: float) -> bool:
    """Whether two normalised strings are at least ``threshold`` similar; cheap bounds first."""
    if a == b:
        return True
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold


def title_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two titles after normalise_title (accents, case, punctuation ignored)."""
    first, second = normalise_title(a), normalise_title(b)
    if not first or not second:
        return 0.0
    if first == second:
        return 1.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _reason(a: _Key, b: _Key) -> str | None:
    """Why two references are the same publication, or None.

    Two different DOIs are two publications, however alike their titles ("Correction to: ...").
    """
    if a.doi and b.doi:
        return f"same DOI {a.doi}" if a.doi == b.doi else None
    if not a.title or not b.title:
        return None
    if a.year is not None and b.year is not None and a.year != b.year:
        return None
    if not _at_least(a.title, b.title, TITLE_THRESHOLD):
        return None
    if a.year is None or b.year is None:
        return "near-identical title (a year is missing)"
    return "near-identical title and year"


def is_duplicate(a: Reference, b: Reference) -> bool:
    """Same DOI, or (without conflicting DOIs) near-identical title and the same year or a year missing."""
    return _reason(_key(a), _key(b)) is not None


class _Index:
    """References looked up by DOI, and by shared title words before titles are compared in full.

    Titles at least 93% alike share at least half their words, so only those are compared.
    """

    def __init__(self) -> None:
        self.keys: list[_Key] = []
        self.by_doi: dict[str, int] = {}
        self.by_word: dict[str, list[int]] = defaultdict(list)
        self.word_counts: list[int] = []

    def add(self, key: _Key) -> None:
        if key.doi:
            self.by_doi.setdefault(key.doi, len(self.keys))
        words = set(key.title.split())
        for word in words:
            self.by_word[word].append(len(self.keys))
        self.word_counts.append(len(words))
        self.keys.append(key)

    def find(self, key: _Key) -> tuple[int, str] | None:
        """The first reference ``key`` duplicates, with the reason."""
        if key.doi and key.doi in self.by_doi:
            return self.by_doi[key.doi], f"same DOI {key.doi}"
        words = set(key.title.split())
        shared: Counter[int] = Counter()
        for word in words:
            shared.update(self.by_word.get(word, ()))
        for index in sorted(shared):
            if 2 * shared[index] >= min(len(words), self.word_counts[index]):
                reason = _reason(key, self.keys[index])
                if reason:
                    return index, reason
        return None


def find_duplicates(new: list[Reference], existing: list[Reference]) -> list[DuplicateMatch]:
    """Each new reference that duplicates an existing one (looked for first) or an earlier new one."""
    known = _Index()
    for ref in existing:
        known.add(_key(ref))
    earlier = _Index()
    matches: list[DuplicateMatch] = []
    for index, ref in enumerate(new):
        key = _key(ref)
        found = known.find(key)
        if found is not None:
            matches.append(DuplicateMatch(index, found[0], None, found[1]))
        elif (found := earlier.find(key)) is not None:
            matches.append(DuplicateMatch(index, None, found[0], found[1]))
        earlier.add(key)
    return matches


def dois_in(text: str) -> list[str]:
    """The DOIs printed in a text, normalised, in order of appearance, each once (line-end breaks mended)."""
    mended = _BROKEN_DOI.sub(r"\1\2", text)
    found: list[str] = []
    for match in _DOIS.finditer(mended):
        doi = normalise_doi(match.group())
        if doi and doi not in found:
            found.append(doi)
    return found


def match_reference(text_head: str, references: list[Reference]) -> tuple[Reference, str] | None:
    """The reference a full text belongs to, with "DOI" or "title" as the reason.

    First a DOI among those printed in the text's first 3000 characters; else the title that
    appears (allowing for line breaks, hyphenation and punctuation) in its first 600 characters.
    """
    by_doi: dict[str, Reference] = {}
    for ref in references:
        by_doi.setdefault(normalise_doi(ref.doi) or "", ref)
    for found in _DOIS.finditer(text_head[:DOI_SPAN]):
        doi = normalise_doi(found.group())
        if doi and doi in by_doi:
            return by_doi[doi], "DOI"
    head = normalise_title(text_head[:TITLE_SPAN])
    best: tuple[float, int, Reference] | None = None
    for ref in references:
        title = normalise_title(ref.title)
        score = _title_in(title, head) if len(title) >= MIN_TITLE_LENGTH else 0.0
        if score >= HEAD_TITLE_THRESHOLD and (best is None or (score, len(title)) > best[:2]):
            best = (score, len(title), ref)
    return (best[2], "title") if best else None


def _title_in(title: str, head: str) -> float:
    """How well ``title`` matches some run of words in ``head`` (both normalised); 1.0 if it occurs."""
    if f" {title} " in f" {head} ":
        return 1.0
    words, title_words = head.split(), title.split()
    head_words = set(words)
    if sum(w in head_words for w in title_words) < 0.5 * len(title_words):
        return 0.0
    best = 0.0
    for size in range(max(1, len(title_words) - 2), len(title_words) + 3):
        for start in range(max(1, len(words) - size + 1)):
            matcher = SequenceMatcher(None, title, " ".join(words[start : start + size]), autojunk=False)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
    return best
