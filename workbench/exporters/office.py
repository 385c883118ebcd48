"""Publication tables as Word (python-docx) and Excel (openpyxl) files.

DOCX: a real Word table with a repeating, bold header row, horizontal rules only (journal style),
9 pt text, column widths from the table's weights, on a landscape page when the table is wide.
XLSX: one sheet per table, bold frozen header, wrapped text; counts, years, pages and scores are
number cells; every other cell and each header is written as a string (never a formula), with
spreadsheet formula prefixes neutralised as in CSV.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from copy import copy
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Pt
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from workbench.domain.safety import neutralise_formula, xml_safe
from workbench.domain.tables import Cell, Table
from workbench.domain.tables import text as cell_text

_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_ENTITIES = {"\r": "&#13;"}  # kept as written; a bare carriage return would be read back as a line feed
_PARSER = etree.XMLParser(huge_tree=True)


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
    lines = xml_safe(cell_text(value)).split("\n")
    texts = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line, _ENTITIES)}</w:t>' for line in lines)
    return f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/></w:tcPr><w:p><w:r>{texts}</w:r></w:p></w:tc>'


def _body_rows(rows: Sequence[Sequence[Cell]], twips: Sequence[int]) -> list[object]:
    """The ``w:tr`` elements of the body rows, written as one XML text and parsed once (python-docx
    rebuilds the whole cell grid for each added row, and building element by element is slow)."""
    body = "".join(
        "<w:tr>" + "".join(_text_cell(v, w) for v, w in zip(values, twips, strict=True)) + "</w:tr>"
        for values in rows
    )
    return list(etree.fromstring(f'<w:tbl xmlns:w="{nsmap["w"]}">{body}</w:tbl>', _PARSER))


def new_document(landscape: bool) -> DocxDocument:
    """A Word document in the tables' style: Calibri 9 pt, landscape for wide tables."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(9)
    if landscape:
        _landscape(document)
    return document


def add_table(document: object, table: Table) -> None:
    """The table as a bordered grid, its columns sized by weight, its note below (title not included)."""
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
    grid._tbl.extend(_body_rows(table.rows, twips))
    if table.note:
        document.add_paragraph().add_run(xml_safe(table.note)).italic = True  # type: ignore[attr-defined]


def to_docx(table: Table) -> bytes:
    """A Word document holding the table under its title, with its note below."""
    document = new_document(table.wide)
    document.add_paragraph().add_run(xml_safe(table.title)).bold = True
    add_table(document, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


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
    return value if not isinstance(value, str) else xml_safe(neutralise_formula(value))


def _style(sheet: object, bold: bool) -> object:
    """The style of every cell (wrapped, top-aligned; bold in the header), made once and copied to each."""
    cell = WriteOnlyCell(sheet)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell._style


def _row(sheet: object, values: Sequence[Cell], style: object) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, _sheet_value(value))
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING  # never a formula, whatever the text
        cell._style = copy(style)
        cells.append(cell)
    return cells


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table: bold frozen header, wrapped string cells, number cells.

    Written in openpyxl's write-only mode (rows streamed out, no cell grid kept in memory)."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.name, taken))
        total = sum(table.weights) or 1.0
        for index, weight in enumerate(table.weights, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(8, 120 * weight / total)
        sheet.freeze_panes = "A2"
        sheet.append(_row(sheet, table.columns, _style(sheet, True)))
        body = _style(sheet, False)
        for values in table.rows:
            sheet.append(_row(sheet, values, body))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
