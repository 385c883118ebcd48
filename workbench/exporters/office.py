"""Publication tables as Word (python-docx) and Excel (exporters/xlsx.py) files.

DOCX: a real Word table with a repeating, bold header row, horizontal rules only (journal style),
9 pt text, column widths from the table's weights, on a landscape page when the table is wide.
XLSX: one sheet per table, bold frozen header, wrapped text; counts, years, pages and scores are
number cells; every other cell and each header is written as a string (never a formula), with
spreadsheet formula prefixes neutralised as in CSV.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Pt
from lxml import etree

from workbench.domain.safety import neutralise_formula, xml_safe, xml_text
from workbench.domain.tables import Cell, Table
from workbench.domain.tables import text as cell_text
from workbench.exporters.xlsx import Sheet, workbook
from workbench.exporters.zipped import write_zip

_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_PARSER = etree.XMLParser(huge_tree=True)
ROWS_MARKER = "workbench-table-body-rows"


def _borders(table_xml: object) -> None:
    """Journal-style rules: top and bottom of the table, and under the header row."""
    props = table_xml.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "bottom"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "8")
        borders.append(element)
    props.append(borders)


def _header_row(row: object, columns: Sequence[str]) -> None:
    row_props = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_props.append(repeat)
    for cell, name in zip(row.cells, columns, strict=True):  # type: ignore[attr-defined]
        run = cell.paragraphs[0].add_run(xml_safe(name))
        run.bold = True
        cell_props = cell._tc.get_or_add_tcPr()
        borders = OxmlElement("w:tcBorders")
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), "6")
        borders.append(bottom)
        cell_props.append(borders)


def _landscape(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def _text_cell(value: Cell, twips: int) -> str:
    """A ``w:tc`` holding ``value`` (line breaks kept) with a fixed width, as XML text."""
    lines = xml_text(cell_text(value)).split("\n")
    texts = "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)
    return f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr><w:p><w:r>{texts}</w:r></w:p></w:tc>'


def _body_xml(rows: Sequence[Sequence[Cell]], twips: Sequence[int]) -> str:
    """The ``w:tr`` elements of the body rows as one XML text (python-docx rebuilds the whole cell grid
    for each added row, and building element by element is slow)."""
    return "".join(
        "<w:tr>" + "".join(_text_cell(v, w) for v, w in zip(values, twips, strict=True)) + "</w:tr>"
        for values in rows
    )


def _with_rows(docx: bytes, marker: str, rows: str) -> bytes:
    """The saved document with the body rows' XML text in place of the ``marker`` comment (no parse and
    re-serialisation of thousands of rows), its parts in their order, written by :func:`write_zip`."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    parts = []
    for item in source.infolist():
        data = source.read(item)
        if item.filename == "word/document.xml":
            text = data.decode("utf-8")
            if text.count(f"<!--{marker}-->") != 1:
                raise ValueError("the table's row marker is not in the document once")
            data = text.replace(f"<!--{marker}-->", rows).encode("utf-8")
        parts.append((item.filename, data))
    return write_zip(parts)


def new_document(landscape: bool) -> DocxDocument:
    """A Word document in the tables' style: Calibri 9 pt, landscape for wide tables."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(9)
    if landscape:
        _landscape(document)
    return document


def add_table(document: object, table: Table, marker: str | None = None) -> str:
    """The table as a bordered grid, its columns sized by weight, its note below (title not included).

    With a ``marker``, the body rows are not added: a comment of that text stands in their place, and
    their XML text is returned for :func:`_with_rows` to put there once the document is saved."""
    grid = document.add_table(rows=1, cols=len(table.columns))  # type: ignore[attr-defined]
    grid.autofit = False
    _borders(grid._tbl)
    _header_row(grid.rows[0], table.columns)
    section = document.sections[0]  # type: ignore[attr-defined]
    usable = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    total = sum(table.weights) or 1.0
    widths = [int(usable * weight / total) for weight in table.weights]
    for cell, width in zip(grid.rows[0].cells, widths, strict=True):
        cell.width = width
    for column, width in zip(grid._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width
    twips = [width // 635 for width in widths]  # EMU to twentieths of a point
    body = _body_xml(table.rows, twips)
    if marker is None:
        grid._tbl.extend(etree.fromstring(f'<w:tbl xmlns:w="{nsmap["w"]}">{body}</w:tbl>', _PARSER))
    else:
        grid._tbl.append(etree.Comment(marker))
    if table.note:
        document.add_paragraph().add_run(xml_safe(table.note)).italic = True  # type: ignore[attr-defined]
    return "" if marker is None else body


def to_docx(table: Table) -> bytes:
    """A Word document holding the table under its title, with its note below."""
    document = new_document(table.wide)
    document.add_paragraph().add_run(xml_safe(table.title)).bold = True
    rows = add_table(document, table, ROWS_MARKER)
    out = io.BytesIO()
    document.save(out)
    return _with_rows(out.getvalue(), ROWS_MARKER, rows)


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unused Excel sheet name (at most 31 characters, none of []:*?/\\)."""
    base = _SHEET_NAME.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]} {n}"
    taken.add(name.lower())
    return name


def _sheet_value(value: Cell) -> Cell:
    return value if not isinstance(value, str) else neutralise_formula(value)  # the writer makes it XML


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table: bold frozen header, wrapped string cells, number cells
    (written as SpreadsheetML directly by :mod:`workbench.exporters.xlsx`)."""
    taken: set[str] = set()
    sheets = []
    for table in tables:
        total = sum(table.weights) or 1.0
        sheets.append(
            Sheet(
                sheet_name(table.name, taken),
                [max(8, 120 * weight / total) for weight in table.weights],
                [str(_sheet_value(name)) for name in table.columns],
                [[_sheet_value(value) for value in values] for values in table.rows],
            )
        )
    return workbook(sheets)
