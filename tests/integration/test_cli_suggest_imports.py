"""`workbench suggest` starts fast: it never imports the database, dataframe or web libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "sample_corpus" / "studies" / "s01_acute_ward.txt"
CODEBOOK = ROOT / "sample_corpus" / "codebook.yaml"
HEAVY = ("sqlalchemy", "alembic", "pandas", "plotly", "streamlit", "workbench.services", "workbench.store")

PROBE = """
import contextlib, io, json, os, sys
from workbench.cli import main
err = io.StringIO()
with open(os.devnull, "w") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(sys.argv[1:])
heavy = [name for name in {heavy!r} if name in sys.modules]
print(json.dumps({{"code": code, "heavy": heavy, "stderr": err.getvalue()}}))
"""


def run_probe(*argv: str) -> dict:
    """Run ``workbench`` with ``argv`` in a fresh interpreter; the exit code, the heavy modules it
    imported and what it printed on stderr."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_suggest_on_a_study_imports_no_database_or_web_library():
    probe = run_probe("suggest", str(STUDY), "--codebook", str(CODEBOOK), "--top", "3")
    assert probe["code"] == 0
    assert probe["heavy"] == []


def test_a_failing_suggest_still_prints_one_line_without_importing_the_database_layer(tmp_path):
    probe = run_probe("suggest", str(tmp_path / "missing.txt"), "--codebook", str(CODEBOOK))
    assert probe["code"] == 1
    assert probe["stderr"].startswith("workbench: error: ")
    assert len(probe["stderr"].splitlines()) == 1
    assert probe["heavy"] == []
