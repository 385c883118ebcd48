"""Extract the text a study document will store: TXT/Markdown, DOCX, PDF (text layer) and HTML."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from workbench.domain.text_rules import clean_text_with_offsets
from workbench.importers.encoding import decode_text
from workbench.importers.errors import ImportProblem
from workbench.importers.html import extract_html
from workbench.importers.pdf import extract_pdf
from workbench.importers.text_types import ExtractedText

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".html": "text/html",
    ".htm": "text/html",
}


def extract_file(path: Path) -> ExtractedText:
    """Read and extract one file; raises :class:`ImportProblem` saying what went wrong."""
    return extract_bytes(path.name, path.read_bytes())


def extract_bytes(filename: str, data: bytes) -> ExtractedText:
    """Extract text from a file's bytes, choosing the reader by the file name's suffix.

    Control characters (NUL and the rest of C0 but tab and line breaks) are removed here, once for
    every format, so the text is the same on SQLite and PostgreSQL (which refuses NUL)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise ImportProblem(filename, f"unsupported file type {suffix or '(none)'}")
    if not data:
        raise ImportProblem(filename, "the file is empty (0 bytes)")
    if suffix in (".txt", ".md"):
        result = decode_text(filename, data)
    elif suffix == ".docx":
        result = _docx(filename, data)
    elif suffix == ".pdf":
        result = extract_pdf(filename, data)
        result.original = data
    else:
        result = extract_html(filename, data)
    result.sha256 = hashlib.sha256(data).hexdigest()
    result.text, result.page_starts = clean_text_with_offsets(result.text, result.page_starts)
    if not result.text.strip():
        raise ImportProblem(filename, "no text could be extracted")
    return result


def _docx(filename: str, data: bytes) -> ExtractedText:
    import docx  # imported here: only DOCX imports pay for it

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportProblem(filename, "not a Word document (.docx is a zip file; this is not)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise ImportProblem(filename, f"the Word document could not be read: {exc}") from None
    blocks = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            blocks.append("\t".join(cell.text for cell in row.cells))
    return ExtractedText("\n\n".join(blocks), MEDIA_TYPES[".docx"])
