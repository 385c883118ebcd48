"""Word and Excel tables keep every character, width and style of their cells, however many rows."""

import io
import zipfile

from docx import Document
from lxml import etree
from openpyxl import load_workbook

from workbench.domain.tables import Table
from workbench.exporters.office import add_table, new_document, to_docx, to_xlsx

TRICKY = ("Tom & Jerry <b>not bold</b>", "  padded  ", "carriage\rreturn", "quote \"x\" and 'y'", "")


def _examples(rows: int = 300) -> Table:
    body = tuple((f"{TRICKY[r % len(TRICKY)]} {r}", r, f"line one\nline two {r}") for r in range(rows))
    return Table("data-examples", "Examples", ("Quote", "Count", "Study"), body, (3.0, 1.0, 2.0), "A note.")


def test_every_docx_cell_holds_its_text_exactly_with_markup_characters_and_line_breaks():
    table = _examples()
    grid = Document(io.BytesIO(to_docx(table))).tables[0]
    assert len(grid.rows) == len(table.rows) + 1
    for values, row in zip(table.rows, grid.rows[1:], strict=True):
        assert [c.text for c in row.cells] == [str(v) for v in values]


def test_docx_body_cells_have_the_widths_of_the_header_cells():
    grid = Document(io.BytesIO(to_docx(_examples(5)))).tables[0]
    header = [c.width for c in grid.rows[0].cells]
    assert header[0] > header[2] > header[1]
    for row in grid.rows[1:]:
        assert [c.width for c in row.cells] == header


def test_every_xlsx_cell_is_wrapped_and_top_aligned_with_numbers_as_numbers():
    table = _examples()
    sheet = load_workbook(io.BytesIO(to_xlsx([table]))).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [[c.value for c in row] for row in rows] == [
        [v if v != "" else None for v in values] for values in table.rows
    ]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.alignment.wrap_text and cell.alignment.vertical == "top", cell.coordinate
    assert all(row[1].data_type == "n" and row[0].data_type == "s" for row in rows)
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])


def test_xlsx_columns_are_as_wide_as_their_weights_say():
    sheet = load_workbook(io.BytesIO(to_xlsx([_examples(3)]))).active
    assert [sheet.column_dimensions[k].width for k in "ABC"] == [60, 20, 40]


def test_a_table_docx_spliced_after_saving_holds_the_same_document_as_one_built_in_python_docx():
    table = _examples(40)
    document = new_document(table.wide)
    document.add_paragraph().add_run(table.title).bold = True
    add_table(document, table)  # rows parsed into the document (the consultation report's way)
    built = io.BytesIO()
    document.save(built)
    canonical = [
        etree.tostring(
            etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")), method="c14n"
        )
        for docx in (built.getvalue(), to_docx(table))
    ]
    assert canonical[0] == canonical[1]
