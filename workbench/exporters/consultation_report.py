"""A consultation report as a Word document and an Excel workbook (the tables' protections apply)."""

from __future__ import annotations

import io

from workbench.domain.consultation_report import ConsultationReport, report_tables
from workbench.domain.safety import xml_safe
from workbench.exporters.office import add_table, new_document, to_xlsx


def report_docx(report: ConsultationReport) -> bytes:
    """The report as a Word document: a heading, then each table (landscape pages: the tables are wide)."""
    document = new_document(landscape=True)
    document.add_heading(xml_safe(f"Stakeholder consultation report: {report.title}"), level=1)
    for table in report_tables(report):
        document.add_heading(xml_safe(table.title), level=2)
        if table.rows:
            add_table(document, table)
        else:
            document.add_paragraph("None.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_xlsx(report: ConsultationReport) -> bytes:
    """The report as a workbook, one sheet per table; text cells are never formulas."""
    return to_xlsx(report_tables(report))
