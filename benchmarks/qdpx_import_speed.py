"""Print the time of importing REFI-QDA projects: each real sample, and a large export of our own.

Usage: .venv/bin/python benchmarks/qdpx_import_speed.py [--studies 200] [--configurations 2000]
Fresh SQLite stores in a temporary folder; the large project is generated as in export_speed.py,
exported, and imported into a new project (the whole round trip's import side).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from export_speed import USER, fresh_store, generate

from workbench.interop.qdpx_read import read_qdpx
from workbench.services.qdpx_export import export_qdpx
from workbench.services.qdpx_import import import_qdpx_into
from workbench.store.db import Store

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "interop" / "qdpx-samples"


def measure(label: str, store: Store, data: bytes) -> None:
    started = time.perf_counter()
    read_qdpx(data, f"{label}.qdpx")
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report = import_qdpx_into(store, USER, label, data, f"{label}.qdpx")
    seconds = time.perf_counter() - started
    print(
        f"{label}: {len(data) / 1e6:.2f} MB read in {read_seconds:.2f} s, imported in {seconds:.2f} s "
        f"({report.sources} sources, {report.codes} codes, {report.codings} codings, {report.memos} memos, "
        f"{len(report.warnings)} warnings)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--configurations", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(Path(tmp), "samples")
        for sample in sorted(SAMPLES.glob("*.qdpx")):
            measure(sample.stem[:40], store, sample.read_bytes())
        store.dispose()
        store = fresh_store(Path(tmp), "large")
        project_id = generate(store, args.studies, args.configurations)
        measure(
            f"{args.studies} studies, {args.configurations} configurations",
            store,
            export_qdpx(store, USER, project_id),
        )
        store.dispose()


if __name__ == "__main__":
    main()
