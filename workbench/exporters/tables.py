"""Publication tables written as DOCX, XLSX, CSV, Markdown or LaTeX files, chosen by format name."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.domain.tables import TABLE_FORMATS, Table
from workbench.exporters.office import to_docx, to_xlsx
from workbench.exporters.text_tables import to_csv, to_latex, to_markdown

__all__ = ["MEDIA_TYPES", "TABLE_FORMATS", "table_files", "write_table"]
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
        "docx": to_docx,
        "xlsx": lambda t: to_xlsx([t]),
        "csv": to_csv,
        "md": to_markdown,
        "tex": to_latex,
    }
    if fmt not in writers:
        raise ValueError(f"unknown table format {fmt!r}; choose one of: {', '.join(TABLE_FORMATS)}")
    return writers[fmt](table)


def table_files(table: Table, formats: Sequence[str]) -> dict[str, bytes]:
    """The table in each of ``formats``, by file name (``configurations.docx``, ...)."""
    return {f"{table.name}.{fmt}": write_table(table, fmt) for fmt in formats}
