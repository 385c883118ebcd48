"""The `workbench suggest` contract, run as a subprocess with no database."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.importers.text import extract_file

ROOT = Path(__file__).resolve().parents[2]
STUDIES = ROOT / "sample_corpus" / "studies"
CODEBOOK = ROOT / "sample_corpus" / "codebook.yaml"
KEYS = ["start", "end", "text", "score", "labels", "codes", "reasons"]


def suggest(path: Path, *options: str, codebook: Path = CODEBOOK) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "WORKBENCH_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "suggest", str(path), "--codebook", str(codebook), *options],
        capture_output=True,
        timeout=180,
        env=env,
    )


def suggestions(path: Path, *options: str) -> list[dict]:
    result = suggest(path, *options)
    assert result.returncode == 0, result.stderr.decode()
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def check_contract(rows: list[dict], text: str) -> None:
    assert rows, "expected at least one suggestion"
    for row in rows:
        assert list(row) == KEYS
        assert list(row["labels"]) == ["context", "mechanism", "outcome"]
        assert text[row["start"] : row["end"]] == row["text"]
        assert 0 <= row["score"] <= 1 and all(0 <= v <= 1 for v in row["labels"].values())
        assert all(list(c) == ["code", "kind", "score"] and 0 <= c["score"] <= 1 for c in row["codes"])
        assert all(isinstance(reason, str) for reason in row["reasons"])
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("name", ["s01_acute_ward.txt", "s08_perinatal.md"])
def test_offsets_slice_the_decoded_file_of_a_text_study(name):
    path = STUDIES / name
    check_contract(suggestions(path), path.read_bytes().decode("utf-8-sig"))


@pytest.mark.parametrize("name", ["s03_early_intervention.docx", "s09_veterans_ptsd.pdf"])
def test_offsets_slice_the_extracted_text_of_a_docx_or_pdf_study(name):
    path = STUDIES / name
    check_contract(suggestions(path), extract_file(path).text)


def test_a_utf8_bom_is_not_counted_in_the_offsets(tmp_path):
    body = (STUDIES / "s01_acute_ward.txt").read_text(encoding="utf-8")
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + body.encode("utf-8"))
    rows = suggestions(path)
    check_contract(rows, path.read_bytes().decode("utf-8").removeprefix("\ufeff"))
    assert rows == suggestions(STUDIES / "s01_acute_ward.txt")


def test_emoji_and_crlf_line_ends_keep_offsets_in_python_string_indices(tmp_path):
    text = (
        "Findings 📚\r\n\r\n"
        "“Honestly 😀 she helped me because she had been there herself, and it led to hope.” (P1, 👩)\r\n\r\n"
        "Participants said the café 🍰 meetings made them feel safe, which meant they could talk.\r\n"
    )
    path = tmp_path / "emoji.txt"
    path.write_bytes(text.encode("utf-8"))
    rows = suggestions(path)
    check_contract(rows, text)
    assert any(row["text"].startswith("Honestly 😀") for row in rows)


def test_top_prints_the_best_n_in_the_same_order():
    path = STUDIES / "s10_tb_adherence.txt"
    every = suggestions(path)
    assert len(every) > 5
    assert suggestions(path, "--top", "5") == every[:5]


def test_the_table_format_prints_a_header_and_one_line_per_suggestion():
    result = suggest(STUDIES / "s01_acute_ward.txt", "--top", "3", "--format", "table")
    lines = result.stdout.decode("utf-8").splitlines()
    assert result.returncode == 0
    assert lines[0].split()[:2] == ["#", "score"] and len(lines) == 4
    assert [line.split()[0] for line in lines[1:]] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("name", "codebook", "message"),
    [
        ("missing.txt", "codes: []", "no such file"),
        ("s01_acute_ward.txt", None, "no such codebook file"),
        ("s01_acute_ward.txt", "codes: 3", "expected a list of codes"),
        ("s01_acute_ward.txt", "codes: [unclosed", "not valid YAML"),
    ],
)
def test_a_missing_file_or_a_bad_codebook_exits_1_with_a_message(tmp_path, name, codebook, message):
    path = tmp_path / "codebook.yaml"
    if codebook is not None:
        path.write_text(codebook, encoding="utf-8")
    result = suggest(STUDIES / name, codebook=path)
    assert result.returncode == 1
    assert message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
