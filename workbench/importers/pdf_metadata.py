"""Guess a full text's reference (title, authors, year, DOI, journal) from its first page and properties."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from workbench.domain.matching import dois_in
from workbench.domain.studies import Reference, first_line_title
from workbench.importers.pdf_layout import Line

log = logging.getLogger(__name__)

GUESSABLE = ("title", "authors", "year", "doi", "journal")
# The title is looked for in this top share of the first page, among lines this much bigger than the body.
TITLE_ZONE = 0.6
SAME_SIZE = 0.05
MAX_AUTHOR_LINES = 3

# Journal names, running heads and article types printed above a title: never the title itself.
_NOT_TITLE = re.compile(
    r"^(?:bmj(?:\s+\w+)?|open\s+access|research(?:\s+article)?|original\s+(?:research|article)|review"
    r"(?:\s+article)?|protocol|article|editorial|systematic\s+review|realist\s+review|research\s+paper"
    r"|open|access|downloaded\s+from.*|.*\bdoi\b.*|.*https?://.*|.*©.*|.*copyright.*|.*\bvol(?:ume)?\.?\s*\d.*"
    r"|.*\bissn\b.*|page\s+\d+.*|\d+.*)$",
    re.IGNORECASE,
)
_STOP_AUTHORS = re.compile(
    r"\b(?:universit|department|school|institute|centre|center|hospital|faculty|abstract|to cite|received"
    r"|accepted|published|correspond|e-?mail|keywords|background|objectives?|journal)\b|@",
    re.IGNORECASE,
)
_YEAR = r"((?:19|20)\d{2})"
# ": 3 May 2024", " May 3, 2024", " 2024" after "Published" or "Accepted".
_DATED = r"\s*:?\s*(?:\d{1,2}\s+)?(?:[a-z]+\.?\s+)?(?:\d{1,2},?\s+)?" + _YEAR
_YEAR_PATTERNS = [
    re.compile(_YEAR + r"\s*[;,]\s*\d+\s*[:(]"),  # "2024;14:e012345" or "2024, 6(2)": a citation
    re.compile(r"\bpublished(?:\s+online)?" + _DATED, re.IGNORECASE),
    re.compile(r"(?:©|\(c\)|\bcopyright\b)[^\n]{0,80}?" + _YEAR, re.IGNORECASE),
    re.compile(r"\baccepted" + _DATED, re.IGNORECASE),
]
_DOI_YEAR = re.compile(r"[-./_]" + _YEAR + r"[-./_]")
_CITED_JOURNAL = re.compile(r"([A-Z][A-Za-z&.\-\n ]{1,80}?)[.,]?\s+" + _YEAR + r"\s*[;,]\s*\d+\s*[:(]")
# "Okafor1", "Chen1,3", "Smith*": affiliation marks glued to a name end a name.
_MARKS = re.compile(r"(?<=[^\W\d_])(?:\d+(?:[,–-]\d+)*|[*†‡§¶]+)(?=[\s,;]|$)")
_NAME_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b)\s*")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|[a-z]{1,3}|[A-Z]\.?)$")
_FILENAME_LIKE = re.compile(r"\.(?:pdf|docx?|tex|indd|qxd)\b|^microsoft word|^untitled|^[\w-]+$", re.I)


@dataclass
class GuessedReference(Reference):
    """A reference read off the full text itself, not from a reference file: to be confirmed."""

    guessed: tuple[str, ...] = ()


def guess_reference(filename: str, data: bytes, text: str) -> GuessedReference:
    """The reference a full text seems to carry; its ``guessed`` names the fields that were found.

    Never raises: a file that cannot be read for metadata gets its first line as the title, as before.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    try:
        if suffix == ".pdf":
            return _from_pdf(data, text)
        if suffix == ".docx":
            return _from_docx(data, text)
        return _finish(GuessedReference(), text[:3000], text)
    except Exception:  # metadata is a bonus: a file whose text was extracted must still import
        log.exception("could not guess the metadata of %s", filename)
        return GuessedReference(title=first_line_title(text))


def _from_pdf(data: bytes, text: str) -> GuessedReference:
    from workbench.importers.pdf import first_page

    lines, info, height = first_page(data)
    page_text = "\n".join(line.text for line in lines)
    found = GuessedReference()
    title_at = _title_lines(lines, height)
    if title_at:
        found.title = _join([lines[i].text for i in title_at])
        found.authors = _layout_authors(lines[title_at[-1] + 1 :])
    if _plausible_title(info.get("Title", "")):
        found.title = " ".join(info["Title"].split())
    if not found.authors:
        found.authors = _names(info.get("Author", ""))
    found.journal = _journal(page_text) or _journal(info.get("Subject", ""))
    created = re.match(r"(?:D:)?" + _YEAR, info.get("CreationDate", ""))
    head = page_text + "\n" + info.get("Subject", "")
    return _finish(found, head, text, created.group(1) if created else None)


def _from_docx(data: bytes, text: str) -> GuessedReference:
    import docx

    properties = docx.Document(io.BytesIO(data)).core_properties
    found = GuessedReference()
    if _plausible_title(properties.title or ""):
        found.title = " ".join((properties.title or "").split())
    found.authors = _names(properties.author or "")
    created = str(properties.created.year) if properties.created else None
    return _finish(found, text[:3000], text, created)


def _finish(
    found: GuessedReference, head: str, text: str, fallback_year: str | None = None
) -> GuessedReference:
    """Add DOI, year and journal from the text's head; record which fields were guessed."""
    dois = dois_in(head) or dois_in(text[:3000])
    found.doi = found.doi or (dois[0] if dois else None)
    found.year = found.year or _year(head, found.doi, fallback_year)
    found.journal = found.journal or _journal(head)
    found.guessed = tuple(name for name in GUESSABLE if getattr(found, name))
    found.title = found.title or first_line_title(text)
    return found


def _title_lines(lines: Sequence[Line], height: float) -> list[int]:
    """Indices of the run of lines printed largest near the top of the page, headers left out."""
    candidates = [
        i
        for i, line in enumerate(lines)
        if line.top < TITLE_ZONE * height and len(line.text.split()) >= 2 and not _NOT_TITLE.match(line.text)
    ]
    if not candidates:
        return []
    body = sorted(line.size for line in lines)[len(lines) // 2]
    biggest = max(lines[i].size for i in candidates)
    if biggest <= body * (1 + SAME_SIZE):
        return []
    first = next(i for i in candidates if lines[i].size >= biggest * (1 - SAME_SIZE))
    run = [first]
    for i in range(first + 1, len(lines)):
        if abs(lines[i].size - biggest) > SAME_SIZE * biggest or _NOT_TITLE.match(lines[i].text):
            break
        run.append(i)
    return run


def _layout_authors(lines: Sequence[Line]) -> list[str]:
    """The names on the line(s) right under the title, up to the affiliations or the abstract."""
    taken: list[Line] = []
    for line in lines[:MAX_AUTHOR_LINES]:
        if _STOP_AUTHORS.search(line.text) or re.search(_YEAR, line.text):
            break
        if taken and (_resized(taken[0], line) or line.top - taken[-1].bottom > 0.8 * line.size):
            break
        taken.append(line)
    return _names(" ".join(line.text for line in taken))


def _resized(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) > SAME_SIZE * max(a.size, b.size)


def _names(text: str) -> list[str]:
    """ "Amina Okafor1, Jonathan Reyes2 and Mei Lin Chen" as ["Okafor, Amina", "Reyes, Jonathan", ...]."""
    marked = _MARKS.sub(",", text)
    names = []
    for part in _NAME_SPLIT.split(marked):
        words = part.split()
        if not part or "," in part or not 1 < len(words) <= 5 or not all(_NAME_WORD.match(w) for w in words):
            continue
        surname_from = len(words) - 1
        while surname_from > 1 and words[surname_from - 1].islower():  # "van", "de", "da"
            surname_from -= 1
        names.append(f"{' '.join(words[surname_from:])}, {' '.join(words[:surname_from])}")
    return names


def _year(head: str, doi: str | None, fallback: str | None) -> int | None:
    for pattern in _YEAR_PATTERNS:
        found = pattern.search(head)
        if found:
            return int(found.group(1))
    in_doi = _DOI_YEAR.search(doi or "")
    if in_doi:
        return int(in_doi.group(1))
    return int(fallback) if fallback else None


def _journal(text: str) -> str:
    """The journal named before the year in a citation line ("... BMJ Open 2024;14:e012345")."""
    found = _CITED_JOURNAL.search(re.sub(r"[ \t]+", " ", text))
    if not found:
        return ""
    name = found.group(1)
    if not re.search(r"[a-z]\.\s*$", text[: found.start()]):  # not a wrapped citation: its own line
        name = name.rsplit("\n", 1)[-1]
    name = name.rsplit(". ", 1)[-1]
    return " ".join(name.split()).strip(" .")


def _plausible_title(value: str) -> bool:
    """Document properties often hold a file name or a template's title; a real title has words."""
    value = " ".join(value.split())
    return len(value.split()) >= 3 and not _FILENAME_LIKE.search(value) and not _NOT_TITLE.match(value)


def _join(texts: Sequence[str]) -> str:
    """Title lines as one line; a word broken by a hyphen at a line end made whole."""
    out = texts[0]
    for text in texts[1:]:
        out = out[:-1] + text if re.search(r"[a-z]-$", out) and text[:1].islower() else f"{out} {text}"
    return " ".join(out.split())
