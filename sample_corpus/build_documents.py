"""Generate the sample corpus's .docx and .pdf studies from their Markdown sources, reproducibly.

Run from the repository root:  .venv/bin/python sample_corpus/build_documents.py
The sources live in sample_corpus/sources/; the results are written to sample_corpus/studies/.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import docx
from docx.shared import Pt
from fpdf import FPDF

HERE = Path(__file__).resolve().parent
TARGETS = {
    "s03_early_intervention": "docx",
    "s06_recovery_college": "docx",
    "s09_veterans_ptsd": "pdf",
    "s12_diabetes_groups": "pdf",
}
FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def blocks(markdown: str) -> list[tuple[int, str]]:
    """(heading level or 0 for a paragraph, text) for each block of a simple Markdown source."""
    out = []
    for block in markdown.split("\n\n"):
        block = " ".join(block.split())
        if not block:
            continue
        level = len(block) - len(block.lstrip("#"))
        out.append((level, block.lstrip("#").strip()))
    return out


def build_docx(source: Path, target: Path) -> None:
    document = docx.Document()
    document.core_properties.author = "Sample corpus generator"
    document.core_properties.created = FIXED_DATE
    document.core_properties.modified = FIXED_DATE
    document.styles["Normal"].font.size = Pt(11)
    for level, text in blocks(source.read_text(encoding="utf-8")):
        if level == 1:
            document.add_heading(text, level=0)
        elif level:
            document.add_heading(text, level=min(level - 1, 3))
        else:
            document.add_paragraph(text)
    document.save(str(target))


def build_pdf(source: Path, target: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_author("Sample corpus generator")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for level, text in blocks(source.read_text(encoding="utf-8")):
        if level:
            pdf.set_font("Helvetica", "B", 16 if level == 1 else 13)
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.set_font("Helvetica", size=11)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(target))


def main() -> int:
    for stem, kind in TARGETS.items():
        source = HERE / "sources" / f"{stem}.md"
        target = HERE / "studies" / f"{stem}.{kind}"
        (build_docx if kind == "docx" else build_pdf)(source, target)
        print(f"wrote {target.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
