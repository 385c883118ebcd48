"""Pure text rules of the suggester: participant quotations, section headings, and sentence units."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from enum import IntEnum
from itertools import pairwise
from typing import NamedTuple


class Section(IntEnum):
    """Where in a paper a sentence sits; findings carry most contexts, mechanisms and outcomes."""

    FRONT = 0
    ABSTRACT = 1
    INTRODUCTION = 2
    METHODS = 3
    FINDINGS = 4
    DISCUSSION = 5
    CONCLUSION = 6
    BACK = 7


SECTION_WEIGHT = {
    Section.FRONT: 0.3,
    Section.ABSTRACT: 0.45,
    Section.INTRODUCTION: 0.35,
    Section.METHODS: 0.15,
    Section.FINDINGS: 1.0,
    Section.DISCUSSION: 0.75,
    Section.CONCLUSION: 0.5,
    Section.BACK: 0.0,
}

_HEADINGS = [
    (Section.ABSTRACT, r"abstract|summary"),
    (Section.INTRODUCTION, r"background|introduction|context|literature review|aims?"),
    (
        Section.METHODS,
        r"methods?|methodology|materials and methods|study design|design|setting|"
        r"participants|data collection|analysis|data analysis|ethics",
    ),
    (Section.FINDINGS, r"findings|results|themes"),
    (Section.DISCUSSION, r"discussion|interpretation"),
    (Section.CONCLUSION, r"conclusions?|implications|recommendations"),
    (
        Section.BACK,
        r"references|reference list|references cited|literature cited|works cited|bibliography|"
        r"acknowledge?ments?|funding|declarations?|"
        r"conflicts? of interest|competing interests|appendix",
    ),
]
_HEADING_RE = [(s, re.compile(rf"^(?:{p})$")) for s, p in _HEADINGS]
_HEADING_CLEAN = re.compile(r"^[#\s\d.:)IVX-]*|[\s.:]*$")


def heading_section(line: str) -> Section | None:
    """The section a heading line opens ("## Findings", "3. Results"), or None for other lines."""
    words = _HEADING_CLEAN.sub("", line.strip()).lower()
    for section, pattern in _HEADING_RE:
        if pattern.match(words):
            return section
    return None


def looks_like_heading(text: str) -> bool:
    """A short line without sentence punctuation at its end: a title or heading, not prose."""
    stripped = text.strip()
    if stripped.startswith("#"):
        return True
    return not stripped.endswith((".", "?", "!", '"', "”", ")")) and len(stripped.split()) <= 12


@dataclass(frozen=True)
class Quotation:
    """A participant quotation: the quoted words ``[start, end)`` (marks excluded) and who said them."""

    start: int
    end: int
    attribution: str = ""
    attribution_end: int = 0


_PARAGRAPH = re.compile(r"\n[ \t\r]*\n")
_QUOTE = re.compile(r"“([^“”]{1,2000}?)”|\"([^\"]{1,2000}?)\"", re.DOTALL)
_ATTRIBUTION = re.compile(r"[ \t]*\r?\n?[ \t]*\(([^()\n]{1,40}(?:\n[^()\n]{1,40})?)\)")
_WORD = re.compile(r"\w+")


def find_quotations(text: str, min_words: int = 5) -> list[Quotation]:
    """Quoted passages of at least ``min_words`` words, each with any "(P3, service user)"
    attribution right after it; pairs of straight quotes are matched within a paragraph."""
    found: list[Quotation] = []
    start = 0
    for paragraph_end in [m.start() for m in _PARAGRAPH.finditer(text)] + [len(text)]:
        for match in _QUOTE.finditer(text, start, paragraph_end):
            group = 1 if match.group(1) is not None else 2
            if len(_WORD.findall(match.group(group))) < min_words:
                continue
            attribution = _ATTRIBUTION.match(text, match.end())
            who = " ".join(attribution.group(1).split()) if attribution else ""
            found.append(
                Quotation(
                    match.start(group),
                    match.end(group),
                    who,
                    attribution.end() if attribution else match.end(),
                )
            )
        start = paragraph_end
    return found


_TRIM_LEFT = " \t\r\n\"“”‘'([-–—*>#"
_TRIM_RIGHT = " \t\r\n\"“”’'(-–—*"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past surrounding spaces, quotation marks and stray brackets."""
    while start < end and text[start] in _TRIM_LEFT:
        start += 1
    while end > start and text[end - 1] in _TRIM_RIGHT:
        end -= 1
    return start, end


@dataclass(frozen=True)
class Unit:
    """A piece of a sentence cut at quotation boundaries: the smallest thing the suggester scores."""

    start: int
    end: int
    quote: int  # index into the quotations, or -1 outside any
    paragraph: int
    section: Section
    heading: bool


_YEAR = r"(?:19|20)\d{2}[a-z]?"
_CAPTION = re.compile(
    r"^(?:supplementary\s+|online\s+)?(?:fig(?:ure)?s?\.?|table|box|chart|exhibit)\s*[A-Z]?\d+[a-z]?\b", re.I
)
_REFERENCE = (
    re.compile(r"\bdoi\s*[:.]?\s*10\.\d|\bdoi\.org/|\bhttps?://|\bwww\.", re.I),  # a DOI or a link
    re.compile(rf"^\[?\d{{1,3}}[\].)]\s+[A-Z].*\b{_YEAR}\b"),  # "12. Smith J, ... 2019"
    re.compile(rf"^[A-Z][\w'’-]+,?\s+(?:[A-Z]\.?-?\s?){{1,3}}[,.;&].*\b{_YEAR}\b"),  # "Smith, J. A. (2019)"
    re.compile(r"\b\d+\s*\(\d+\)\s*[:,]\s*\d+"),  # volume(issue):pages
)
_REFERENCE_HINT = re.compile(r"\d|doi\.org/|https?://|www\.", re.I)
_MID_CITATION = re.compile(rf"^(?:et\s+al\b|al\.|{_YEAR}\s*[)\];,]|\(\s*{_YEAR}\b|[;,)\]])")
_CITATION_END = re.compile(rf"(?:et\s+al\.?|\b{_YEAR}|\[\d+(?:[,–-]\s*\d+)*\])\)?[.,;]?\s*$")
_QUOTE_MARKS = re.compile(r"[\"“”]")
_DIGIT = re.compile(r"\d")
_LINK_HINT = re.compile(r"doi\.org/|https?://|www\.")
_FOLDED = ("\u0130", "\u0131", "\u017f")
"""Letters ``re.IGNORECASE`` matches to the ASCII ones of ``_LINK_HINT`` though ``str.lower`` does not."""


def reference_hints(text: str) -> list[tuple[int, int]]:
    """The spans of ``_REFERENCE_HINT``'s matches in the text, found as its digits and the links of
    the lower-cased text (twice as fast as the case-insensitive alternation; the same matches, since
    no link holds a digit), or by the pattern itself when lower case would not line up (İ ı ſ)."""
    lower = text.lower()
    if len(lower) != len(text) or any(letter in text for letter in _FOLDED):
        return [m.span() for m in _REFERENCE_HINT.finditer(text)]
    found = [m.span() for m in _DIGIT.finditer(text)] + [m.span() for m in _LINK_HINT.finditer(lower)]
    return sorted(found)


def is_caption(text: str) -> bool:
    """True for a figure or table caption ("Figure 1. ...", "Table 2: ...") or a sentence opening on one."""
    return _CAPTION.match(text.lstrip()) is not None


def looks_like_reference(text: str) -> bool:
    """True for a reference-list entry ("Smith, J. (2019). Title. Journal, 12(3), 45-67."), a line
    with a DOI or a link, or a numbered entry with a year."""
    stripped = text.strip()
    if _REFERENCE_HINT.search(stripped) is None:  # every pattern needs a digit, "doi.org/", a link or "www."
        return False
    return any(pattern.search(stripped) for pattern in _REFERENCE)


def starts_mid_citation(text: str) -> bool:
    """True for a fragment that starts inside a citation: "et al., 2019) found ...", "2019) ..."."""
    return _MID_CITATION.match(text.lstrip()) is not None


def _starts_lowercase(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0].islower()


def continues_citation(text: str, start: int) -> bool:
    """True when the text at ``start`` goes on in lowercase right after a citation ("(Smith et al.,
    2019) found that ..."): a fragment cut off from the sentence the citation sits in."""
    return (
        _starts_lowercase(text[start : start + 2])
        and _CITATION_END.search(text, max(0, start - 80), start) is not None
    )


def _rejoin(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences with the wrong breaks undone: one that starts mid-citation or in lowercase continues
    the one before it in the same paragraph ("Smith et al. (2019) showed ...")."""
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        piece = text[start:end]
        wrong = starts_mid_citation(piece) or _starts_lowercase(piece)
        if out and wrong and not _PARAGRAPH.search(text, out[-1][0], start):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


@dataclass(frozen=True)
class _Marks:
    """Where a text's quotation marks and reference hints sit, found once per text so that each
    sentence is checked with a bisection instead of a scan of its characters."""

    quotes: list[int]
    hint_starts: list[int]
    hint_ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Marks:
        hints = reference_hints(text)
        return cls(
            [m.start() for m in _QUOTE_MARKS.finditer(text)], [a for a, _ in hints], [b for _, b in hints]
        )

    def quotes_in(self, start: int, end: int) -> list[int]:
        return self.quotes[bisect.bisect_left(self.quotes, start) : bisect.bisect_left(self.quotes, end)]

    def hint_in(self, start: int, end: int) -> bool:
        """Whether ``_REFERENCE_HINT`` matches inside ``text[start:end]`` (its matches hold no spaces and
        cannot overlap, so the first whole-text match from ``start`` on decides)."""
        i = bisect.bisect_left(self.hint_starts, start)
        return i < len(self.hint_starts) and self.hint_ends[i] <= end


def _balanced(text: str, start: int, end: int, marks: _Marks | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` cut at its quotation marks when they do not pair up, so that no piece runs
    across the edge of a quotation (short quotations are not cut at their edges otherwise)."""
    found = (marks or _Marks.of(text[:end])).quotes_in(start, end)
    if not found:
        return [(start, end)]
    chars = "".join(text[i] for i in found)
    if chars.count('"') % 2 == 0 and chars.count("“") == chars.count("”"):
        return [(start, end)]
    edges = [start, *found, end]
    return [trim(text, a, b) for a, b in pairwise(edges)]


MAX_ENTRY_CHARS = 400  # a caption or a reference entry fits on a line this long; longer lines are prose


def _not_evidence(text: str, start: int, end: int, marks: _Marks) -> bool:
    """Text outside quotations never worth suggesting: captions and reference entries (judged by
    their whole line, since the sentence splitter cuts "Figure 1. Trust ..." after "1."), and
    fragments cut off inside or right after a citation."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = last if last >= 0 else len(text)
    if last - first > MAX_ENTRY_CHARS:
        first, last = start, end  # the span alone when its line is a long paragraph
    line = text[first:last]
    return (
        is_caption(line)
        or (marks.hint_in(first, last) and looks_like_reference(line))
        or starts_mid_citation(text[start:end])
        or continues_citation(text, start)
    )


class UnitsPart(NamedTuple):
    """The units of a run of sentences cut alone (:func:`split_units_part`), with what joining the runs
    again needs: the section they start in is not known inside the run."""

    units: list[Unit]
    opened: Section | None  # the last section a heading of the run opened (None: no heading did)
    carried: int  # units before the run's first section heading: in the section carried into the run


def split_units(text: str, sentences: list[tuple[int, int]], quotations: list[Quotation]) -> list[Unit]:
    """Cut sentences at quotation and attribution edges, trim them, and tag each piece with its
    quotation, paragraph and section; attributions, captions, reference entries and fragments cut
    off mid-sentence are dropped, and no piece crosses the edge of a quotation."""
    return split_units_part(text, sentences, quotations).units


def paragraph_cuts(text: str, sentences: list[tuple[int, int]], parts: int) -> list[int]:
    """Where to cut ``sentences`` into at most ``parts`` runs of about equal length that
    :func:`split_units_part` may cut apart, each run starting a paragraph (no sentence is rejoined
    across a paragraph break): indices of the sentences starting the second run, the third, ..."""
    if parts < 2 or len(sentences) < 2:
        return []
    starts = [start for start, _end in sentences]
    cuts: list[int] = []
    for part in range(1, parts):
        wanted = bisect.bisect_left(starts, len(text) * part // parts, lo=(cuts[-1] + 1) if cuts else 1)
        for index in range(max(wanted, 1), len(sentences)):
            if _PARAGRAPH.search(text, starts[index - 1], starts[index]):
                cuts.append(index)
                break
    return sorted(set(cuts))


def join_parts(parts: list[UnitsPart]) -> list[Unit]:
    """The units of consecutive runs as :func:`split_units` cuts them all at once: a run's units before
    its first section heading take the section the runs before it ended in."""
    units: list[Unit] = []
    section = Section.FRONT
    for part in parts:
        if section is not Section.FRONT and part.carried:
            units.extend(replace(unit, section=section) for unit in part.units[: part.carried])
            units.extend(part.units[part.carried :])
        else:
            units.extend(part.units)
        section = part.opened if part.opened is not None else section
    return units


def split_units_part(text: str, sentences: list[tuple[int, int]], quotations: list[Quotation]) -> UnitsPart:
    """:func:`split_units` of a run of sentences that starts a paragraph (:func:`paragraph_cuts`), as
    if the run started the text; ``join_parts`` puts runs together again."""
    sentences = _rejoin(text, sentences)
    cuts = sorted(
        {q.start for q in quotations} | {q.end for q in quotations} | {q.attribution_end for q in quotations}
    )
    attributed = [(q.end, q.attribution_end) for q in quotations if q.attribution_end > q.end]
    attribution_ends = [end for _start, end in attributed]
    breaks = [m.end() for m in _PARAGRAPH.finditer(text)]
    marks = _Marks.of(text)
    units: list[Unit] = []
    section, paragraph, quote_index, cut_index = Section.FRONT, 0, 0, 0
    last_opened: Section | None = None
    carried = -1  # units before the first heading that opened a section, once one did
    for sent_start, sent_end in sentences:
        pieces, cut_index = _pieces(sent_start, sent_end, cuts, cut_index)
        for piece_start, piece_end in pieces:
            start, end = trim(text, piece_start, piece_end)
            if end <= start or _inside(start, end, attributed, attribution_ends):
                continue
            while paragraph < len(breaks) and breaks[paragraph] <= start:
                paragraph += 1
            while quote_index < len(quotations) and quotations[quote_index].end <= start:
                quote_index += 1
            inside = quote_index < len(quotations) and quotations[quote_index].start <= start
            heading = looks_like_heading(text[start:end])
            opened = heading_section(text[start:end]) if heading else None
            if opened is not None:
                section = last_opened = opened
                carried = len(units) if carried < 0 else carried
            if inside:
                units.append(Unit(start, end, quote_index, paragraph, section, heading))
                continue
            for part_start, part_end in _balanced(text, start, end, marks):
                if part_end > part_start and not _not_evidence(text, part_start, part_end, marks):
                    part_heading = heading and (part_start, part_end) == (start, end)
                    units.append(Unit(part_start, part_end, -1, paragraph, section, part_heading))
    return UnitsPart(units, last_opened, len(units) if carried < 0 else carried)


def _inside(start: int, end: int, spans: list[tuple[int, int]], ends: list[int]) -> bool:
    """True when ``[start, end)`` lies within one of the sorted, disjoint ``spans``."""
    i = bisect.bisect_right(ends, start)
    return i < len(spans) and spans[i][0] <= start and end <= spans[i][1]


def _pieces(start: int, end: int, cuts: list[int], index: int) -> tuple[list[tuple[int, int]], int]:
    while index < len(cuts) and cuts[index] <= start:
        index += 1
    pieces, position = [], start
    while index < len(cuts) and cuts[index] < end:
        pieces.append((position, cuts[index]))
        position = cuts[index]
        index += 1
    pieces.append((position, end))
    return pieces, index


LINK_WORDS = frozenset(
    {
        "this",
        "these",
        "that",
        "it",
        "they",
        "such",
        "so",
        "thus",
        "hence",
        "therefore",
        "then",
        "after",
        "afterwards",
        "consequently",
        "which",
        "and",
        "but",
    }
)


def starts_with_link(text: str) -> bool:
    """True when a sentence opens by pointing back ("This", "So", "After that"): it continues
    the idea of the sentence before it."""
    return link_at(text, 0, len(text))


def link_at(text: str, start: int, end: int) -> bool:
    """``starts_with_link(text[start:end])`` without copying the sentence."""
    first = _WORD.search(text, start, end)
    return first is not None and first.group(0).lower() in LINK_WORDS
