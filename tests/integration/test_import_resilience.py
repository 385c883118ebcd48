"""A batch survives bad files; text the store cannot hold is cleaned or refused alike on both databases."""

import io
import struct
import threading
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from tests.conftest import run_workbench
from workbench.domain.codebook import CodebookError
from workbench.importers.archive import IncomingFile, from_bytes
from workbench.services import codebook, importing, projects, stats, studies
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "sample_corpus"
USER = "importer"
FAILED = importing.Status.FAILED


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _central_entry(data: bytes, member: str) -> int:
    """Offset of a member's record in the zip's central directory."""
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(member)] != member.encode():
        at = data.find(b"PK\x01\x02", at + 1)
    return at


TOPICS = [
    "housing first", "prison release", "maternal health", "youth homelessness", "veteran recovery",
    "eating disorders", "rural farmers", "refugee families", "student wellbeing", "older carers",
    "dementia cafes", "gambling harm",
]  # fmt: skip


def study_text(n: int) -> bytes:
    """A small full text whose title (its first line) no other one resembles."""
    return f"Peer support in {TOPICS[n]}\n\nParticipants valued openness about {TOPICS[n]}.".encode()


def bad_crc_zip() -> bytes:
    """good.txt reads fine; broken.txt's stored checksum is wrong (both in its local and central header)."""
    data = bytearray(zip_bytes({"good.txt": study_text(1), "broken.txt": study_text(2)}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("broken.txt")
    wrong = struct.pack("<I", info.CRC ^ 0xFFFFFFFF)
    data[info.header_offset + 14 : info.header_offset + 18] = wrong
    central = _central_entry(bytes(data), "broken.txt")
    data[central + 16 : central + 20] = wrong
    return bytes(data)


def lying_sizes_zip() -> bytes:
    """liar.txt's headers claim 9 compressed bytes; the deflate stream is cut short when read."""
    data = bytearray(zip_bytes({"liar.txt": study_text(3) * 50, "fine.txt": study_text(4)}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("liar.txt")
    struct.pack_into("<I", data, info.header_offset + 18, 9)
    struct.pack_into("<I", data, _central_entry(bytes(data), "liar.txt") + 20, 9)
    return bytes(data)


def pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def mixed_batch() -> tuple[dict[str, bytes], set[str], set[str]]:
    """Files to import, the labels expected imported, and the labels expected named as failed."""
    good_pdf = pdf_bytes("Peer support on acute wards: a qualitative study of openness.")
    good_docx = docx_bytes("Peer workers in prisons: how shared experience builds trust.")
    files = {
        "first.txt": study_text(10),
        "crc.zip": bad_crc_zip(),
        "liar.zip": lying_sizes_zip(),
        "cut.pdf": good_pdf[: len(good_pdf) // 2],
        "cut.docx": good_docx[: len(good_docx) - 200],
        "fake.docx": b"Just some text, renamed to look like a Word file.",
        "empty.txt": b"",
        "wards.pdf": good_pdf,
        "prisons.docx": good_docx,
        "last.md": study_text(11),
    }
    imported = {
        "first.txt",
        "crc.zip › good.txt",
        "liar.zip › fine.txt",
        "wards.pdf",
        "prisons.docx",
        "last.md",
    }
    failed = {"crc.zip › broken.txt", "liar.zip › liar.txt", "cut.pdf", "cut.docx", "fake.docx", "empty.txt"}
    return files, imported, failed


def test_a_batch_imports_every_good_file_around_damaged_ones_and_names_each_bad_one(store):
    project_id = projects.create_project(store, USER, "Review")
    files, imported, failed = mixed_batch()
    summary = importing.import_files(store, USER, project_id, [from_bytes(n, d) for n, d in files.items()])
    by_status = {
        status: {o.filename for o in summary.outcomes if o.status is status} for status in importing.Status
    }
    assert by_status[importing.Status.IMPORTED] == imported
    assert by_status[FAILED] == failed
    messages = {o.filename: o.message for o in summary.outcomes if o.status is FAILED}
    assert "damaged" in messages["crc.zip › broken.txt"] and "CRC" in messages["crc.zip › broken.txt"]
    assert "Traceback" not in "".join(messages.values())
    assert summary.headline() == "6 imported, 6 failed"
    assert stats.store_stats(store, USER, project_id)["documents"] == 6


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_the_cli_imports_the_good_files_names_the_bad_ones_and_exits_1(empty_database_url, tmp_path):
    url = empty_database_url
    files, imported, failed = mixed_batch()
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert run_workbench(url, "db", "upgrade", user=USER).returncode == 0
    assert run_workbench(url, "project", "create", "Review", user=USER).returncode == 0
    result = run_workbench(
        url, "import", "--project", "Review", *sorted(str(tmp_path / n) for n in files), user=USER
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for label in failed:
        assert any(line.startswith("failed") and f" {label}: " in line for line in lines), label
    for label in imported:
        assert any(line.startswith("imported") and f" {label}: " in line for line in lines), label
    assert lines[-1] == "6 imported, 6 failed"
    assert "Traceback" not in result.stderr and str(tmp_path) not in result.stdout
    assert "[1/" in result.stderr  # a progress line per file


def test_an_unexpected_error_in_one_file_is_reported_plainly_and_the_batch_goes_on(store, caplog):
    project_id = projects.create_project(store, USER, "Review")

    def explode() -> bytes:
        raise RuntimeError("/srv/secret/path exploded")

    files = [IncomingFile("odd.txt", 10, explode), from_bytes("fine.txt", study_text(5))]
    summary = importing.import_files(store, USER, project_id, files)
    (odd,) = [o for o in summary.outcomes if o.filename == "odd.txt"]
    assert odd.status is FAILED and "unexpected error" in odd.message and "/srv" not in odd.message
    assert "/srv/secret/path exploded" in caplog.text  # logged whole for the maintainers
    assert [r.key for r in studies.list_studies(store, USER, project_id)] == ["fine"]


def test_nul_and_control_characters_are_removed_from_texts_and_references(store):
    project_id = projects.create_project(store, USER, "Review")
    ris = (
        "TY  - JOUR\nTI  - Peer\x00 support and\x07 recovery in rural clinics\nAU  - Okafor, Ada\n"
        "PY  - 2021\nJO  - " + "J" * 400 + "\nSP  - " + "1" * 80 + "\nER  - \n"
    )
    text = b"Nul\x00 bytes\x01 and a form feed\x0c vanish.\tTabs\r\nand lines stay.\n"
    summary = importing.import_files(
        store, USER, project_id, [from_bytes("refs.ris", ris.encode()), from_bytes("nul.txt", text)]
    )
    assert summary.count(FAILED) == 0, summary.outcomes
    (refs,) = [o for o in summary.outcomes if o.status is importing.Status.REFERENCES]
    assert "journal shortened from 400 to 300 characters" in refs.message
    assert "pages shortened from 80 to 50 characters" in refs.message
    rows = {r.key: r for r in studies.list_studies(store, USER, project_id)}
    (reference,) = [r for r in rows.values() if r.year == 2021]
    assert reference.title == "Peer support and recovery in rural clinics"
    assert len(reference.journal) == 300 and reference.journal.endswith("…")
    shown = studies.read_study(store, USER, rows["nul"].id)
    assert (
        shown is not None
        and shown.pages[0][1] == "Nul bytes and a form feed vanish.\tTabs\r\nand lines stay.\n"
    )


def test_a_file_name_longer_than_a_study_key_is_cut_to_fit(store):
    project_id = projects.create_project(store, USER, "Review")
    name = "a" * 250 + ".txt"
    summary = importing.import_files(store, USER, project_id, [from_bytes(name, study_text(6))])
    assert summary.count(importing.Status.IMPORTED) == 1, summary.outcomes
    (row,) = studies.list_studies(store, USER, project_id)
    assert row.key == "a" * 190


def test_a_codebook_with_a_code_name_over_300_characters_is_refused_with_the_reason(store):
    project_id = projects.create_project(store, USER, "Review")
    yaml_text = f"codes:\n  - name: {'x' * 301}\n    kind: context\n"
    with pytest.raises(CodebookError, match="301 characters; the limit is 300"):
        codebook.import_codebook_text(store, USER, project_id, yaml_text)


def test_a_text_longer_than_the_limit_is_refused_with_a_clear_message(store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_TEXT_CHARS", "1000")
    project_id = projects.create_project(store, USER, "Review")
    files = [from_bytes("long.txt", b"word " * 1000), from_bytes("short.txt", study_text(7))]
    summary = importing.import_files(store, USER, project_id, files)
    (long,) = [o for o in summary.outcomes if o.filename == "long.txt"]
    assert long.status is FAILED
    assert long.message == "the text is 5,000 characters; the limit is 1,000 (WORKBENCH_MAX_TEXT_CHARS)"


def test_an_upload_over_its_total_is_refused_file_by_file_without_reading_them(store):
    project_id = projects.create_project(store, USER, "Review")

    def never() -> bytes:
        raise AssertionError("read although refused")

    files = [from_bytes("one.txt", study_text(8)), IncomingFile("two.txt", 5000, never)]
    summary = importing.import_files(store, USER, project_id, files, total_limit=1000)
    (two,) = [o for o in summary.outcomes if o.filename == "two.txt"]
    assert two.status is FAILED and "not read" in two.message
    assert summary.count(importing.Status.IMPORTED) == 1


def corpus_batch() -> list[IncomingFile]:
    paths = [
        *sorted((CORPUS / "studies").iterdir()),
        CORPUS / "references.ris",
        CORPUS / "characteristics.csv",
    ]
    assert len(paths) == 15
    return [IncomingFile(p.name, p.stat().st_size, p.read_bytes) for p in paths]


def project_contents(store: Store, project_id: int) -> list[tuple[str, str | None, int]]:
    return sorted((r.key, r.doi, r.documents) for r in studies.list_studies(store, USER, project_id))


def test_two_concurrent_imports_of_the_same_15_files_equal_one_sequential_import(store):
    sequential = projects.create_project(store, USER, "Sequential")
    importing.import_files(store, USER, sequential, corpus_batch())
    expected = project_contents(store, sequential)
    assert len(expected) == 13

    concurrent = projects.create_project(store, USER, "Concurrent")
    url = store.engine.url.render_as_string(hide_password=False)
    errors: list[BaseException] = []
    summaries: list[importing.ImportSummary] = []

    def run() -> None:
        own = Store.open(url)  # like a second process: its own engine and connections
        try:
            summaries.append(importing.import_files(own, USER, concurrent, corpus_batch()))
        except BaseException as exc:  # reported by the test's own thread
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(s.count(FAILED) == 0 for s in summaries), [s.outcomes for s in summaries]
    assert project_contents(store, concurrent) == expected
