"""HTML full texts: visible text only (no scripts, styles or page chrome), one paragraph per block."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from workbench.importers.encoding import decode_text
from workbench.importers.text_types import ExtractedText

HTML_MEDIA_TYPE = "text/html"
_BLOCKS = {"p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
           "main", "blockquote", "pre", "ul", "ol", "dl", "figure", "figcaption", "address", "hr",
           "details", "summary", "body", "form", "fieldset", "legend"}  # fmt: skip
_SKIP = {"script", "style", "noscript", "template", "head", "nav", "aside", "svg", "math", "iframe",
         "object", "canvas", "select", "button"}  # fmt: skip
_CHROME = {"header", "footer"}  # skipped as page chrome, kept inside <article> or <main>
_CONTENT = {"article", "main"}
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_WHATWG_CHARSETS = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                    "us-ascii": "cp1252", "iso-8859-9": "cp1254", "tis-620": "cp874"}  # fmt: skip


@dataclass
class _Table:
    rows: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    cell: list[str] | None = None  # the open cell's text pieces

    def end_cell(self) -> None:
        if self.cell is not None:
            self.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def end_row(self) -> None:
        self.end_cell()
        if any(self.cells):
            self.rows.append("\t".join(self.cells))
        self.cells = []


class _Text(HTMLParser):
    """Collects visible text as blocks; never fetches or resolves anything (html.parser only tokenises)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.lines: list[list[str]] = [[]]  # the open block's lines (split by <br>) as text pieces
        self.skipping: list[str] = []  # open elements whose content is not shown
        self.tables: list[_Table] = []
        self.content_depth = 0

    def flush(self) -> None:
        lines = [" ".join("".join(pieces).split()) for pieces in self.lines]
        text = "\n".join(lines).strip("\n")
        if text:
            self.blocks.append(text)
        self.lines = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self.skipping:  # <head> left open: the body still shows
            del self.skipping[self.skipping.index("head") :]
        if self.skipping:
            if tag in _SKIP or tag in _CHROME:
                self.skipping.append(tag)
        elif tag in _SKIP or (tag in _CHROME and not self.content_depth):
            self.skipping.append(tag)
        elif tag == "table":
            self._start_table()
        elif self.tables:
            self._table_tag(tag, start=True)
        elif tag == "br":
            self.lines.append([])
        elif tag in _BLOCKS or tag in _CHROME:
            if tag in _CONTENT:
                self.content_depth += 1
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:
                last = len(self.skipping) - 1 - self.skipping[::-1].index(tag)
                del self.skipping[last:]
        elif tag == "table" and self.tables:
            self.end_table()
        elif self.tables:
            self._table_tag(tag, start=False)
        elif tag in _BLOCKS or tag in _CHROME:
            if tag in _CONTENT:
                self.content_depth = max(0, self.content_depth - 1)
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        table = self.tables[-1] if self.tables else None
        if table is None:
            self.lines[-1].append(data)
        elif table.cell is not None:
            table.cell.append(data)

    def _start_table(self) -> None:
        if not self.tables:
            self.flush()
        self.tables.append(_Table())

    def _table_tag(self, tag: str, start: bool) -> None:
        table = self.tables[-1]
        if tag in ("tr", "caption", "thead", "tbody", "tfoot"):
            table.end_row()
            if tag == "caption" and start:
                table.cell = []
        elif tag in ("td", "th"):
            table.end_cell()
            if start:
                table.cell = []
        elif table.cell is not None and (tag in _BLOCKS or tag == "br"):
            table.cell.append(" ")

    def end_table(self) -> None:
        table = self.tables.pop()
        table.end_row()
        if self.tables and self.tables[-1].cell is not None:
            self.tables[-1].cell.append(" " + " ".join(table.rows) + " ")
        elif not self.tables and table.rows:
            self.blocks.append("\n".join(table.rows))


def decode_html(filename: str, data: bytes) -> ExtractedText:
    """UTF-8 (or a BOM's encoding) first; else the charset a <meta> declares; else Latin-1 with a warning."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return ExtractedText(data.decode("utf-8"), HTML_MEDIA_TYPE)
        except UnicodeDecodeError:
            declared = _META_CHARSET.search(data[:4096])
            codec = _codec(declared.group(1).decode("ascii")) if declared else None
            if codec:
                return _decode_declared(filename, data, codec)
    decoded = decode_text(filename, data)
    return ExtractedText(decoded.text, HTML_MEDIA_TYPE, warnings=decoded.warnings)


def _codec(charset: str) -> str | None:
    """The Python codec for a declared charset; None when unknown or a UTF (already ruled out)."""
    name = charset.strip().lower()
    try:
        codec = codecs.lookup(_WHATWG_CHARSETS.get(name, name)).name
    except LookupError:
        return None
    return None if codec.startswith("utf") else codec


def _decode_declared(filename: str, data: bytes, codec: str) -> ExtractedText:
    try:
        return ExtractedText(data.decode(codec), HTML_MEDIA_TYPE)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warning = f"{filename}: not valid {codec} as its <meta> declares (line {line}); bad bytes replaced"
        return ExtractedText(data.decode(codec, errors="replace"), HTML_MEDIA_TYPE, warnings=[warning])


def extract_html(filename: str, data: bytes) -> ExtractedText:
    """The visible text of an HTML page: blocks separated by blank lines, <br> as a line break,
    table rows as tab-separated lines; script, style, navigation and page header/footer left out."""
    decoded = decode_html(filename, data)
    parser = _Text()
    parser.feed(_DOCTYPE_SUBSET.sub("", decoded.text))
    parser.close()
    while parser.tables:
        parser.end_table()
    parser.flush()
    warnings = list(decoded.warnings)
    if parser.skipping:
        warnings.append(f"{filename}: <{parser.skipping[0]}> is never closed; the text after it was left out")
    return ExtractedText("\n\n".join(parser.blocks), HTML_MEDIA_TYPE, warnings=warnings)
