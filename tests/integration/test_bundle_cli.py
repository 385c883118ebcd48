"""`workbench bundle` and the bundle service: every table and figure in every format, with progress."""

import io
import zipfile

import pytest

from tests.conftest import run_workbench as workbench
from workbench.domain.tables import TABLES
from workbench.graphs.export import png_dpi
from workbench.services import publication
from workbench.services.demo_large import load_large_demo
from workbench.services.errors import Invalid
from workbench.services.figures import programme

OWNER = "olive"


def _names(zipped: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(zipped)).namelist())


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_the_bundle_command_writes_every_table_and_figure_in_every_format(empty_database_url, tmp_path):
    assert workbench(empty_database_url, "db", "upgrade").returncode == 0
    made = workbench(empty_database_url, "demo", "--large", "3", "--project", "Big", user=OWNER)
    assert made.returncode == 0, made.stderr
    out = tmp_path / "out" / "big.zip"
    result = workbench(empty_database_url, "bundle", "--project", "Big", "--out", str(out), user=OWNER)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    archive = zipfile.ZipFile(out)
    names = set(archive.namelist())
    assert {"README.md", "tables/tables.xlsx"} <= names
    assert {f"tables/{t}.{fmt}" for t in TABLES for fmt in ("docx", "csv", "md", "tex")} <= names
    stems = {n.removeprefix("figures/").rsplit(".", 1)[0] for n in names if n.startswith("figures/")}
    assert {"overview-sankey", "context-outcome-matrix", "study-code-matrix", "chains"} <= stems
    assert sum(1 for s in stems if s.startswith("context-") and s != "context-outcome-matrix") >= 3
    assert {f"figures/{s}.{fmt}" for s in stems for fmt in ("svg", "png", "pdf")} <= names
    for stem in stems:
        assert png_dpi(archive.read(f"figures/{stem}.png")) == pytest.approx(300, abs=0.01)
        assert archive.read(f"figures/{stem}.pdf").startswith(b"%PDF")
        assert archive.read(f"figures/{stem}.svg").lstrip().startswith(b"<svg")


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_the_bundle_of_an_unknown_project_is_a_one_line_error(empty_database_url, tmp_path):
    workbench(empty_database_url, "db", "upgrade")
    result = workbench(empty_database_url, "bundle", "--project", "Nope", "--out", str(tmp_path / "x.zip"))
    assert result.returncode == 1
    assert result.stderr.strip() == "workbench: error: no project named 'Nope'"
    assert not (tmp_path / "x.zip").exists()


def test_both_engines_give_the_same_files_and_report_progress_to_the_end(store):
    project_id = load_large_demo(store, OWNER, 3, reviewers=2).project_id
    seen: list[tuple[int, int, str]] = []
    direct = publication.bundle(
        store, OWNER, project_id, figure_formats=("svg",), progress=lambda *a: seen.append(a)
    )
    through_browser = publication.bundle(store, OWNER, project_id, figure_formats=("svg",), engine="kaleido")
    assert _names(direct) == _names(through_browser)
    done = [d for d, _t, _l in seen]
    assert done == sorted(done) and seen[-1][:2] == (seen[-1][1], seen[-1][1])
    assert {t for _d, t, _l in seen} == {seen[-1][1]}
    labels = [label for _d, _t, label in seen]
    assert "tables/tables.xlsx" in labels and "zip" in labels
    data = programme(store, OWNER, project_id)
    assert len(data.configurations) == 30


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_an_unknown_figure_engine_is_refused(store):
    project_id = load_large_demo(store, OWNER, 1, reviewers=1).project_id
    with pytest.raises(Invalid, match="direct, kaleido"):
        publication.bundle(store, OWNER, project_id, engine="inkscape")
