"""Decode plain-text files: UTF-8 (BOM removed), UTF-16 with a BOM, else Latin-1 with a warning."""

from __future__ import annotations

import codecs
from pathlib import Path

from workbench.importers.text_types import ExtractedText

TEXT_MEDIA_TYPES = {".md": "text/markdown", ".html": "text/html", ".htm": "text/html"}


def decode_text(filename: str, data: bytes) -> ExtractedText:
    """UTF-8 (BOM removed), UTF-16 with BOM, else Latin-1 with a warning."""
    media = TEXT_MEDIA_TYPES.get(Path(filename).suffix.lower(), "text/plain")
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
