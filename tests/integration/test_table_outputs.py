"""What a reviewer relies on in exported tables and figure files: CMOC labels, number cells, safe
spreadsheet headers, and one file per context whatever alphabet its name is in."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from workbench.domain.characteristics import FieldType
from workbench.domain.figures import drawable_contexts
from workbench.domain.tables import TABLES, build_table
from workbench.services import characteristics, codebook, demo, publication
from workbench.services.figures import programme

OWNER = "owner"
NUMBER_COLUMNS = ("N studies", "Excerpts", "Page", "Year", "Participants", "CASP yes (of 10)")
LABEL_COLUMNS = ("CMOC", "CMOCs")


def _project(store) -> int:
    return demo.load_demo(store, OWNER).project_id


def test_every_exported_table_carries_the_configuration_labels_the_figures_cite(demo_store):
    project_id = _project(demo_store)
    labels = {c.label for c in programme(demo_store, OWNER, project_id).configurations}
    data = programme(demo_store, OWNER, project_id)
    for name, table in ((name, build_table(data, name)) for name in TABLES):
        column = next(i for i, c in enumerate(table.columns) if c in LABEL_COLUMNS)
        cited = {label for row in table.rows for label in str(row[column]).split(", ") if label}
        assert cited and cited <= labels, name
        if name == "configurations":
            assert [row[column] for row in table.rows].count("A01") == 1 and cited == labels


@pytest.mark.parametrize("name", publication.TABLES)
def test_xlsx_counts_years_pages_and_scores_are_number_cells(demo_store, name):
    data = publication.export_table(demo_store, OWNER, _project(demo_store), name, "xlsx")
    sheet = load_workbook(io.BytesIO(data))[name]
    header = [cell.value for cell in sheet[1]]
    numeric = [header.index(c) for c in NUMBER_COLUMNS if c in header]
    assert numeric, f"{name} has no number column"
    for row in sheet.iter_rows(min_row=2):
        for index in numeric:
            if row[index].value is not None:
                assert row[index].data_type == "n" and isinstance(row[index].value, int), header[index]
        assert all(isinstance(c.value, str) for i, c in enumerate(row) if i not in numeric and c.value)
    filled = [
        row[numeric[0]].value for row in sheet.iter_rows(min_row=2) if row[numeric[0]].value is not None
    ]
    assert filled and all(value >= 0 for value in filled)


def test_the_study_characteristics_xlsx_has_years_as_numbers(demo_store):
    data = publication.export_table(demo_store, OWNER, _project(demo_store), "study-characteristics", "xlsx")
    sheet = load_workbook(io.BytesIO(data))["study-characteristics"]
    year = [c.value for c in sheet[1]].index("Year") + 1
    years = [sheet.cell(r, year).value for r in range(2, sheet.max_row + 1)]
    assert all(isinstance(y, int) and 1990 < y < 2100 for y in years)


def test_the_characteristics_csv_neutralises_field_names_and_still_round_trips(demo_clone):
    store = demo_clone
    project_id = _project(store)
    characteristics.add_field(store, OWNER, project_id, "=HYPERLINK(1)", FieldType.TEXT, [])
    characteristics.add_field(store, OWNER, project_id, "@risk", FieldType.TEXT, [])
    written = characteristics.to_csv(store, OWNER, project_id)
    header = next(csv.reader(io.StringIO(written)))
    assert header[-2:] == ["'=HYPERLINK(1)", "'@risk"]
    assert not any(name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in header)
    result = characteristics.from_csv(store, OWNER, project_id, written)
    assert characteristics.to_csv(store, OWNER, project_id) == written, result


def _rename_two_contexts(store, project_id: int) -> None:
    nodes = {n.id: n for n in codebook.flatten(codebook.codebook_tree(store, OWNER, project_id))}
    first, second = drawable_contexts(programme(store, OWNER, project_id))[:2]
    for code, name in ((first, "Αποδοχή"), (second, "接纳与支持")):
        codebook.rename_code(store, OWNER, code.id, name, expected_version=nodes[code.id].version)


def test_context_figures_named_in_greek_and_chinese_get_one_file_each(demo_clone):
    project_id = _project(demo_clone)
    _rename_two_contexts(demo_clone, project_id)
    contexts = drawable_contexts(programme(demo_clone, OWNER, project_id))
    files = publication.figure_files(demo_clone, OWNER, project_id, "svg")
    names = [f.name for f in files]
    assert len(set(names)) == len(contexts) == 5
    assert publication.context_stem(contexts[0].id, contexts[0].name) + ".svg" in names
    assert any("Αποδοχή".encode() in f.data for f in files) and any("接纳".encode() in f.data for f in files)
    zipped = publication.bundle(demo_clone, OWNER, project_id, figure_formats=("svg",))
    in_bundle = zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    drawn = [n for n in in_bundle if n.startswith("figures/context-") and "outcome-matrix" not in n]
    assert sorted(drawn) == sorted(f"figures/{n}" for n in names)
