"""Publication files of the demo project: tables in every format, figures via kaleido, bundle, CLI."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.conftest import run_workbench as workbench
from workbench.domain.tables import TABLE_FORMATS, TABLES
from workbench.graphs.export import png_dpi
from workbench.services import demo, publication
from workbench.services.errors import NotFound

ROOT = Path(__file__).resolve().parents[2]
APPEAR = ["accepting", "personalised-practice", "empowering", "available", "reciprocal"]


def _unnumbered(name: str) -> str:
    """A context figure's file name without its code id: "context-accepting-12.svg" -> "…-accepting.svg"."""
    return re.sub(r"^(.*context-.+)-\d+(\.\w+)$", r"\1\2", name)


def _project(store) -> int:
    return demo.load_demo(store, "owner").project_id


@pytest.mark.parametrize("name", TABLES)
@pytest.mark.parametrize("fmt", TABLE_FORMATS)
def test_every_table_is_written_in_every_format(demo_store, name, fmt):
    data = publication.export_table(demo_store, "owner", _project(demo_store), name, fmt)
    if fmt == "docx":
        grid = Document(io.BytesIO(data)).tables[0]
        assert len(grid.rows) > 1 and grid.rows[0].cells[0].text in ("CMOC", "Study", "Quote")
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data))[name]
        assert sheet.max_row > 1 and sheet.freeze_panes == "A2"
    else:
        assert len(data.decode("utf-8-sig").splitlines()) > 2


def test_the_configurations_docx_has_a_row_per_configuration_on_a_landscape_page(demo_store):
    data = publication.export_table(demo_store, "owner", _project(demo_store), "configurations", "docx")
    document = Document(io.BytesIO(data))
    grid = document.tables[0]
    assert len(grid.rows) == 33 and len(grid.columns) == 8
    assert [c.text for c in grid.rows[0].cells][-2:] == ["N studies", "Example quote"]
    assert document.sections[0].page_width > document.sections[0].page_height


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_a_context_figure_renders_through_kaleido(demo_store, fmt):
    files = publication.figure_files(demo_store, "owner", _project(demo_store), fmt, "Accepting")
    assert [_unnumbered(f.name) for f in files] == [f"context-accepting.{fmt}"]
    data = files[0].data
    if fmt == "svg":
        assert data.startswith(b"<svg") and b"Non-judgemental" in data and b">stance<" in data
    elif fmt == "png":
        assert data.startswith(b"\x89PNG") and png_dpi(data) == pytest.approx(300, abs=0.01)
    else:
        assert data.startswith(b"%PDF")


def test_an_unknown_context_is_a_clear_error(demo_store):
    with pytest.raises(NotFound, match="Accepting, Personalised Practice"):
        publication.figure_files(demo_store, "owner", _project(demo_store), "svg", "Nope")


def test_the_bundle_holds_every_table_and_figure(demo_store):
    data = publication.bundle(demo_store, "owner", _project(demo_store), figure_formats=("svg",))
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert "README.md" in names and "tables/tables.xlsx" in names
    assert {f"tables/{t}.{fmt}" for t in TABLES for fmt in ("docx", "csv", "md", "tex")} <= names
    assert {f"figures/context-{c}.svg" for c in APPEAR} <= {_unnumbered(n) for n in names}
    assert {"figures/overview-sankey.svg", "figures/context-outcome-matrix.svg"} <= names
    assert "figures/study-code-matrix.svg" in names
    book = load_workbook(io.BytesIO(zipfile.ZipFile(io.BytesIO(data)).read("tables/tables.xlsx")))
    assert book.sheetnames == list(TABLES)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    assert workbench(url, "demo").returncode == 0
    return url


def test_cli_export_writes_a_table_file(demo_url, tmp_path):
    out = tmp_path / "tables" / "configurations.xlsx"
    result = workbench(
        demo_url,
        "export",
        "configurations",
        "--project",
        demo.DEMO_PROJECT,
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert load_workbook(out)["configurations"].max_row == 33


def test_cli_export_refuses_an_unknown_table(demo_url, tmp_path):
    result = workbench(
        demo_url,
        "export",
        "everything",
        "--project",
        demo.DEMO_PROJECT,
        "--format",
        "csv",
        "--out",
        str(tmp_path / "x.csv"),
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_cli_figure_all_writes_one_file_per_context(demo_url, tmp_path):
    result = workbench(
        demo_url,
        "figure",
        "--project",
        demo.DEMO_PROJECT,
        "--all",
        "--format",
        "png",
        "--out",
        str(tmp_path / "figures"),
    )
    assert result.returncode == 0, result.stderr
    written = {_unnumbered(p.name): p for p in (tmp_path / "figures").iterdir()}
    assert sorted(written) == sorted(f"context-{c}.png" for c in APPEAR)
    assert png_dpi(written["context-empowering.png"].read_bytes()) == pytest.approx(300, abs=0.01)


def test_cli_figure_of_one_context_and_of_an_unknown_one(demo_url, tmp_path):
    out = tmp_path / "reciprocal.pdf"
    ok = workbench(
        demo_url,
        "figure",
        "--project",
        demo.DEMO_PROJECT,
        "--context",
        "reciprocal",
        "--format",
        "pdf",
        "--out",
        str(out),
    )
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes().startswith(b"%PDF")
    bad = workbench(
        demo_url,
        "figure",
        "--project",
        demo.DEMO_PROJECT,
        "--context",
        "Nope",
        "--format",
        "svg",
        "--out",
        str(tmp_path / "x.svg"),
    )
    assert bad.returncode == 1 and "no context code named 'Nope'" in bad.stderr
