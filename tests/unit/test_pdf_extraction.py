"""PDF full text: reading order, hyphens, ligatures, running lines, page starts and clear errors."""

import io
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from workbench.domain.spans import locate_quote, page_of
from workbench.importers.errors import ImportProblem
from workbench.importers.pdf import extract_pdf
from workbench.importers.sample_corpus import SAMPLE_CORPUS

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LINE = 6.0  # mm between baselines


def draw(pages: list[list[tuple[float, float, str]]], font: str = "Helvetica") -> bytes:
    """A PDF whose pages hold text drawn at (x, y) millimetres, in exactly the order given."""
    pdf = FPDF(format="A4")
    if font == "DejaVu":
        pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.set_font(font, size=11)
    for items in pages:
        pdf.add_page()
        for x, y, text in items:
            pdf.text(x, y, text)
    return bytes(pdf.output())


def column(lines: list[str], x: float = 20, y: float = 30) -> list[tuple[float, float, str]]:
    return [(x, y + i * LINE, text) for i, text in enumerate(lines)]


def flat(text: str) -> str:
    return " ".join(text.split())


def extract(tmp_path: Path, name: str, data: bytes):
    """Extract a PDF written to ``tmp_path`` first, as an uploaded file would be."""
    path = tmp_path / name
    path.write_bytes(data)
    return extract_pdf(name, path.read_bytes())


LEFT = [
    "The left column opens the findings. Peer",
    "workers were trusted because they had been",
    "through the same services. Members said the",
    "groups felt safe, and the left column ends.",
]
RIGHT = [
    "The right column follows on. Leaders were",
    "volunteers with diabetes who had learned to",
    "cook differently, and members copied their",
    "recipes at home; the right column ends here.",
]


def test_two_columns_are_read_left_column_first_even_when_drawn_row_by_row(tmp_path):
    rows = [item for pair in zip(column(LEFT), column(RIGHT, x=115), strict=True) for item in pair]
    title = (20, 18, "Peer support in two columns: a full-width title spanning both of the columns")
    result = extract(tmp_path, "columns.pdf", draw([[title, *rows]]))
    assert flat(result.text) == flat(" ".join([title[2], *LEFT, *RIGHT]))
    assert result.text.index("left column ends.") < result.text.index("The right column follows on.")


def test_a_table_like_block_of_short_cells_is_read_row_by_row(tmp_path):
    cells = [("Theme", "Studies"), ("Trust", "9"), ("Hope", "7"), ("Belonging", "11")]
    items = [(20 + 60 * c, 30 + r * LINE, text) for r, row in enumerate(cells) for c, text in enumerate(row)]
    result = extract(tmp_path, "table.pdf", draw([items]))
    assert flat(result.text) == "Theme Studies Trust 9 Hope 7 Belonging 11"


def test_words_broken_by_a_hyphen_at_a_line_end_are_joined_and_compounds_keep_theirs(tmp_path):
    lines = [
        "Peer-led groups aided recov-",
        "ery for many of the partici-",
        "pants, and the peer-",
        "led sessions felt safe. Pre-",
        "and post-test scores rose in COVID-",
        "19 clinics.",
    ]
    result = extract(tmp_path, "hyphens.pdf", draw([column(lines)]))
    assert result.text == (
        "Peer-led groups aided recovery\n"
        "for many of the participants,\n"
        "and the peer-led\n"
        "sessions felt safe. Pre-\n"
        "and post-test scores rose in COVID-19\n"
        "clinics."
    )


def test_ligature_characters_become_plain_letters(tmp_path):
    drawn = "The ﬁrst ﬂexible oﬃce staﬀ baﬄed moﬆ of the laﬅ group."
    result = extract(tmp_path, "ligatures.pdf", draw([[(20, 30, drawn)]], font="DejaVu"))
    assert result.text == "The first flexible office staff baffled most of the last group."
    assert not any(0xFB00 <= ord(c) <= 0xFB06 for c in result.text)


BODY = [
    ("Members of the first group met weekly in a hall.", "Their leader had lived with diabetes for years."),
    ("Cooking lessons came next, with cheaper recipes.", "Families tasted the food and asked for more."),
    ("Foot care was taught by a nurse and a volunteer.", "Nobody had shown them how to check their feet."),
    ("Newcomers were welcomed by the older members.", "Some of them went on to lead groups themselves."),
]
CLOSING = ["Trust grew slowly.", "Doctors were sceptical.", "Attendance rose.", "Funding ran out."]


def journal(pages: int) -> bytes:
    """Pages with a running header, a numbered footer and two body paragraphs of their own."""
    drawn = []
    for n in range(1, pages + 1):
        body = column(list(BODY[n - 1]), y=40) + column([CLOSING[n - 1]], y=80)
        header = (20, 12, "Journal of Peer Support Studies 12(3): 101-118")
        drawn.append([header, *body, (95, 285, f"Page {n} of {pages}")])
    return draw(drawn)


def test_running_headers_and_numbered_footers_are_dropped_from_documents_of_three_pages_or_more(tmp_path):
    result = extract(tmp_path, "journal.pdf", journal(4))
    assert "Journal of Peer Support" not in result.text
    assert "of 4" not in result.text
    assert flat(result.text) == flat(" ".join(" ".join([*BODY[n], CLOSING[n]]) for n in range(4)))
    assert len(result.page_starts) == 4


def test_a_two_page_document_keeps_its_header_and_footer(tmp_path):
    result = extract(tmp_path, "short.pdf", journal(2))
    assert result.text.count("Journal of Peer Support Studies 12(3): 101-118") == 2
    assert "Page 2 of 2" in result.text


def test_paragraphs_are_separated_by_a_blank_line_and_lines_within_them_by_a_newline(tmp_path):
    result = extract(tmp_path, "journal.pdf", journal(3))
    first_page = result.text[: result.page_starts[1]].strip()
    assert first_page == f"{BODY[0][0]}\n{BODY[0][1]}\n\n{CLOSING[0]}"


def test_page_starts_give_every_located_excerpt_its_page(tmp_path):
    pages = [
        column([f"Page {n} opens with its own words about visit number {n}.", f"On this page the navigator "
                f"phoned member {n * 7} at home.", "Nothing else happened that week."], y=120)
        for n in range(1, 6)
    ]  # fmt: skip
    result = extract(tmp_path, "visits.pdf", draw(pages))
    assert len(result.page_starts) == 5 and result.page_starts[0] == 0
    assert result.page_starts == sorted(result.page_starts)
    for n in range(1, 6):
        (span,) = locate_quote(result.text, f"navigator phoned member {n * 7} at home")
        assert page_of(span.start, result.page_starts) == n
        assert result.text[result.page_starts[n - 1] :].startswith(f"Page {n} opens")
    assert all(result.text[start - 2 : start] == "\n\n" for start in result.page_starts[1:])


def test_the_same_bytes_always_give_the_same_text(tmp_path):
    data = journal(3)
    assert extract(tmp_path, "a.pdf", data).text == extract(tmp_path, "b.pdf", data).text


def test_an_encrypted_pdf_asks_for_an_unprotected_copy(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(journal(1))))
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(ImportProblem, match=r"encrypted .*save an unprotected copy") as info:
        extract(tmp_path, "locked.pdf", locked.getvalue())
    assert info.value.filename == "locked.pdf"


def test_a_pdf_restricted_only_by_an_owner_password_is_read(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(journal(1))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    restricted = io.BytesIO()
    writer.write(restricted)
    result = extract(tmp_path, "restricted.pdf", restricted.getvalue())
    assert BODY[0][0] in result.text


def picture_pdf(tmp_path: Path) -> bytes:
    image = tmp_path / "scan.png"
    Image.new("L", (200, 300), color=230).save(image)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(image), x=10, y=10, w=120)
    return bytes(pdf.output())


def rectangle_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100)
    return bytes(pdf.output())


@pytest.mark.parametrize("kind", ["image", "rectangle"])
def test_a_pdf_without_a_text_layer_is_refused_as_needing_ocr(tmp_path, kind):
    data = picture_pdf(tmp_path) if kind == "image" else rectangle_pdf()
    with pytest.raises(ImportProblem, match=r"no text layer.*needs OCR"):
        extract(tmp_path, "scan.pdf", data)


def test_a_scanned_page_among_text_pages_is_named_in_a_warning(tmp_path):
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.cell(0, 10, "Typed first page about peer support.")
    pdf.add_page()
    pdf.rect(20, 20, 100, 100)
    result = extract(tmp_path, "mixed.pdf", bytes(pdf.output()))
    assert result.text.startswith("Typed first page")
    assert result.warnings == ["mixed.pdf: page(s) 2 have no text layer (scanned?); they need OCR"]


def test_a_pdf_cut_in_half_is_not_a_readable_pdf(tmp_path):
    whole = (SAMPLE_CORPUS / "studies" / "s09_veterans_ptsd.pdf").read_bytes()
    with pytest.raises(ImportProblem, match="not a readable PDF") as info:
        extract(tmp_path, "cut.pdf", whole[: len(whole) // 2])
    assert "cut short" in info.value.what


def test_a_page_whose_content_is_damaged_is_named(tmp_path):
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in (1, 2, 3):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {n} about peer support.")
    data = bytes(pdf.output())
    second_page = list(re.finditer(rb"stream\n(.*?)\nendstream", data, re.DOTALL))[1]
    start, end = second_page.span(1)
    damaged = data[:start] + b"\0" * (end - start) + data[end:]
    with pytest.raises(ImportProblem, match=r"not a readable PDF.*damaged") as info:
        extract(tmp_path, "damaged.pdf", damaged)
    assert info.value.where == "page 2"


def test_a_file_that_is_not_a_pdf_at_all_says_so(tmp_path):
    with pytest.raises(ImportProblem, match=r"not a readable PDF.*%PDF-"):
        extract(tmp_path, "page.pdf", b"<html><body>Sign in to download</body></html>")


def test_columns_whose_lines_do_not_line_up_are_still_read_column_by_column(tmp_path):
    drawn = column(LEFT) + column(RIGHT, x=115, y=32.5)
    result = extract(tmp_path, "offset.pdf", draw([drawn]))
    assert flat(result.text) == flat(" ".join([*LEFT, *RIGHT]))


def test_sideways_text_in_the_margin_is_kept_whole_after_the_page_text(tmp_path):
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for x, y, text in column(LEFT, x=25):
        pdf.text(x, y, text)
    with pdf.rotation(90, 10, 200):
        pdf.text(10, 200, "Preprint: not peer reviewed, 1 May 2024")
    result = extract(tmp_path, "preprint.pdf", bytes(pdf.output()))
    assert result.text == "\n".join(LEFT) + "\n\nPreprint: not peer reviewed, 1 May 2024"


def test_a_figure_caption_set_inside_a_sentence_goes_after_the_pages_running_text(tmp_path):
    body = ["Members who felt understood came back", "to the service more often than those who"]
    rest = ["did not, in the first weeks after discharge.", "Disclosure mattered most of all here."]
    caption = ["Figure 2 Flow of studies through the", "review, from searches to inclusion."]
    items = [*column(body), *column(caption, y=30 + 5 * LINE), *column(rest, y=30 + 9 * LINE)]
    result = extract(tmp_path, "caption.pdf", draw([items]))
    assert flat(result.text) == flat(" ".join([*body, *rest, *caption]))
    assert "those who\ndid not" in result.text


def test_running_text_that_mentions_a_figure_stays_where_it_is(tmp_path):
    lines = ["The groups met weekly, as", "Figure 2 shows, and members came back.", "Table 1. Sites"]
    result = extract(tmp_path, "mention.pdf", draw([column(lines[:2]) + column(lines[2:], y=30 + 4 * LINE)]))
    assert flat(result.text) == flat(" ".join(lines))
