"""Read RIS, BibTeX and CSV reference files, collecting every problem with its line instead of stopping."""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from workbench.domain.studies import Reference, normalise_doi
from workbench.importers.encoding import decode_text
from workbench.importers.errors import ImportProblem

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass
class ReferenceResult:
    """References read from a file, and the problems (with file and line) met on the way."""

    references: list[Reference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


RisResult = ReferenceResult


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


def _year(value: str) -> int | None:
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def _pages(value: str) -> str:
    return re.sub(r"\s*(?:-+|–|—)\s*", "-", value.strip())


# --- RIS -------------------------------------------------------------------------------------------

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
        ref.year, record.year_tag = _year(value), tag
        if ref.year is None and value:
            return f"{tag} {value!r} holds no year"
    elif tag == "VL":
        ref.volume = value
    elif tag == "IS":
        ref.issue = value
    elif tag == "SP":
        ref.pages = _pages(value)
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


# --- BibTeX ----------------------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^[ \t]*@", re.MULTILINE)
_ENTRY_HEAD = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_NAME = re.compile(r"[A-Za-z_][\w\-:.+/]*")
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
            "r": "\u030a", "d": "\u0323", "b": "\u0331"}  # fmt: skip
_SYMBOLS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
            "AA": "Å", "l": "ł", "L": "Ł", "i": "i", "j": "j", "textendash": "–", "textemdash": "—",
            "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
            "textquotedblright": "”", "ldots": "…", "dots": "…", "textellipsis": "…", "S": "§",
            "copyright": "©", "pounds": "£", "euro": "€", "textregistered": "®", "dag": "†"}  # fmt: skip
_ACCENT = re.compile(
    r"\\([`'^\"~=.](?=\s*[{A-Za-z])|[uvHckrdb](?=\s*\{|\s+[A-Za-z]))\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))"
)
_MONTH_MACROS = {m[:3].lower(): m for m in ("January", "February", "March", "April", "May", "June", "July",
                 "August", "September", "October", "November", "December")}  # fmt: skip
_ESCAPED = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "\ue000", "}": "\ue001", " ": " "}


class _BibError(Exception):
    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position


class _BibReader:
    """Reads one entry of a .bib file; the entry may not run past ``end`` (the next line starting with @)."""

    def __init__(self, text: str, at: int, start: int, end: int, macros: dict[str, str]) -> None:
        self.text, self.at, self.pos, self.end, self.macros = text, at, start, end, macros
        self.key = ""
        self.notes: list[tuple[int, str]] = []  # (position, problem) kept while reading
        self.field_at: dict[str, int] = {}

    def peek(self) -> str:
        while self.pos < self.end and self.text[self.pos].isspace():
            self.pos += 1
        return self.text[self.pos] if self.pos < self.end else ""

    def name(self, what: str) -> str:
        self.peek()
        match = _NAME.match(self.text, self.pos, self.end)
        if not match:
            found = self.text[self.pos : self.pos + 15] or "the next entry"
            raise _BibError(self.pos, f"{self.who()} expected {what}, found {found!r}")
        self.pos = match.end()
        return match.group()

    def delimited(self, opening: int, field_name: str) -> str:
        """The text up to the brace (or quote) closing the one at ``opening``; nested braces are kept."""
        quote = self.text[opening] == '"'
        depth, self.pos = 0 if quote else 1, opening + 1
        while self.pos < self.end and depth >= 0:
            char = self.text[self.pos]
            self.pos += 2 if char == "\\" else 1
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0 and (char == "}" if not quote else char == '"'):
                return self.text[opening + 1 : self.pos - 1]
        what = "quote" if quote else "brace"
        raise _BibError(opening, f"{self.who()} has an unclosed {what}{field_name}")

    def value(self, field_name: str) -> str:
        """A field value: braced, quoted, number or macro parts joined by '#'."""
        parts: list[str] = []
        while True:
            char = self.peek()
            if char in ("{", '"'):
                parts.append(self.delimited(self.pos, f" in field '{field_name}'"))
            elif char.isdigit():
                number = re.compile(r"\d+").match(self.text, self.pos, self.end)
                self.pos = number.end() if number else self.pos + 1
                parts.append(number.group() if number else char)
            else:
                parts.append(self.macro(self.name(f"a value for field '{field_name}'")))
            value_end = self.pos
            if self.peek() != "#":
                self.pos = value_end
                return "".join(parts)
            self.pos += 1

    def macro(self, name: str) -> str:
        value = self.macros.get(name.lower(), _MONTH_MACROS.get(name.lower()))
        if value is None:
            self.notes.append((self.pos, f"uses the undefined @string macro {name!r}"))
        return name if value is None else value

    def fields(self, closing: str) -> dict[str, str]:
        """``name = value`` pairs up to the entry's closing character; a missing comma is forgiven."""
        values: dict[str, str] = {}
        while True:
            char = self.peek()
            if char == closing:
                self.pos += 1
                return values
            if not char:
                raise self.unclosed(values)
            field_at = self.pos
            name = self.name("a field name").lower()
            self.field_at.setdefault(name, field_at)
            if self.peek() != "=":
                raise _BibError(self.pos, f"{self.who()} has no '=' after field '{name}'")
            self.pos += 1
            values.setdefault(name, self.value(name))
            value_end, char = self.pos, self.peek()
            if char == ",":
                self.pos += 1
            elif char not in (closing, ""):
                self.notes.append((value_end, f"has no comma after field '{name}'"))

    def unclosed(self, values: dict[str, str]) -> _BibError:
        """The entry ran into the next one: blame the field whose value swallowed other fields."""
        for name, value in values.items():
            if re.search(r"\n\s*[A-Za-z][\w-]*\s*=\s*[{\"\w]", value):
                return _BibError(self.field_at[name], f"{self.who()} has an unclosed brace in field '{name}'")
        return _BibError(self.at, f"{self.who()} has an unclosed brace")

    def who(self) -> str:
        return f"entry '{self.key}'" if self.key else "entry"


def parse_bibtex(text: str, filename: str = "references.bib") -> ReferenceResult:
    """Parse BibTeX as exported by Zotero, EndNote, Mendeley or JabRef; @string macros are applied.

    An entry never runs past the next line starting with "@": an unclosed brace costs one entry.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    result = ReferenceResult()
    macros: dict[str, str] = {}
    keys: dict[str, int] = {}
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(position: int) -> int:
        return bisect.bisect_right(line_starts, position)

    starts = [m.end() - 1 for m in _ENTRY_START.finditer(text)] + [len(text)]
    for start, end in itertools.pairwise(starts):
        pos = start
        while (at := text.find("@", pos, end)) >= 0:
            head = _ENTRY_HEAD.match(text, at, end)
            if head is None:
                if at == start and text[at : at + 8].lower() != "@comment":
                    expected = "expected an entry like '@article{key,'"
                    result.problems.append(f"{filename} line {line_of(at)}: {expected}")
                pos = at + 1
                continue
            reader = _BibReader(text, at, head.end(), end, macros)
            try:
                values = _read_entry(reader, head.group(1).lower(), ")" if head.group(2) == "(" else "}")
            except _BibError as error:
                result.problems.append(f"{filename} line {line_of(error.position)}: {error}; entry skipped")
                break
            if values is not None:
                ref = _bib_reference(values)
                ref.source_line = line_of(at)
                result.references.append(ref)
                for position, problem in _entry_problems(reader, values, ref, keys):
                    result.problems.append(f"{filename} line {line_of(position)}: {reader.who()} {problem}")
            pos = reader.pos
    return result


def _read_entry(reader: _BibReader, kind: str, closing: str) -> dict[str, str] | None:
    """The fields of a reference entry; None for @comment, @preamble and @string (whose macros are kept)."""
    if kind == "comment":  # a comment runs to the next line starting with @
        reader.pos = reader.end
    elif kind == "preamble":
        reader.delimited(reader.pos - 1, " in @preamble")
    elif kind == "string":
        reader.macros.update(reader.fields(closing))
    if kind in ("comment", "preamble", "string"):
        return None
    key = re.compile(r"\s*([^,\s{}()]*)\s*,?").match(reader.text, reader.pos, reader.end)
    if key:
        reader.key, reader.pos = key.group(1), key.end()
    return reader.fields(closing)


def _entry_problems(
    reader: _BibReader, values: dict[str, str], ref: Reference, keys: dict[str, int]
) -> list[tuple[int, str]]:
    """(position, problem) pairs of one entry read without a fatal error."""
    problems = list(reader.notes)
    if reader.key and reader.key in keys:
        problems.append((reader.at, f"repeats the key of the entry on line {keys[reader.key]}"))
    keys.setdefault(reader.key, ref.source_line)
    year_field = "year" if values.get("year") else "date"
    if values.get(year_field) and ref.year is None:
        year = latex_to_unicode(values[year_field])
        problems.append((reader.field_at[year_field], f"has {year_field} {year!r}, which holds no year"))
    if values.get("doi") and normalise_doi(values["doi"]) is None:
        problems.append((reader.field_at["doi"], f"has doi {values['doi']!r}, which is not a DOI"))
    return sorted(problems)


def _bib_reference(values: dict[str, str]) -> Reference:
    def get(*names: str) -> str:
        return next((latex_to_unicode(values[n]) for n in names if values.get(n, "").strip()), "")

    url = values.get("url", "")
    doi = normalise_doi(values.get("doi")) or (normalise_doi(url) if "doi.org/" in url.lower() else None)
    return Reference(
        title=get("title"),
        authors=[_bib_name(n) for n in _split_top(values.get("author", ""), r"\s+and\s+") if n != "others"],
        year=_year(values.get("year") or values.get("date") or ""),
        journal=get("journal", "journaltitle", "booktitle"),
        volume=get("volume"),
        issue=get("number", "issue"),
        pages=_pages(values.get("pages", "")),
        doi=doi,
        abstract=get("abstract"),
        keywords=[latex_to_unicode(k) for k in _split_top(values.get("keywords", ""), r"\s*[,;]\s*")],
    )


def _split_top(value: str, separator: str) -> list[str]:
    """Split at ``separator`` matches outside braces (braces protect 'and' in corporate names)."""
    parts, depth, last, pos = [], 0, 0, 0
    pattern = re.compile(separator, re.IGNORECASE)
    while pos < len(value):
        char = value[pos]
        depth += {"{": 1, "}": -1}.get(char, 0)
        match = pattern.match(value, pos) if depth == 0 else None
        if match and match.end() > pos:
            parts.append(value[last:pos])
            last = pos = match.end()
        else:
            pos += 1
    parts.append(value[last:])
    return [p.strip() for p in parts if p.strip()]


def _bib_name(name: str) -> str:
    """A BibTeX name ("Last, First", "Last, Jr, First" or "First von Last") as "Last, First"."""
    parts = _split_top(name, r"\s*,\s*")
    if len(parts) >= 2:
        last, first = parts[0], parts[-1]
        suffix = f", {parts[1]}" if len(parts) == 3 else ""
        return latex_to_unicode(f"{last}, {first}{suffix}")
    words = _split_top(name, r"\s+")
    if len(words) < 2:
        return latex_to_unicode(name)
    von = next((i for i, w in enumerate(words[:-1]) if w[:1].islower()), len(words) - 1)
    return latex_to_unicode(" ".join(words[von:]) + ", " + " ".join(words[:von]))


def latex_to_unicode(value: str) -> str:
    """LaTeX in common use in .bib files as plain Unicode: accents, escapes, dashes, protective braces."""
    text = re.sub(r"\\([&%$#_{} ])", lambda m: _ESCAPED[m.group(1)], value)
    text = re.sub(r"\\([ij])(?![A-Za-z])\s*", r"\1", text)
    text = re.sub(_ACCENT, lambda m: (m.group(2) or m.group(3)) + _ACCENTS[m.group(1)], text)
    text = re.sub(
        r"\\([A-Za-z]+)(?![A-Za-z])\s*(\{\})?", lambda m: _SYMBOLS.get(m.group(1), m.group(0)), text
    )
    text = re.sub(r"\\[A-Za-z]+\s*(?=\{)", "", text)
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    text = text.replace("~", " ").replace("{", "").replace("}", "")
    text = text.replace("\ue000", "{").replace("\ue001", "}")
    return unicodedata.normalize("NFC", " ".join(text.split()))


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
    year = _year(cells.get("year", ""))
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
        pages=_pages(
            cells.get("pages") or "-".join(filter(None, (cells.get("first_page"), cells.get("last_page"))))
        ),
        doi=doi,
        abstract=" ".join(cells.get("abstract", "").split()),
        keywords=[k.strip() for k in re.split(r"[;,]", cells.get("keywords", "")) if k.strip()],
        source_line=line,
    )
    return ref, problems
