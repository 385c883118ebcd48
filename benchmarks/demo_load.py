"""Print how long loading the demo project takes on SQLite (and PostgreSQL when a URL is given).

Usage: .venv/bin/python benchmarks/demo_load.py [POSTGRES_URL]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from workbench.services import database, demo, stats
from workbench.store.db import Store


def measure(url: str) -> None:
    store = Store.open(url)
    started = time.perf_counter()
    database.upgrade_database(store, backup=False)
    migrated = time.perf_counter()
    demo.load_demo(store, "benchmark")
    loaded = time.perf_counter()
    counts = stats.store_stats(store, "benchmark")
    store.dispose()
    backend = url.split(":", 1)[0]
    print(
        f"{backend:22} migrate {migrated - started:6.2f} s   load demo {loaded - migrated:6.2f} s   "
        f"({counts['studies']} studies, {counts['codings']} codings, "
        f"{counts['configurations']} configurations)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{Path(folder) / 'bench.db'}")
    if len(sys.argv) > 1:
        measure(sys.argv[1])


if __name__ == "__main__":
    main()
