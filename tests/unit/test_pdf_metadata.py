"""A full text's own metadata: title, authors, year, DOI and journal from its first page and properties."""

import io

import docx
import pytest
from fpdf import FPDF

from tests.pdf_samples import AUTHORS, DOI, JOURNAL, TITLE, YEAR, bmj_open_like_pdf
from workbench.domain.matching import dois_in
from workbench.domain.reading import reader_parts
from workbench.importers.pdf_metadata import guess_reference
from workbench.importers.text import extract_bytes


def guess(name: str, data: bytes):
    return guess_reference(name, data, extract_bytes(name, data).text)


def test_a_bmj_open_like_first_page_gives_title_authors_year_doi_and_journal_not_the_running_head():
    found = guess("paper.pdf", bmj_open_like_pdf())
    assert (found.title, found.authors, found.year, found.doi, found.journal) == (
        TITLE, AUTHORS, YEAR, DOI, JOURNAL
    )  # fmt: skip
    assert found.guessed == ("title", "authors", "year", "doi", "journal")


def pdf_with_properties(title: str, author: str) -> bytes:
    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 20, "Results were mixed across sites, and Published: 4 March 2021 in print.")
    return bytes(pdf.output())


def test_the_pdfs_own_title_and_author_are_used_unless_the_title_is_a_file_name():
    found = guess(
        "p.pdf", pdf_with_properties("Peer mentors in veteran care: a realist evaluation", "Ann Lee")
    )
    assert (found.title, found.authors, found.year) == (
        "Peer mentors in veteran care: a realist evaluation", ["Lee, Ann"], 2021
    )  # fmt: skip
    assert guess("p.pdf", pdf_with_properties("Microsoft Word - draft3.docx", "")).guessed == ("year",)


def test_a_word_documents_core_properties_and_a_doi_in_its_text_are_guessed():
    document = docx.Document()
    document.core_properties.title = "Walking alongside: peer workers in early psychosis services"
    document.core_properties.author = "Tobias Nakamura-Reid"
    document.add_paragraph("Walking alongside")
    document.add_paragraph(
        "Canadian Journal of Early Psychosis, 2024, 6(2): 1-9. DOI: 10.5555/cjep.2024.0092"
    )
    out = io.BytesIO()
    document.save(out)
    found = guess("s03.docx", out.getvalue())
    assert found.title.startswith("Walking alongside: peer workers")
    assert (found.authors, found.year, found.doi) == (
        ["Nakamura-Reid, Tobias"],
        2024,
        "10.5555/cjep.2024.0092",
    )
    assert found.journal == "Canadian Journal of Early Psychosis"


def test_a_plain_text_without_metadata_keeps_its_first_line_as_title_and_guesses_nothing():
    found = guess("notes.txt", b"Interview notes\n\nNothing here names a paper.")
    assert (found.title, found.guessed) == ("Interview notes", ())


@pytest.mark.parametrize(
    ("text", "dois"),
    [
        ("doi:10.1136/bmjopen-\n2024-012345. More", ["10.1136/bmjopen-2024-012345"]),
        ("https://doi.org/10.1000/ABC.1), and 10.1000/abc.1", ["10.1000/abc.1"]),
        ("ends 10.1000/x.2.\nNext line", ["10.1000/x.2"]),
    ],
)
def test_dois_are_found_once_each_even_when_broken_at_a_line_end(text, dois):
    assert dois_in(text) == dois


def test_a_page_opening_mid_sentence_gets_its_marker_inline_and_a_new_sentence_its_own():
    text = "Page one ends with a\n\nsentence going on. Page two ends here.\n\nPage three starts anew."
    starts = [0, text.index("sentence"), text.index("Page three")]
    assert reader_parts(text, starts) == [
        (1, "Page one ends with a ⟨p. 2⟩ sentence going on. Page two ends here.\n\n"),
        (3, "Page three starts anew."),
    ]
