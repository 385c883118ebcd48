"""PDF text clean-up: running headers and footers, ligatures, paragraphs, captions and line-end hyphens."""

from __future__ import annotations

import itertools
import math
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.importers.pdf_layout import Line, Row

LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
# Running lines: looked for among this many rows at the top and the bottom of each page ...
RUNNING_ROWS = 3
# ... lying in this share of the page height from its edge, and repeated on this share of pages.
RUNNING_ZONE = 0.2
RUNNING_PAGES = 0.4
# Paragraph breaks: extra white space (ems) beyond the usual line gap, indent (ems), size change.
PARAGRAPH_GAP_EM = 0.35
INDENT_EM = (0.6, 4.0)
SIZE_CHANGE = 0.15

_DIGITS = re.compile(r"\d+")
_LIST_ITEM = re.compile(r"^(?:[•▪◦‣∙·●○■□–—*-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_BULLET = re.compile(r"^[•▪◦‣∙●○■□]\s")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")
_BROKEN_WORD = re.compile(r"[^\W\d_][-\u00ad\u2010]$")
_LETTERS = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_SUSPENDED = {"and", "or", "nor", "to", "vs"}
# "Figure 2 Flow of...", "Table 1. Characteristics", "Fig. 3: ..." (not "Figure 2 shows", running text).
_CAPTION = re.compile(
    r"^(?:figure|fig\.|table|box|supplementary\s+(?:figure|table))\s*[A-Z]?\d+[a-z]?(?:[.:|—–-]|\s+[A-Z(\"“'‘])",
    re.IGNORECASE,
)


def clean(text: str) -> str:
    """Ligatures back into letters, and composed accents (NFC) so typed quotes match."""
    return unicodedata.normalize("NFC", text.translate(LIGATURES))


def _running_key(row: Row) -> tuple[str, tuple[int, ...]]:
    """Rows compare equal as running lines when they differ only in numbers; those numbers."""
    text = " ".join(row.text.lower().split())
    return _DIGITS.sub("#", text), tuple(int(n[:9]) for n in _DIGITS.findall(text))


def _edge_rows(rows: Sequence[Row], height: float) -> list[int]:
    """Indices of the rows at the top and the bottom of a page, where running lines are."""
    top = [i for i, r in enumerate(rows[:RUNNING_ROWS]) if r.top < RUNNING_ZONE * height]
    first_bottom = max(0, len(rows) - RUNNING_ROWS)
    bottom = [i for i in range(first_bottom, len(rows)) if rows[i].bottom > (1 - RUNNING_ZONE) * height]
    return sorted(set(top + bottom))


def running_rows(pages: Sequence[tuple[Sequence[Row], float]]) -> list[set[int]]:
    """For each page, the indices of its running header and footer rows (documents of 3+ pages).

    A running line repeats at the top or bottom of most pages, or repeats with a number that
    follows the page number (a running head naming the chapter, say). A page never loses all rows.
    """
    drop: list[set[int]] = [set() for _ in pages]
    if len(pages) < 3:
        return drop
    seen: dict[str, list[tuple[int, int, tuple[int, ...]]]] = {}
    for number, (rows, height) in enumerate(pages):
        for index in _edge_rows(rows, height):
            key, numbers = _running_key(rows[index])
            seen.setdefault(key, []).append((number, index, numbers))
    needed = max(2, math.ceil(RUNNING_PAGES * len(pages)))
    for hits in seen.values():
        common = len({page for page, _, _ in hits}) >= needed
        for page, index, _ in hits if common else _follow_pages(hits):
            drop[page].add(index)
    return [set() if len(d) == len(rows) else d for d, (rows, _) in zip(drop, pages, strict=True)]


def _follow_pages(
    hits: list[tuple[int, int, tuple[int, ...]]],
) -> list[tuple[int, int, tuple[int, ...]]]:
    """The hits whose n-th number runs with the page number, on two pages or more."""
    chosen: list[tuple[int, int, tuple[int, ...]]] = []
    for position in range(len(hits[0][2])):
        by_offset: dict[int, list[tuple[int, int, tuple[int, ...]]]] = {}
        for hit in hits:
            by_offset.setdefault(hit[2][position] - hit[0], []).append(hit)
        best = max(by_offset.values(), key=len)
        if len({page for page, _, _ in best}) >= 2:
            chosen += best
    return chosen


def usual_gap(pages: Sequence[Sequence[Line]]) -> float:
    """The document's usual white space between two lines of a paragraph, in ems."""
    gaps = [
        (b.top - a.bottom) / max(a.size, b.size)
        for lines in pages
        for a, b in itertools.pairwise(lines)
        if _stacked(a, b) and not _size_changes(a, b)
    ]
    return statistics.median(gaps) if gaps else 0.25


def _stacked(a: Line, b: Line) -> bool:
    """True when ``b`` is the line right below ``a`` in the same column."""
    return b.top > a.top + 0.5 * min(a.size, b.size) and b.x0 < a.x1 and b.x1 > a.x0


def _size_changes(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) > SIZE_CHANGE * max(a.size, b.size)


def _starts_lower(text: str) -> bool:
    return text[:1].islower()


def _new_paragraph(a: Line, b: Line, gap: float) -> bool:
    """Whether ``b`` starts a paragraph after ``a``: white space, size change, indent or a jump."""
    size = max(a.size, b.size)
    if not _stacked(a, b):
        return bool(_ENDS_SENTENCE.search(a.text)) or not _starts_lower(b.text)
    if _size_changes(a, b) or (b.top - a.bottom) / size > gap + PARAGRAPH_GAP_EM:
        return True
    if _BULLET.match(b.text):
        return True
    indent = (b.x0 - a.x0) / size
    hanging = bool(_LIST_ITEM.match(a.text))
    return INDENT_EM[0] < indent < INDENT_EM[1] and b.x1 >= a.x1 - 0.5 * size and not hanging


def paragraphs(lines: Sequence[Line], gap: float) -> list[list[Line]]:
    """Group a page's lines (in reading order) into paragraphs."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _new_paragraph(groups[-1][-1], line, gap):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def page_paragraphs(lines: Sequence[Line], gap: float) -> list[list[Line]]:
    """A page's paragraphs with figure and table captions moved after its running text.

    A caption set between the lines of a sentence would cut it in two; once the caption is out,
    the paragraph before it and the one after are one again when the sentence runs on.
    """
    segments: list[list[Line]] = [[]]
    captions: list[list[Line]] = []
    previous: Line | None = None
    for line in lines:
        starts_paragraph = previous is None or _new_paragraph(previous, line, gap)
        if starts_paragraph and _CAPTION.match(line.text) and not _starts_lower(line.text):
            captions.append([line])
            segments.append([])
        elif captions and not segments[-1] and not starts_paragraph:
            captions[-1].append(line)
        else:
            segments[-1].append(line)
        previous = line
    groups: list[list[Line]] = []
    for segment in segments:
        found = paragraphs(segment, gap)
        if groups and found and _runs_on(groups[-1][-1], found[0][0]):
            groups[-1].extend(found.pop(0))
        groups.extend(found)
    return groups + captions


def _runs_on(a: Line, b: Line) -> bool:
    """Whether ``b`` continues the sentence ``a`` leaves open."""
    return not _ENDS_SENTENCE.search(a.text) and _starts_lower(b.text)


@dataclass
class Vocabulary:
    """The words and hyphenated compounds a document uses inside its lines (lower case)."""

    words: set[str] = field(default_factory=set)
    compounds: set[str] = field(default_factory=set)

    def add(self, text: str) -> None:
        lowered = text.lower()
        self.words.update(_LETTERS.findall(lowered))
        self.compounds.update(_COMPOUND.findall(lowered))


def join_lines(texts: Sequence[str], vocabulary: Vocabulary) -> str:
    """A paragraph's lines joined by newlines, words broken by a hyphen at a line end made whole."""
    out = texts[0]
    for text in texts[1:]:
        out = _append(out, text, vocabulary)
    return out


def _append(out: str, text: str, vocabulary: Vocabulary) -> str:
    if not _BROKEN_WORD.search(out):
        return f"{out}\n{text}"
    head, _, rest = text.partition(" ")
    stem = _LETTERS.findall(out[-60:])[-1]
    first = head[:1]
    if out.endswith("\u00ad"):
        joined = out[:-1] + head
    elif first.islower():
        match = _LETTERS.match(head)
        letters = match.group() if match else ""
        if out.endswith("-") and head in _SUSPENDED:
            return f"{out}\n{text}"
        compound = f"{stem}-{letters}".lower()
        keep = compound in vocabulary.compounds and (stem + letters).lower() not in vocabulary.words
        joined = out + head if keep else out[:-1] + head
    elif first.isupper() or first.isdigit():
        joined = out + head
    else:
        return f"{out}\n{text}"
    return f"{joined}\n{rest}" if rest else joined
