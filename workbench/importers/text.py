"""Extract the text a study document will store: TXT/Markdown, DOCX and PDF (text layer)."""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench.importers.errors import ImportProblem

MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


@dataclass
class ExtractedText:
    """A document's text as it will be stored, with each page's start offset (PDF only)."""

    text: str
    media_type: str
    page_starts: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""


def extract_file(path: Path) -> ExtractedText:
    """Read and extract one file; raises :class:`ImportProblem` saying what went wrong."""
    return extract_bytes(path.name, path.read_bytes())


def extract_bytes(filename: str, data: bytes) -> ExtractedText:
    """Extract text from a file's bytes, choosing the reader by the file name's suffix."""
    suffix = Path(filename).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise ImportProblem(filename, f"unsupported file type {suffix or '(none)'}")
    if not data:
        raise ImportProblem(filename, "the file is empty (0 bytes)")
    if suffix in (".txt", ".md"):
        result = decode_text(filename, data)
    elif suffix == ".docx":
        result = _docx(filename, data)
    else:
        result = _pdf(filename, data)
    result.sha256 = hashlib.sha256(data).hexdigest()
    if not result.text.strip():
        raise ImportProblem(filename, "no text could be extracted")
    return result


def decode_text(filename: str, data: bytes) -> ExtractedText:
    """UTF-8 (BOM removed), UTF-16 with BOM, else Latin-1 with a warning."""
    media = MEDIA_TYPES.get(Path(filename).suffix.lower(), "text/plain")
    if data.startswith(codecs.BOM_UTF8):
        return ExtractedText(data[len(codecs.BOM_UTF8) :].decode("utf-8"), media)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ExtractedText(data.decode("utf-16"), media)
    try:
        return ExtractedText(data.decode("utf-8"), media)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        warning = f"{filename}: not valid UTF-8 (line {line}); read as Latin-1"
        return ExtractedText(data.decode("latin-1"), media, warnings=[warning])


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


def _pdf(filename: str, data: bytes) -> ExtractedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ImportProblem(filename, "the PDF is encrypted; save an unprotected copy")
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append((page.extract_text() or "").strip())
            except Exception as exc:
                raise ImportProblem(filename, f"text extraction failed: {exc}", f"page {number}") from None
    except PdfReadError as exc:
        raise ImportProblem(filename, f"not a readable PDF: {exc}") from None
    if not any(pages):
        raise ImportProblem(filename, "the PDF has no text layer (scanned?); it needs OCR first")
    text, starts = "", []
    for page_text in pages:
        if text:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    return ExtractedText(text, MEDIA_TYPES[".pdf"], page_starts=starts)
