"""Every exported LaTeX table compiles with a real TeX engine (pdflatex), rows starting with "[" included."""

import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.domain.tables import TABLES, Table
from workbench.exporters.text_tables import to_latex
from workbench.services import demo, publication

WRAPPER = r"""\documentclass{article}
\usepackage{booktabs,longtable,pdflscape}
\begin{document}
\input{table.tex}
\end{document}
"""


def compile_fragment(fragment: bytes, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run pdflatex on a small document that inputs the exported fragment; stops at the first error."""
    assert shutil.which("pdflatex"), "pdflatex is missing: run scripts/system_deps.sh"
    (folder / "table.tex").write_bytes(fragment)
    (folder / "wrapper.tex").write_text(WRAPPER, encoding="utf-8")
    return subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "wrapper.tex"],
        cwd=folder, capture_output=True, encoding="utf-8", errors="replace", timeout=300, check=False,
    )  # fmt: skip


def _errors(result: subprocess.CompletedProcess[str]) -> str:
    return "\n".join(line for line in result.stdout.splitlines() if line.startswith("!"))


@pytest.mark.parametrize("name", TABLES)
def test_every_latex_table_of_the_demo_compiles_with_pdflatex(demo_store, name, tmp_path):
    project_id = demo.load_demo(demo_store, "owner").project_id
    fragment = publication.export_table(demo_store, "owner", project_id, name, "tex")
    result = compile_fragment(fragment, tmp_path)
    assert result.returncode == 0, _errors(result)
    assert (tmp_path / "wrapper.pdf").read_bytes().startswith(b"%PDF")


def test_a_row_starting_with_a_bracket_is_a_row_not_an_optional_length(tmp_path):
    rows = (
        ("A01", "first quote", 3),
        ("[She] never judged me", "[sic] and ] and [", 4),
        ("[", "{[}", "[2pt]"),
    )
    table = Table("data-examples", "Quotes [edited]", ("Quote [sic]", "Study", "N"), rows, (3.0, 1.0, 0.5))
    result = compile_fragment(to_latex(table), tmp_path)
    assert result.returncode == 0, _errors(result)
    log = (tmp_path / "wrapper.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing number" not in log
