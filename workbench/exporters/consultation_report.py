"""A consultation report as a Word document and an Excel workbook (the tables' protections apply)."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.shared import Pt

from workbench.domain.consultation_report import ConsultationReport, report_tables
from workbench.domain.safety import xml_safe
from workbench.domain.tables import Table
from workbench.exporters.office import _borders, _header_row, _landscape, _text_cell, to_xlsx


def _table(document: object, table: Table) -> None:
    """One report table under its heading, laid out like a publication table (see ``office.to_docx``)."""
    document.add_heading(xml_safe(table.title), level=2)  # type: ignore[attr-defined]
    if not table.rows:
        document.add_paragraph("None.")  # type: ignore[attr-defined]
        return
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
    for values in table.rows:
        row = OxmlElement("w:tr")
        for value, width in zip(values, widths, strict=True):
            row.append(_text_cell(value, width // 635))
        grid._tbl.append(row)
    if table.note:
        document.add_paragraph().add_run(xml_safe(table.note)).italic = True  # type: ignore[attr-defined]


def report_docx(report: ConsultationReport) -> bytes:
    """The report as a Word document: a heading, then each table (landscape pages: the tables are wide)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(9)
    _landscape(document)
    document.add_heading(xml_safe(f"Stakeholder consultation report: {report.title}"), level=1)
    for table in report_tables(report):
        _table(document, table)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_xlsx(report: ConsultationReport) -> bytes:
    """The report as a workbook, one sheet per table; text cells are never formulas."""
    return to_xlsx(report_tables(report))
