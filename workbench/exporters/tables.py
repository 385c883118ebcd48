"""Publication tables written as DOCX, XLSX, CSV, Markdown or LaTeX files, chosen by format name.

The Word and Excel writers (:mod:`workbench.exporters.office`, python-docx with lxml, about a quarter of a
second to import) load when a DOCX or XLSX is first written: ``workbench bundle`` hands those files to
its worker processes and never loads python-docx itself."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.domain.tables import TABLE_FORMATS, Table
from workbench.exporters.text_tables import to_csv, to_latex, to_markdown

__all__ = ["MEDIA_TYPES", "TABLE_FORMATS", "table_files", "workbook_file", "write_table"]
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "md": "text/markdown",
    "tex": "application/x-tex",
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "zip": "application/zip",
}


def write_table(table: Table, fmt: str) -> bytes:
    """The table as a file in ``fmt`` (one of :data:`TABLE_FORMATS`)."""
    writers = {
        "docx": _docx,
        "xlsx": lambda t: workbook_file([t]),
        "csv": to_csv,
        "md": to_markdown,
        "tex": to_latex,
    }
    if fmt not in writers:
        raise ValueError(f"unknown table format {fmt!r}; choose one of: {', '.join(TABLE_FORMATS)}")
    return writers[fmt](table)


def _docx(table: Table) -> bytes:
    from workbench.exporters.office import to_docx

    return to_docx(table)


def workbook_file(tables: Sequence[Table]) -> bytes:
    """One XLSX workbook holding each table on a sheet of its own."""
    from workbench.exporters.office import to_xlsx

    return to_xlsx(tables)


def table_files(table: Table, formats: Sequence[str]) -> dict[str, bytes]:
    """The table in each of ``formats``, by file name (``configurations.docx``, ...)."""
    return {f"{table.name}.{fmt}": write_table(table, fmt) for fmt in formats}
