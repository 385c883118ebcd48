"""Print PDF import speed (pages/second) and the time to import the whole sample corpus.

Usage: .venv/bin/python benchmarks/import_speed.py [--pages N]
Each run uses a fresh SQLite store in a temporary folder.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

from workbench.importers.archive import from_bytes, from_path, walk
from workbench.importers.text import extract_bytes
from workbench.services import database, importing, projects
from workbench.store.db import Store

CORPUS = Path(__file__).resolve().parents[1] / "sample_corpus"
PARAGRAPH = (
    "Participants described how the peer worker's openness about her own recovery made it possible "
    "to talk about experiences they had hidden from staff. Several linked this to feeling accepted "
    "rather than judged, and to a first sense that things could improve. "
)


def generated_pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.multi_cell(0, 5.5, f"Page {page}. " + PARAGRAPH * 7)
    return bytes(pdf.output())


def fresh_store(folder: Path) -> tuple[Store, int]:
    store = Store.open(f"sqlite:///{folder / 'bench.db'}")
    database.upgrade_database(store, backup=False)
    return store, projects.create_project(store, "benchmark", "Benchmark")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200, help="pages in the generated PDF")
    args = parser.parse_args()
    data = generated_pdf(args.pages)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        pages = len(extract_bytes("bench.pdf", data).page_starts)
        extracted = time.perf_counter() - started
        store, project_id = fresh_store(Path(folder))
        started = time.perf_counter()
        importing.import_files(store, "benchmark", project_id, [from_bytes("bench.pdf", data)])
        imported = time.perf_counter() - started
        for label, seconds in (("PDF extraction only", extracted), ("PDF import into store", imported)):
            print(f"{label:23} {pages} pages in {seconds:6.2f} s = {pages / seconds:7.1f} pages/s")
        store.dispose()
    with tempfile.TemporaryDirectory() as folder:
        store, project_id = fresh_store(Path(folder))
        files = [from_path(p) for p in walk([CORPUS / "studies"])]
        files += [from_path(CORPUS / "references.ris"), from_path(CORPUS / "characteristics.csv")]
        started = time.perf_counter()
        summary = importing.import_files(store, "benchmark", project_id, files)
        elapsed = time.perf_counter() - started
        print(f"sample corpus           {len(files)} files in {elapsed:6.2f} s ({summary.headline()})")
        store.dispose()


if __name__ == "__main__":
    main()
