"""The result of extracting a document's text, shared by every format's extractor."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExtractedText:
    """A document's text as it will be stored, with each page's start offset (PDF only)."""

    text: str
    media_type: str
    page_starts: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    original: bytes | None = None  # the file itself, kept for PDFs (their pages are shown as images)
