"""Batch import: the sample corpus comes in matched and described; bad files fail alone and leave nothing."""

import io
import json
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tests.conftest import run_workbench
from workbench.importers.archive import IncomingFile, from_bytes
from workbench.services import characteristics, importing, projects, stats, studies

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "sample_corpus"
USER = "importer"


def pdf_bytes(pages: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_workbench(url, *args, user=USER)


def corpus_files() -> list[Path]:
    files = sorted((CORPUS / "studies").iterdir())
    return [*files, CORPUS / "references.ris", CORPUS / "characteristics.csv"]


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_importing_the_sample_corpus_matches_every_study_and_a_second_import_changes_nothing(
    empty_database_url,
):
    url = empty_database_url
    assert run_cli(url, "db", "upgrade").returncode == 0
    assert run_cli(url, "project", "create", "Peer support review").returncode == 0
    paths = [str(p) for p in corpus_files()]
    first = run_cli(url, "import", "--project", "Peer support review", *paths)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "13 matched" in first.stdout.splitlines()[-1] or "13 imported" in first.stdout.splitlines()[-1]
    assert "matched by DOI" in first.stdout
    counts = json.loads(run_cli(url, "stats", "--json").stdout)
    assert (counts["studies"], counts["documents"]) == (13, 13)

    second = run_cli(url, "import", "--project", "Peer support review", *paths)
    assert second.returncode == 0
    assert "13 duplicate" in second.stdout.splitlines()[-1]
    assert "imported" not in second.stdout.splitlines()[-1]
    assert json.loads(run_cli(url, "stats", "--json").stdout) == counts


def test_imported_studies_carry_their_reference_and_characteristics(store):
    project_id = projects.create_project(store, USER, "Review")
    files = [IncomingFile(p.name, p.stat().st_size, p.read_bytes) for p in corpus_files()]
    summary = importing.import_files(store, USER, project_id, files)
    assert summary.count(importing.Status.FAILED) == 0, summary.outcomes
    rows = studies.list_studies(store, USER, project_id)
    assert len(rows) == 13
    for row in rows:
        assert row.doi and row.doi.startswith("10.5555/") and row.year and row.journal, row.key
        assert row.country and row.discipline and row.participants and row.relevance and row.rigour, row.key
        assert row.documents == 1


def bad_files() -> list[tuple[str, bytes, str]]:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Secret peer support notes."]))))
    writer.encrypt("pw")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    blank = FPDF()
    blank.add_page()
    blank.rect(20, 20, 100, 100)
    good_pdf = pdf_bytes(["Page one of a study about peer support."] * 3)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    return [
        ("locked.pdf", encrypted.getvalue(), "encrypted"),
        ("scan.pdf", bytes(blank.output()), "needs OCR"),
        ("cut.pdf", good_pdf[: len(good_pdf) // 2], "PDF"),
        ("empty.txt", b"", "empty (0 bytes)"),
        ("photo.docx", png, "not a Word document"),
        ("refs.bib", b"@article{a,\n title = {Open\n}\n", "unclosed"),
    ]


def test_each_bad_file_fails_alone_with_its_reason_and_leaves_nothing(store):
    project_id = projects.create_project(store, USER, "Review")
    good = from_bytes(
        "Ökologie_studie.txt", "A study of peer support in Zürich.\n\nFindings follow.".encode()
    )
    files = [from_bytes(name, data) for name, data, _ in bad_files()] + [good]
    summary = importing.import_files(store, USER, project_id, files)
    failed = {o.filename: o.message for o in summary.outcomes if o.status is importing.Status.FAILED}
    for name, _data, reason in bad_files()[:5]:
        assert reason in failed[name], (name, failed.get(name))
    references = [o for o in summary.outcomes if o.filename == "refs.bib"]
    assert references and "unclosed" in references[0].message
    keys = [r.key for r in studies.list_studies(store, USER, project_id)]
    assert keys == ["Ökologie_studie"]
    assert stats.store_stats(store, USER, project_id)["documents"] == 1


def test_a_ris_file_with_broken_lines_reports_them_and_keeps_the_good_records(store):
    project_id = projects.create_project(store, USER, "Review")
    ris = (CORPUS / "references.ris").read_text(encoding="utf-8").replace("PY  - ", "PY 20", 1)
    summary = importing.import_files(store, USER, project_id, [from_bytes("refs.ris", ris.encode())])
    (outcome,) = [o for o in summary.outcomes if o.status is importing.Status.REFERENCES]
    assert "line" in outcome.message and "13 references read" in outcome.message
    assert len(studies.list_studies(store, USER, project_id)) == 13


def test_a_zip_of_studies_is_imported_and_its_unsafe_members_refused(store):
    project_id = projects.create_project(store, USER, "Review")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("batch/s01.txt", (CORPUS / "studies" / "s01_acute_ward.txt").read_bytes())
        zf.writestr("../outside.txt", b"should never be written")
        zf.writestr("bomb.txt", b"0" * (30 * 1024 * 1024))
    summary = importing.import_files(store, USER, project_id, [from_bytes("batch.zip", buffer.getvalue())])
    by_name = {o.filename: o for o in summary.outcomes}
    assert by_name["batch.zip › batch/s01.txt"].status is importing.Status.IMPORTED
    assert by_name["batch.zip › ../outside.txt"].status is importing.Status.FAILED
    assert "zip bomb" in by_name["batch.zip › bomb.txt"].message
    assert [r.key for r in studies.list_studies(store, USER, project_id)] == ["s01"]


def test_an_oversized_upload_is_refused_before_it_is_read(store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "1")
    project_id = projects.create_project(store, USER, "Review")

    def never() -> bytes:
        raise AssertionError("read although too large")

    summary = importing.import_files(
        store, USER, project_id, [IncomingFile("big.pdf", 200 * 1024 * 1024, never)]
    )
    assert summary.outcomes[0].message == "the file is 200.0 MB; the limit is 1.0 MB (WORKBENCH_MAX_FILE_MB)"


def test_duplicates_can_be_merged_into_the_existing_study(store):
    project_id = projects.create_project(store, USER, "Review")
    ris = from_bytes("refs.ris", (CORPUS / "references.ris").read_bytes())
    text = (CORPUS / "studies" / "s01_acute_ward.txt").read_bytes()
    importing.import_files(store, USER, project_id, [ris, from_bytes("s01.txt", text)])
    again = importing.import_files(
        store, USER, project_id, [from_bytes("s01-copy.txt", text + b"\n\nErratum.")], on_duplicate="ask"
    )
    (pending,) = again.pending
    outcomes = importing.resolve_duplicates(store, USER, project_id, [(pending, True)])
    assert outcomes[0].status is importing.Status.MERGED
    rows = studies.list_studies(store, USER, project_id)
    assert len(rows) == 13 and sum(r.documents for r in rows) == 2


def test_a_characteristics_csv_with_an_unknown_study_changes_nothing(store):
    project_id = projects.create_project(store, USER, "Review")
    importing.import_files(
        store, USER, project_id, [from_bytes("refs.ris", (CORPUS / "references.ris").read_bytes())]
    )
    csv_text = characteristics.to_csv(store, USER, project_id) + "nobody,UK,,,,,,\n"
    result = characteristics.from_csv(store, USER, project_id, csv_text)
    assert result.errors == ["nobody: no such study in this project"]
    assert result.changed == 0


def test_docx_and_non_ascii_file_names_import(store, tmp_path):
    project_id = projects.create_project(store, USER, "Review")
    document = docx.Document()
    document.add_paragraph("Études de pairs: a study of peer support in Québec.")
    path = tmp_path / "Étude_été.docx"
    document.save(str(path))
    summary = importing.import_files(
        store, USER, project_id, [IncomingFile(path.name, path.stat().st_size, path.read_bytes)]
    )
    assert summary.outcomes[0].status is importing.Status.IMPORTED
    assert [r.key for r in studies.list_studies(store, USER, project_id)] == ["Étude_été"]
