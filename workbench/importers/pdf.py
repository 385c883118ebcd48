"""PDF text extraction: the text layer in reading order, with each page's start offset."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.importers.errors import ImportProblem
from workbench.importers.pdf_layout import Line, Row, Word, group_rows, reading_order
from workbench.importers.pdf_text import (
    Vocabulary,
    clean,
    join_lines,
    page_paragraphs,
    running_rows,
    usual_gap,
)
from workbench.importers.text_types import ExtractedText

PDF_MEDIA_TYPE = "application/pdf"
# Word splitting: a gap wider than this share of the font size separates two words.
WORD_GAP_EM = 0.15
ENCRYPTED = "the PDF is encrypted (password-protected); save an unprotected copy and import that"
NO_TEXT = "the PDF has no text layer (scanned?); it needs OCR first"
UNREADABLE = "not a readable PDF"
DAMAGED = "the page's content is damaged (it cannot be decompressed)"


@dataclass
class _Page:
    """One page as read from the PDF: rows of upright words, then rows of any text turned sideways."""

    frames: list[list[Row]]
    height: float

    @property
    def empty(self) -> bool:
        return not any(self.frames)


def extract_pdf(filename: str, data: bytes) -> ExtractedText:
    """The text layer in reading order; pages joined by a blank line, each page's start recorded."""
    _check_complete(filename, data)
    pages = list(_read_pages(filename, data))
    empty = [n for n, page in enumerate(pages, start=1) if page.empty]
    if len(empty) == len(pages):
        raise ImportProblem(filename, NO_TEXT)
    running = running_rows([(page.frames[0], page.height) for page in pages])
    frames = [
        [[row for i, row in enumerate(page.frames[0]) if i not in drop], *page.frames[1:]]
        for page, drop in zip(pages, running, strict=True)
    ]
    text = ""
    starts: list[int] = []
    for page_text in _page_texts([[reading_order(rows) for rows in page] for page in frames]):
        if starts:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    warnings = []
    if empty:
        listed = ", ".join(str(n) for n in empty)
        warnings.append(f"{filename}: page(s) {listed} have no text layer (scanned?); they need OCR")
    return ExtractedText(text, PDF_MEDIA_TYPE, page_starts=starts, warnings=warnings)


def first_page(data: bytes) -> tuple[list[Line], dict[str, str], float]:
    """The first page's upright lines in reading order, the document information (as text) and its height."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False) as pdf:
        info = {str(k): _info_text(v) for k, v in (pdf.metadata or {}).items()}
        if not pdf.pages:
            return [], info, 0.0
        page = pdf.pages[0]
        return reading_order(_read_page(page).frames[0]), info, float(page.height)


def _info_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-16" if value[:2] in (b"\xfe\xff", b"\xff\xfe") else "latin-1", "replace")
    return value if isinstance(value, str) else ""


def render_page(data: bytes, number: int, resolution: int = 110) -> bytes:
    """Page ``number`` (from 1) of a PDF as a PNG image, for reading the text next to its layout."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False) as pdf:
        if not 1 <= number <= len(pdf.pages):
            raise ImportProblem("", f"the PDF has no page {number}")
        image = pdf.pages[number - 1].to_image(resolution=resolution).original
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def _page_texts(pages: list[list[list[Line]]]) -> list[str]:
    """Each page's paragraphs (upright text first, then sideways text), separated by blank lines."""
    all_lines = [lines for page in pages for lines in page]
    vocabulary = Vocabulary()
    for lines in all_lines:
        for line in lines:
            vocabulary.add(line.text)
    gap = usual_gap(all_lines)
    texts = []
    for page in pages:
        groups = [group for lines in page for group in page_paragraphs(lines, gap)]
        texts.append("\n\n".join(join_lines([line.text for line in group], vocabulary) for group in groups))
    return texts


def _check_complete(filename: str, data: bytes) -> None:
    """Refuse files that are not PDFs or were cut short (a truncated file may still half-open)."""
    if b"%PDF-" not in data[:1024]:
        raise ImportProblem(filename, f"{UNREADABLE}: it does not start with %PDF- (is it really a PDF?)")
    if b"%%EOF" not in data[-65536:].rstrip(b"\0 \t\r\n")[-1024:]:
        raise ImportProblem(
            filename, f"{UNREADABLE}: the file is cut short (no end-of-file marker); download it again"
        )


def _read_pages(filename: str, data: bytes) -> Iterator[_Page]:
    import pdfplumber  # imported here: only PDF imports pay for it

    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
        page_list = pdf.pages
    except Exception as exc:  # pdfminer raises many types for broken files
        raise _open_problem(filename, exc) from None
    with pdf:
        for number, page in enumerate(page_list, start=1):
            try:
                result = _read_page(page)
                damaged = result.empty and _damaged(page)
            except Exception as exc:
                raise ImportProblem(filename, f"{UNREADABLE}: {_reason(exc)}", f"page {number}") from None
            finally:
                page.close()
            if damaged:
                raise ImportProblem(filename, f"{UNREADABLE}: {DAMAGED}", f"page {number}")
            yield result


def _damaged(page: Any) -> bool:
    """True when a page's content stream has bytes that decode to nothing (pdfminer is silent then)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        if isinstance(stream, PDFStream) and resolve1(stream.get("Length", 0)) and not stream.get_data():
            return True
    return False


def _open_problem(filename: str, exc: Exception) -> ImportProblem:
    from pdfminer.pdfdocument import PDFEncryptionError

    if any(isinstance(e, PDFEncryptionError) for e in _causes(exc)):
        return ImportProblem(filename, ENCRYPTED)
    return ImportProblem(filename, f"{UNREADABLE}: {_reason(exc)}")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, the exceptions it wraps (pdfplumber passes pdfminer's as an argument) and causes."""
    seen: list[BaseException] = []
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if any(current is s for s in seen):
            continue
        seen.append(current)
        yield current
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        stack.extend(c for c in (current.__cause__, current.__context__) if c is not None)


def _reason(exc: BaseException) -> str:
    innermost = list(_causes(exc))[-1]
    return str(innermost) or type(innermost).__name__


def _read_page(page: Any) -> _Page:
    """The page's words by the way their text runs: upright first, then upwards, downwards, upside down."""
    x0, top, x1, bottom = page.bbox
    chars = [
        c
        for c in _dedupe(page.chars)
        if c["x1"] > x0 and c["x0"] < x1 and c["bottom"] > top and c["top"] < bottom
    ]
    by_direction: dict[str, list[dict[str, Any]]] = {"right": [], "up": [], "down": [], "left": []}
    for char in chars:
        by_direction[_direction(char)].append(char)
    size = (float(page.width), float(page.height))
    return _Page(
        [_rows(_turned(group, direction, size)) for direction, group in by_direction.items()], size[1]
    )


def _direction(char: dict[str, Any]) -> str:
    """Which way the character's baseline runs on the page as shown."""
    a, b = char["matrix"][:2]
    if abs(a) >= abs(b):
        return "right" if a >= 0 else "left"
    return "up" if b > 0 else "down"


def _turned(chars: list[dict[str, Any]], direction: str, size: tuple[float, float]) -> list[dict[str, Any]]:
    """Characters moved into a frame where their text reads left to right and lines follow downwards.

    Text reading upwards has its next line to the right; text reading downwards, to the left.
    """
    if direction == "right":
        return [c if c["upright"] else {**c, "upright": True} for c in chars]
    width, height = size
    turned = []
    for c in chars:
        if direction == "up":
            x0, x1, top, bottom = height - c["bottom"], height - c["top"], c["x0"], c["x1"]
        elif direction == "down":
            x0, x1, top, bottom = c["top"], c["bottom"], width - c["x1"], width - c["x0"]
        else:
            x0, x1, top, bottom = width - c["x1"], width - c["x0"], height - c["bottom"], height - c["top"]
        box = {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top, "size": bottom - top}
        turned.append({**c, **box, "upright": True})
    return turned


def _rows(chars: list[dict[str, Any]]) -> list[Row]:
    from pdfplumber.utils.text import extract_words

    if not any(c["text"].strip() for c in chars):
        return []
    words = extract_words(chars, x_tolerance_ratio=WORD_GAP_EM, return_chars=True)
    return group_rows(_word(w) for w in words)


def _word(word: dict[str, Any]) -> Word:
    sizes = sorted(c["size"] for c in word["chars"])
    size = float(sizes[len(sizes) // 2])
    return Word(clean(word["text"]), word["x0"], word["x1"], word["top"], word["bottom"], size)


def _dedupe(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop characters printed twice on (almost) the same spot, as fake bold does; keep the first."""
    seen: dict[tuple[Any, int, int], list[tuple[float, float]]] = {}
    kept = []
    for char in chars:
        x, y = char["x0"], char["top"]
        glyph = (char["text"], char["fontname"], char["size"])
        cx, cy = round(x), round(y)
        tolerance = min(1.0, 0.5 * char["width"])
        if not any(
            abs(px - x) <= tolerance and abs(py - y) <= tolerance
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for px, py in seen.get((glyph, cx + dx, cy + dy), ())
        ):
            seen.setdefault((glyph, cx, cy), []).append((x, y))
            kept.append(char)
    return kept
