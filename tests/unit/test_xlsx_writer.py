"""The direct XLSX writer: every character, number, style and width comes back as written."""

import io

import pytest
from openpyxl import load_workbook

from workbench.exporters.xlsx import Sheet, column_letter, workbook

TEXTS = ("Tom & Jerry <b>", "  padded  ", "carriage\rreturn", "line one\nline two", "=SUM(A1)", 'quote "x"')


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_columns_are_lettered_as_spreadsheets_letter_them(index, letters):
    assert column_letter(index) == letters


def test_cells_come_back_with_every_character_and_numbers_as_numbers():
    rows = [[text, n, n + 0.5] for n, text in enumerate(TEXTS)]
    data = workbook([Sheet("Q&A 'one'", [30, 8, 10.5], ["Text", "N", "Half"], rows)])
    sheet = load_workbook(io.BytesIO(data))["Q&A 'one'"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == rows
    assert all(row[0].data_type == "s" and row[1].data_type == "n" for row in sheet.iter_rows(min_row=2))
    assert [sheet.column_dimensions[k].width for k in "ABC"] == [30, 8, 10.5]
    assert sheet.freeze_panes == "A2"
    assert [c.font.b for c in sheet[1]] == [True] * 3 and not any(c.font.b for c in sheet[2])
    assert all(
        c.alignment.wrap_text and c.alignment.vertical == "top" for row in sheet.iter_rows() for c in row
    )


def test_sheets_keep_their_order_and_an_empty_cell_stays_empty():
    data = workbook([Sheet("b", [8], ["x"], [[""]]), Sheet("a", [8], ["y"], [])])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["b", "a"]
    assert book["b"]["A2"].value is None and book["a"].max_row == 1
