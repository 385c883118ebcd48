"""Print PDF import speed (pages/s), the time to import the sample corpus and a batch of many small files.

Usage: .venv/bin/python benchmarks/import_speed.py [--pages N] [--small-files N]
Each run uses a fresh SQLite store in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
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


SYLLABLES = [
    "ra",
    "to",
    "mi",
    "ke",
    "lo",
    "su",
    "ven",
    "dor",
    "pa",
    "li",
    "gre",
    "nu",
    "sta",
    "fo",
    "chi",
    "bel",
]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    """Made-up words: a vocabulary about as varied as a field's titles and abstracts."""
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
    return sorted(words)


def small_texts(count: int) -> list[tuple[str, bytes]]:
    """``count`` distinct one-paragraph full texts, titled by random words like real titles."""
    rng = random.Random(7)
    words, files = vocabulary(rng), []
    for n in range(count):
        title = " ".join(rng.sample(words, 8)).capitalize() + f" ({n})"
        body = f"{title}\n\n" + " ".join(rng.choices(words, k=150)) + ".\n"
        files.append((f"study_{n:05d}.txt", body.encode()))
    return files


def many_small_files(count: int) -> None:
    """Import ``count`` small files in one batch, printing progress every 1000 files."""
    files = small_texts(count)
    started = time.perf_counter()

    def progress(done: int, total: int, name: str) -> None:
        if done and done % 1000 == 0:
            print(f"  {done:6} files after {time.perf_counter() - started:7.1f} s", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        store, project_id = fresh_store(Path(folder))
        summary = importing.import_files(
            store, "benchmark", project_id, [from_bytes(n, d) for n, d in files], progress=progress
        )
        elapsed = time.perf_counter() - started
        rate = count / elapsed
        print(f"{count} small files      in {elapsed:6.1f} s = {rate:6.1f} files/s ({summary.headline()})")
        again = time.perf_counter()
        summary = importing.import_files(
            store, "benchmark", project_id, [from_bytes(n, d) for n, d in files[:1000]]
        )
        seconds = time.perf_counter() - again
        print(f"1000 of them again      in {seconds:6.1f} s into {count} studies ({summary.headline()})")
        store.dispose()


def fresh_store(folder: Path) -> tuple[Store, int]:
    store = Store.open(f"sqlite:///{folder / 'bench.db'}")
    database.upgrade_database(store, backup=False)
    return store, projects.create_project(store, "benchmark", "Benchmark")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200, help="pages in the generated PDF")
    parser.add_argument(
        "--small-files", type=int, default=10_000, help="files in the many-files batch (0: skip)"
    )
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
    if args.small_files:
        many_small_files(args.small_files)


if __name__ == "__main__":
    main()
