"""Print the time and size of a REFI-QDA export (.qdpx and .qdc): the demo project and a generated large one.

Usage: .venv/bin/python benchmarks/qdpx_export_speed.py [--studies 200] [--configurations 2000]
Fresh SQLite stores in a temporary folder; the large project is generated as in export_speed.py.
Also times reading the .qdpx back (lxml) and decoding its realist layer.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from export_speed import USER, fresh_store, generate

from workbench.interop.qdpx_read import read_qdpx
from workbench.interop.realist import decode
from workbench.services import demo, projects
from workbench.services.qdc import export_qdc
from workbench.services.qdpx_export import export_qdpx
from workbench.store.db import Store


def measure(label: str, store: Store, project_id: int) -> None:
    started = time.perf_counter()
    data = export_qdpx(store, USER, project_id)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    codebook = export_qdc(store, USER, project_id)
    qdc_seconds = time.perf_counter() - started
    started = time.perf_counter()
    layer = decode(read_qdpx(data, "bench.qdpx"))
    read_seconds = time.perf_counter() - started
    print(
        f"{label}: .qdpx {seconds:.2f} s, {len(data) / 1e6:.2f} MB; .qdc {qdc_seconds:.2f} s, "
        f"{len(codebook) / 1e3:.1f} kB; read back + decode {read_seconds:.2f} s "
        f"({len(layer.configurations)} configurations)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--configurations", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(Path(tmp), "demo")
        demo.load_demo(store, USER)
        measure("demo", store, projects.project_id_by_name(store, USER, demo.DEMO_PROJECT))
        store.dispose()
        store = fresh_store(Path(tmp), "large")
        project_id = generate(store, args.studies, args.configurations)
        measure(f"{args.studies} studies, {args.configurations} configurations", store, project_id)
        store.dispose()


if __name__ == "__main__":
    main()
