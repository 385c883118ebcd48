"""Read RIS, BibTeX and CSV reference files, collecting every problem with its line instead of stopping."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.domain.studies import Reference, normalise_doi
from workbench.importers.bibtex import parse_bibtex
from workbench.importers.encoding import decode_text
from workbench.importers.errors import ImportProblem
from workbench.importers.reference_fields import ReferenceResult, pages, year_in

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")


def parse_references(filename: str, data: bytes) -> ReferenceResult:
    """Read a .ris, .bib or .csv reference file; raises ImportProblem for any other kind of file."""
    parsers = {".ris": parse_ris, ".bib": parse_bibtex, ".csv": parse_reference_csv}
    suffix = Path(filename).suffix.lower()
    if suffix not in parsers:
        raise ImportProblem(filename, f"unsupported reference file type {suffix or '(none)'}")
    if not data.strip():
        raise ImportProblem(filename, "the file is empty")
    decoded = decode_text(filename, data)
    result = parsers[suffix](decoded.text, filename)
    result.problems[:0] = decoded.warnings
    if not result.references and not result.problems:
        result.problems.append(f"{filename}: no references found")
    return result


# --- RIS -------------------------------------------------------------------------------------------
# Read by hand on purpose: rispy (the maintained RIS library) silently drops a final record that has
# no "ER  -" line, which reference managers and hand edits produce, and reports no line numbers, so a
# reviewer could not be told which record was lost or where. tests/unit/test_references.py checks
# both facts, so this reader can go once rispy keeps such records.

_JOURNAL_RANK = {"JF": 0, "T2": 1, "JO": 2, "JA": 3, "J2": 4}


@dataclass
class _RisRecord:
    ref: Reference
    journals: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    year_tag: str = ""


def parse_ris(text: str, filename: str = "references.ris") -> ReferenceResult:
    """Parse RIS text as exported by Zotero, EndNote or Mendeley (CRLF, BOM and tag variants accepted)."""
    result = ReferenceResult()
    record: _RisRecord | None = None
    last_tag = ""
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        match = _TAG.match(line)
        if not match:
            if record is not None and last_tag in ("AB", "N2", "N1"):
                record.texts[last_tag] = f"{record.texts.get(last_tag, '')} {line.strip()}"
                continue
            result.problems.append(f"{filename} line {number}: not a RIS tag line: {line[:60]!r}")
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        last_tag = tag
        if tag == "TY":
            if record is not None:
                _end_ris(record, result, _no_end(filename, record))
            record = _RisRecord(Reference(source_line=number))
        elif record is None:
            result.problems.append(f"{filename} line {number}: {tag} before any 'TY  -' record start")
        elif tag == "ER":
            _end_ris(record, result)
            record = None
        else:
            problem = _apply_ris(record, tag, value)
            if problem:
                result.problems.append(f"{filename} line {number}: {problem}")
    if record is not None:
        _end_ris(record, result, _no_end(filename, record))
    return result


def _no_end(filename: str, record: _RisRecord) -> str:
    return f"{filename} line {record.ref.source_line}: record has no 'ER  -' end"


def _apply_ris(record: _RisRecord, tag: str, value: str) -> str | None:
    """Store one tag's value; returns a problem description when the value cannot be used."""
    ref = record.ref
    if tag in ("AU", "A1"):
        ref.authors.append(value)
    elif tag in ("TI", "T1"):
        ref.title = ref.title or value
    elif tag in _JOURNAL_RANK:
        record.journals.setdefault(tag, value)
    elif tag in ("PY", "Y1", "DA"):
        if record.year_tag == "PY" or (record.year_tag and tag == "DA"):
            return None
        ref.year, record.year_tag = year_in(value), tag
        if ref.year is None and value:
            return f"{tag} {value!r} holds no year"
    elif tag == "VL":
        ref.volume = value
    elif tag == "IS":
        ref.issue = value
    elif tag == "SP":
        ref.pages = pages(value)
    elif tag == "EP" and value and "-" not in ref.pages:
        ref.pages = f"{ref.pages}-{value}" if ref.pages else value
    elif tag in ("DO", "UR", "M3"):
        return _apply_ris_doi(ref, tag, value)
    elif tag in ("AB", "N2", "N1"):
        record.texts.setdefault(tag, value)
    elif tag == "KW":
        ref.keywords.extend(k.strip() for k in value.split(";") if k.strip())
    return None


def _apply_ris_doi(ref: Reference, tag: str, value: str) -> str | None:
    doi = normalise_doi(value)
    if tag == "DO":
        ref.doi = doi or ref.doi
        return None if doi or not value else f"DO {value!r} is not a DOI"
    if ref.doi is None and doi and (tag == "M3" or "doi.org/" in value.lower()):
        ref.doi = doi
    return None


def _end_ris(record: _RisRecord, result: ReferenceResult, problem: str | None = None) -> None:
    ref = record.ref
    if record.journals:
        ref.journal = min(record.journals.items(), key=lambda item: _JOURNAL_RANK[item[0]])[1]
    ref.abstract = " ".join((record.texts.get("AB") or record.texts.get("N2") or "").split())
    if problem:
        result.problems.append(problem)
    result.references.append(ref)


# --- CSV -------------------------------------------------------------------------------------------

_CSV_COLUMNS = {  # reference field -> accepted header names, the preferred one first
    "title": ("title", "article title", "document title", "primary title"),
    "authors": ("authors", "author", "author(s)", "author names"),
    "year": ("year", "publication year", "pub year", "py", "publication date", "date"),
    "journal": ("journal", "source", "publication title", "source title", "journal title", "secondary title"),
    "doi": ("doi",),
    "abstract": ("abstract", "abstract note"),
    "volume": ("volume",),
    "issue": ("issue", "number"),
    "pages": ("pages", "page range", "page"),
    "first_page": ("page start", "start page", "first page"),
    "last_page": ("page end", "end page", "last page"),
    "keywords": ("keywords", "author keywords", "key words", "manual tags"),
}


def _csv_header(header: list[str]) -> dict[str, int]:
    """Reference field -> column index, matching header names case-insensitively with synonyms."""
    names = [" ".join(h.replace("_", " ").lower().split()) for h in header]
    found = {
        key: next((names.index(s) for s in synonyms if s in names), -1)
        for key, synonyms in _CSV_COLUMNS.items()
    }
    return {key: index for key, index in found.items() if index >= 0}


def parse_reference_csv(text: str, filename: str = "references.csv") -> ReferenceResult:
    """Parse a CSV of references (one per row, header names as Excel, Scopus or Zotero write them)."""
    result = ReferenceResult()
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    columns = _csv_header(header)
    if not columns:
        result.problems.append(f"{filename} line 1: no reference columns (title, authors, year, doi, ...)")
        return result
    if "title" not in columns:
        result.problems.append(f"{filename} line 1: no title column")
    line = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            cells = {name: row[i].strip() if i < len(row) else "" for name, i in columns.items()}
            ref, problems = _csv_reference(cells, line)
            result.references.append(ref)
            result.problems.extend(f"{filename} line {line}: {p}" for p in problems)
        line = reader.line_num + 1
    return result


def _csv_reference(cells: dict[str, str], line: int) -> tuple[Reference, list[str]]:
    problems = []
    year = year_in(cells.get("year", ""))
    if year is None and cells.get("year"):
        problems.append(f"year {cells['year']!r} is not a year; the row is kept without it")
    doi = normalise_doi(cells.get("doi"))
    if doi is None and cells.get("doi"):
        problems.append(f"doi {cells['doi']!r} is not a DOI; the row is kept without it")
    ref = Reference(
        title=" ".join(cells.get("title", "").split()),
        authors=[a.strip() for a in cells.get("authors", "").split(";") if a.strip()],
        year=year,
        journal=cells.get("journal", ""),
        volume=cells.get("volume", ""),
        issue=cells.get("issue", ""),
        pages=pages(
            cells.get("pages") or "-".join(filter(None, (cells.get("first_page"), cells.get("last_page"))))
        ),
        doi=doi,
        abstract=" ".join(cells.get("abstract", "").split()),
        keywords=[k.strip() for k in re.split(r"[;,]", cells.get("keywords", "")) if k.strip()],
        source_line=line,
    )
    return ref, problems
