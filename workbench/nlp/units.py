"""Pure text rules of the suggester: participant quotations, section headings, and sentence units."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from enum import IntEnum


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
        r"references|bibliography|acknowledge?ments?|funding|declarations?|"
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
    return len(stripped.split()) <= 12 and not stripped.endswith((".", "?", "!", '"', "”", ")"))


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


def split_units(text: str, sentences: list[tuple[int, int]], quotations: list[Quotation]) -> list[Unit]:
    """Cut sentences at quotation and attribution edges, trim them, and tag each piece with its
    quotation, paragraph and section; attributions themselves are dropped."""
    cuts = sorted(
        {q.start for q in quotations} | {q.end for q in quotations} | {q.attribution_end for q in quotations}
    )
    attributed = [(q.end, q.attribution_end) for q in quotations if q.attribution_end > q.end]
    attribution_ends = [end for _start, end in attributed]
    breaks = [m.end() for m in _PARAGRAPH.finditer(text)]
    units: list[Unit] = []
    section, paragraph, quote_index, cut_index = Section.FRONT, 0, 0, 0
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
            section = opened if opened is not None else section
            units.append(Unit(start, end, quote_index if inside else -1, paragraph, section, heading))
    return units


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
    first = _WORD.search(text)
    return first is not None and first.group(0).lower() in LINK_WORDS
