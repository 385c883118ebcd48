"""Study reference metadata and how a study is cited in tables."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass
class Reference:
    """Bibliographic metadata of one study, as read from RIS, BibTeX or CSV."""

    title: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str | None = None
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    source_line: int = 0


_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.IGNORECASE)


def normalise_doi(doi: str | None) -> str | None:
    """A DOI in canonical form (lower case, no resolver prefix, no trailing punctuation)."""
    if not doi:
        return None
    match = _DOI.search(doi)
    return match.group(1).rstrip(".,;)").lower() if match else None


def normalise_title(title: str) -> str:
    """A title reduced for matching: accents, case, punctuation and spacing removed."""
    decomposed = unicodedata.normalize("NFKD", title)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", letters.lower()).split())


def short_citation(authors: list[str], year: int | None) -> str:
    """ "Okafor et al., 2024" style citation from "Last, First" author names."""
    surnames = [a.split(",")[0].strip() for a in authors if a.strip()]
    when = str(year) if year else "n.d."
    if not surnames:
        return f"Anon., {when}"
    if len(surnames) == 1:
        return f"{surnames[0]}, {when}"
    if len(surnames) == 2:
        return f"{surnames[0]} & {surnames[1]}, {when}"
    return f"{surnames[0]} et al., {when}"


def citation_key(authors: list[str], year: int | None, title: str) -> str:
    """A BibTeX-style key such as ``okafor2023being`` for a study known only by its reference."""
    surname = normalise_title(authors[0].split(",")[0]).replace(" ", "") if authors else "anon"
    words = [w for w in normalise_title(title).split() if len(w) > 3]
    return f"{surname}{year or ''}{words[0] if words else ''}"[:60] or "study"


def first_line_title(text: str) -> str:
    """The first non-empty line of a text, as a stand-in title (Markdown '#' removed)."""
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:300]
    return ""
