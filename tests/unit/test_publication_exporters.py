"""Publication table files: LaTeX and Markdown escaping, inert formulas and HTML, DOCX and XLSX structure."""

import csv
import io
import struct
import zipfile
import zlib
from datetime import datetime

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from workbench.domain.tables import Table
from workbench.exporters.bundle import write_bundle
from workbench.exporters.office import sheet_name, to_docx, to_xlsx
from workbench.exporters.tables import write_table
from workbench.exporters.text_tables import latex_escape, markdown_escape, to_csv, to_latex, to_markdown
from workbench.graphs.export import png_dpi, with_dpi
from workbench.graphs.style import safe

DANGEROUS = ('=HYPERLINK("http://evil.example","click")', "<script>alert(1)</script>", "+1+2", "@SUM(A1)")


def table(columns: int = 3, rows: tuple[tuple[str, ...], ...] | None = None) -> Table:
    names = tuple(f"Column {i}" for i in range(columns))
    rows = rows or tuple(tuple(f"r{r}c{c}" for c in range(columns)) for r in range(4))
    return Table("configurations", "A table", names, rows, tuple(1.0 for _ in names), "A note.")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("R&D", r"R\&D"),
        ("50%", r"50\%"),
        ("a_b", r"a\_b"),
        ("#1", r"\#1"),
        ("$5", r"\$5"),
        ("{x}", r"\{x\}"),
        ("~", r"\textasciitilde{}"),
        ("x^2", r"x\textasciicircum{}2"),
        ("C:\\path", r"C:\textbackslash{}path"),
        ("\\input{secret}", r"\textbackslash{}input\{secret\}"),
        ("two\nlines", "two lines"),
        ("[She] never", "{[}She{]} never"),
    ],
)
def test_latex_special_characters_are_escaped(raw, escaped):
    assert latex_escape(raw) == escaped


def test_a_latex_table_uses_booktabs_and_escapes_every_cell():
    tex = to_latex(table(rows=(("A & B", "100%", "x_1"),))).decode()
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"A \& B & 100\% & x\_1 \\" in tex
    assert r"\begin{landscape}" not in tex


def test_a_wide_latex_table_is_set_in_landscape():
    tex = to_latex(table(columns=7)).decode()
    assert tex.count(r"\begin{landscape}") == 1 and r"\end{landscape}" in tex


@pytest.mark.parametrize("fmt", ["csv", "md", "tex", "docx", "xlsx"])
def test_formulas_and_scripts_in_a_quote_are_exported_inert(fmt):
    data = write_table(table(rows=(DANGEROUS,), columns=4), fmt)
    if fmt == "csv":
        cells = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]
        assert [c[0] for c in cells] == ["'", "<", "'", "'"]
    elif fmt == "md":
        text = data.decode()
        assert "<script>" not in text and "&lt;script&gt;" in text
    elif fmt == "tex":
        text = data.decode()
        assert "<script>" not in text and r"\textless{}script\textgreater{}" in text
    elif fmt == "docx":
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "&lt;script&gt;" in xml and "<script>" not in xml
        assert "instrText" not in xml and "fldSimple" not in xml and "w:hyperlink" not in xml
    else:
        cells = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
        assert all(c.data_type == "s" for c in cells)
        assert not any(str(c.value).startswith(("=", "+", "@")) for c in cells)
        assert cells[1].value == "<script>alert(1)</script>"


def test_markdown_cells_cannot_break_the_table_or_add_links():
    assert markdown_escape("a | b") == r"a \| b"
    assert markdown_escape("[x](http://y)") == r"\[x\](http://y)"
    assert markdown_escape("*bold*\nnext") == r"\*bold\* next"
    lines = to_markdown(table()).decode().splitlines()
    assert lines[2] == "| Column 0 | Column 1 | Column 2 |" and lines[3] == "| --- | --- | --- |"


def test_a_row_starting_with_a_bracket_cannot_be_read_as_the_previous_rows_skip():
    tex = to_latex(table(rows=(("first", "a", "b"), ("[She] never judged me", "[1]", "b")))).decode()
    assert "\\\\\n{[}She{]} never judged me & {[}1{]} & b \\\\" in tex
    assert "\\\\\n[" not in tex


FORMULA_HEADERS = ("=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "\tTab", "\rReturn")


def test_csv_and_xlsx_headers_that_look_like_formulas_are_neutralised():
    named = Table("configurations", "T", FORMULA_HEADERS, (tuple("x" * 6),), (1.0,) * 6)
    header = next(csv.reader(io.StringIO(to_csv(named).decode("utf-8-sig"))))
    assert header == ["'" + name for name in FORMULA_HEADERS]
    cells = next(load_workbook(io.BytesIO(to_xlsx([named]))).active.iter_rows(max_row=1))
    assert [c.value for c in cells] == ["'" + name for name in FORMULA_HEADERS]
    assert all(c.data_type == "s" and c.font.bold for c in cells)


def test_xlsx_number_cells_are_numbers_and_text_that_looks_like_a_number_stays_text():
    rows = (("A01", 12, "2024"), ("A02", 0, ""))
    sheet = load_workbook(io.BytesIO(to_xlsx([table(rows=rows)]))).active
    assert [c.value for c in sheet[2]] == ["A01", 12, "2024"] and sheet["B2"].data_type == "n"
    assert sheet["B3"].value == 0 and sheet["C3"].value is None


def test_numbers_are_written_as_plain_text_in_csv_markdown_latex_and_word():
    rows = (("A01", 12, 3.5),)
    assert list(csv.reader(io.StringIO(to_csv(table(rows=rows)).decode("utf-8-sig"))))[1] == [
        "A01",
        "12",
        "3.5",
    ]
    assert "| A01 | 12 | 3.5 |" in to_markdown(table(rows=rows)).decode()
    assert "A01 & 12 & 3.5 \\\\" in to_latex(table(rows=rows)).decode()
    assert [c.text for c in Document(io.BytesIO(to_docx(table(rows=rows)))).tables[0].rows[1].cells] == [
        "A01",
        "12",
        "3.5",
    ]


def test_csv_has_a_header_row_and_every_row():
    rows = list(csv.reader(io.StringIO(to_csv(table()).decode("utf-8-sig"))))
    assert rows[0] == ["Column 0", "Column 1", "Column 2"] and len(rows) == 5


def test_a_docx_table_has_a_repeating_header_row_and_every_row_and_column():
    document = Document(io.BytesIO(to_docx(table())))
    grid = document.tables[0]
    assert len(grid.rows) == 5 and len(grid.columns) == 3
    assert [c.text for c in grid.rows[0].cells] == ["Column 0", "Column 1", "Column 2"]
    assert grid.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert grid.rows[0]._tr.trPr.xpath("./w:tblHeader")
    assert [c.text for c in grid.rows[4].cells] == ["r3c0", "r3c1", "r3c2"]
    assert document.sections[0].orientation == WD_ORIENT.PORTRAIT


def test_line_breaks_in_a_quote_stay_line_breaks_in_word():
    document = Document(io.BytesIO(to_docx(table(rows=(("first\nsecond", "b", "c"),)))))
    assert document.tables[0].rows[1].cells[0].text == "first\nsecond"


def test_a_wide_docx_table_is_on_a_landscape_page():
    section = Document(io.BytesIO(to_docx(table(columns=7)))).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height


def test_control_characters_do_not_break_office_files():
    rows = (("bell\x07here", "nul\x00", "ok\ttab"),)
    assert Document(io.BytesIO(to_docx(table(rows=rows)))).tables[0].rows[1].cells[0].text == "bellhere"
    assert load_workbook(io.BytesIO(to_xlsx([table(rows=rows)]))).active["A2"].value == "bellhere"


def test_an_xlsx_workbook_has_one_sheet_per_table_with_a_frozen_bold_header():
    second = Table("data-examples", "Examples", ("Quote", "Study"), (("q", "s"),), (1.0, 1.0))
    book = load_workbook(io.BytesIO(to_xlsx([table(), second])))
    assert book.sheetnames == ["configurations", "data-examples"]
    sheet = book["configurations"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert [c.value for c in sheet[1]] == ["Column 0", "Column 1", "Column 2"] and sheet.max_row == 5


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("A/B:C", taken) == "A B C 2"
    assert len(sheet_name("x" * 40, taken)) == 31


def test_plotly_labels_show_markup_literally():
    assert safe('<a href="x">link</a> & <b>') == '&lt;a href="x"&gt;link&lt;/a&gt; &amp; &lt;b&gt;'


def _tiny_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def test_a_png_is_marked_300_dpi_once():
    png = with_dpi(with_dpi(_tiny_png(), 72))
    assert png_dpi(_tiny_png()) is None
    assert png_dpi(png) == pytest.approx(300, abs=0.01)
    assert png.count(b"pHYs") == 1


def test_a_bundle_refuses_names_outside_it():
    with pytest.raises(ValueError, match="unsafe"):
        write_bundle({"../evil.txt": b"x"}, "readme")
    names = zipfile.ZipFile(io.BytesIO(write_bundle({"tables/a.csv": b"x"}, "readme"))).namelist()
    assert names == ["README.md", "tables/a.csv"]


def test_a_bundle_stores_compressed_formats_as_they_are_and_deflates_text():
    files = {
        "figures/a.png": b"\x89PNG" + bytes(4000),
        "tables/a.csv": b"a,b\n" * 1000,
        "tables/a.docx": b"PK",
    }
    archive = zipfile.ZipFile(io.BytesIO(write_bundle(files, "readme")))
    methods = {i.filename: i.compress_type for i in archive.infolist()}
    assert methods == {
        "README.md": zipfile.ZIP_DEFLATED,
        "figures/a.png": zipfile.ZIP_STORED,
        "tables/a.csv": zipfile.ZIP_DEFLATED,
        "tables/a.docx": zipfile.ZIP_STORED,
    }
    assert {name: archive.read(name) for name in files} == files


def test_a_bundle_reads_back_whole_with_its_names_dates_and_permissions():
    files = {"figures/context-ελπίδα-希望.svg": "<svg>ελπίδα</svg>".encode(), "tables/b.md": b"| a |\n" * 500}
    written = datetime(2026, 12, 4, 18, 30, 17)
    archive = zipfile.ZipFile(io.BytesIO(write_bundle(files, "# Bundle", written)))
    assert archive.testzip() is None  # every entry's CRC checks out
    assert archive.namelist() == ["README.md", *sorted(files)]
    assert archive.read("README.md") == b"# Bundle"
    for info in archive.infolist():
        assert info.date_time == (2026, 12, 4, 18, 30, 16)  # zip dates count in two-second steps
        assert info.external_attr >> 16 == 0o100644
    assert archive.read("figures/context-ελπίδα-希望.svg") == files["figures/context-ελπίδα-希望.svg"]
