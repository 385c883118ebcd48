"""PDF text extraction: the text layer in reading order, with each page's start offset."""

from __future__ import annotations

import io

from workbench.importers.errors import ImportProblem
from workbench.importers.text_types import ExtractedText

PDF_MEDIA_TYPE = "application/pdf"


def extract_pdf(filename: str, data: bytes) -> ExtractedText:
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
    return ExtractedText(text, PDF_MEDIA_TYPE, page_starts=starts)
