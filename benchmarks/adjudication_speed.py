"""Print how long listing disagreements and settling them takes on the demo project (SQLite file).

Usage: .venv/bin/python benchmarks/adjudication_speed.py

Loads the demo into a fresh SQLite file, then times ``disagreements`` for alice and bob (every region of
every code in every study), ``accept_agreements``, and settling then undoing the first 50 regions.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from workbench.domain.adjudication import Decision
from workbench.services import adjudication, database, demo
from workbench.services.projects import list_projects
from workbench.store.db import Store

OWNER, PAIR, SETTLE = "owner", ("alice", "bob"), 50


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    store = Store.open(f"sqlite:///{folder / 'bench.db'}")
    database.upgrade_database(store, backup=False)
    demo.load_demo(store, OWNER)
    project_id = list_projects(store, OWNER)[0].id
    started = time.perf_counter()
    found = adjudication.disagreements(store, OWNER, project_id, coders=PAIR)
    listed = time.perf_counter() - started
    print(f"disagreements: {len(found)} regions in {listed * 1000:.0f} ms")
    started = time.perf_counter()
    added = adjudication.accept_agreements(store, OWNER, project_id, PAIR)
    print(f"accept_agreements: {added} consensus codings in {(time.perf_counter() - started) * 1000:.0f} ms")
    started = time.perf_counter()
    ids = [adjudication.settle(store, OWNER, project_id, d.key, Decision.KEEP_BOTH) for d in found[:SETTLE]]
    settled = time.perf_counter() - started
    started = time.perf_counter()
    for adjudication_id in ids:
        adjudication.undo_settlement(store, OWNER, project_id, adjudication_id)
    undone = time.perf_counter() - started
    print(f"settle: {settled / len(ids) * 1000:.1f} ms each; undo: {undone / len(ids) * 1000:.1f} ms each")
    store.dispose()


if __name__ == "__main__":
    main()
