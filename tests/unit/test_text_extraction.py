"""Text extraction of TXT/Markdown, DOCX and PDF: exact text, page starts, clear errors."""

import io

import docx
import pytest
from fpdf import FPDF

from workbench.domain.spans import locate_quote, page_of
from workbench.importers.errors import ImportProblem
from workbench.importers.text import extract_bytes

PNG_HEADER = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Hope – again\r\n".encode(), "Hope – again\r\n"),
        (b"\xef\xbb\xbf" + "café".encode(), "café"),
        ("naïve".encode("utf-16"), "naïve"),
    ],
)
def test_text_files_are_decoded_exactly(data, text):
    result = extract_bytes("study.txt", data)
    assert result.text == text and result.warnings == []


def test_a_latin1_file_is_read_with_a_warning_naming_the_line():
    result = extract_bytes("old.txt", "line one\ncaf\xe9\n".encode("latin-1"))
    assert result.text == "line one\ncafé\n"
    assert result.warnings == ["old.txt: not valid UTF-8 (line 2); read as Latin-1"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("picture.docx", PNG_HEADER, "not a Word document"),
        ("broken.pdf", b"%PDF-1.4 truncated", "not a readable PDF"),
        ("slides.pptx", b"x", "unsupported file type .pptx"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name, data, message):
    with pytest.raises(ImportProblem, match=message) as info:
        extract_bytes(name, data)
    assert info.value.filename == name


def test_docx_paragraphs_and_tables_become_text():
    document = docx.Document()
    document.add_heading("Findings", level=1)
    document.add_paragraph("She never judged me.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Theme", "Hope"
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_bytes("s.docx", buffer.getvalue())
    assert result.text == "Findings\n\nShe never judged me.\n\nTheme\tHope"


def test_pdf_page_starts_give_each_excerpt_its_page():
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for page in range(1, 4):
        pdf.add_page()
        pdf.multi_cell(0, 8, f"Page {page} says the peer worker was there on day {page}.")
    result = extract_bytes("three.pdf", bytes(pdf.output()))
    assert len(result.page_starts) == 3
    for page in (1, 2, 3):
        (span,) = locate_quote(result.text, f"there on day {page}")
        assert page_of(span.start, result.page_starts) == page
