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
    paragraphs,
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
    """One page as read from the PDF: its rows of upright words and any rotated text."""

    rows: list[Row]
    height: float
    rotated: str


def extract_pdf(filename: str, data: bytes) -> ExtractedText:
    """The text layer in reading order; pages joined by a blank line, each page's start recorded."""
    _check_complete(filename, data)
    pages = list(_read_pages(filename, data))
    empty = [n for n, page in enumerate(pages, start=1) if not page.rows and not page.rotated]
    if len(empty) == len(pages):
        raise ImportProblem(filename, NO_TEXT)
    running = running_rows([(page.rows, page.height) for page in pages])
    lines = [
        reading_order([row for i, row in enumerate(page.rows) if i not in drop])
        for page, drop in zip(pages, running, strict=True)
    ]
    text = ""
    starts: list[int] = []
    for page_text in _page_texts(pages, lines):
        if starts:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    warnings = []
    if empty:
        listed = ", ".join(str(n) for n in empty)
        warnings.append(f"{filename}: page(s) {listed} have no text layer (scanned?); they need OCR")
    return ExtractedText(text, PDF_MEDIA_TYPE, page_starts=starts, warnings=warnings)


def _page_texts(pages: list[_Page], lines: list[list[Line]]) -> list[str]:
    """Each page's paragraphs, separated by blank lines, lines within a paragraph by newlines."""
    vocabulary = Vocabulary()
    for page_lines in lines:
        for line in page_lines:
            vocabulary.add(line.text)
    gap = usual_gap(lines)
    texts = []
    for page, page_lines in zip(pages, lines, strict=True):
        groups = paragraphs(page_lines, gap)
        blocks = [join_lines([line.text for line in group], vocabulary) for group in groups]
        if page.rotated:
            blocks.append(page.rotated)
        texts.append("\n\n".join(blocks))
    return texts


def _check_complete(filename: str, data: bytes) -> None:
    """Refuse files that are not PDFs or were cut short (a truncated file may still half-open)."""
    if b"%PDF-" not in data[:1024]:
        raise ImportProblem(filename, f"{UNREADABLE}: it does not start with %PDF- (is it really a PDF?)")
    if b"%%EOF" not in data[-2048:]:
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
                damaged = not result.rows and not result.rotated and _damaged(page)
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
    from pdfplumber.utils.text import extract_words

    x0, top, x1, bottom = page.bbox
    chars = [
        c
        for c in _dedupe(page.chars)
        if c["x1"] > x0 and c["x0"] < x1 and c["bottom"] > top and c["top"] < bottom
    ]
    upright = [c for c in chars if c["upright"]]
    chars = [c for c in chars if c["text"].strip()]
    words = extract_words(upright, x_tolerance_ratio=WORD_GAP_EM, return_chars=True) if upright else []
    rotated = [c for c in chars if not c["upright"]]
    return _Page(group_rows(_word(w) for w in words), float(page.height), _rotated_text(rotated))


def _rotated_text(chars: list[dict[str, Any]]) -> str:
    """Text turned sideways (margin notes, stamps, turned tables): its lines, kept apart from the page."""
    lines = []
    for going_up in (True, False):
        group = [c for c in chars if (c["matrix"][1] > 0) == going_up]
        lines += _sideways_lines(group, going_up) if group else []
    return "\n".join(clean(line) for line in lines)


def _sideways_lines(chars: list[dict[str, Any]], going_up: bool) -> list[str]:
    """Lines of text read upwards (lines follow left to right) or downwards (right to left)."""
    from pdfplumber.utils.text import extract_words

    line_dir, char_dir = ("ltr", "btt") if going_up else ("rtl", "ttb")
    lines: list[list[dict[str, Any]]] = []
    for word in extract_words(chars, line_dir_rotated=line_dir, char_dir_rotated=char_dir):
        if lines and abs(lines[-1][-1]["x0"] - word["x0"]) < 0.5 * (word["x1"] - word["x0"]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w["text"] for w in line) for line in lines]


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
