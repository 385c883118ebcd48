"""Print how long the reads behind the Graphs, Export and Suggestions pages take on a large project.

Usage:
  .venv/bin/python benchmarks/programme_speed.py [--large N] [--runs K] [--url URL]
  scripts/with_postgres.sh .venv/bin/python benchmarks/programme_speed.py --postgres [--large N]

Without ``--url`` it builds the project of ``workbench demo --large N`` (default 200 studies) in a temporary
SQLite file, or with ``--postgres`` in a new database on ``WORKBENCH_TEST_POSTGRES_URL``. Each read runs
once untimed, then ``--runs`` times; the table shows the median wall time, the median CPU time of this
process (``time.process_time``: on PostgreSQL the server's own work is not in it) and the statements sent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from workbench.services import database, figures, projects
from workbench.services.demo_large import load_large_demo
from workbench.services.suggestion_revision import queue_revision
from workbench.store.db import Store

USER = "bench"


def build(args: argparse.Namespace) -> tuple[str, str | None]:
    """A fresh store with the large project; its URL and the PostgreSQL database to drop afterwards."""
    if args.postgres:
        admin_url = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
        if not admin_url:
            sys.exit("--postgres needs WORKBENCH_TEST_POSTGRES_URL: run under scripts/with_postgres.sh")
        name = f"programme_speed_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url, drop = make_url(admin_url).set(database=name).render_as_string(hide_password=False), name
    else:
        url, drop = f"sqlite:///{Path(tempfile.mkdtemp(prefix='programme_speed_')) / 'bench.db'}", None
    store = Store.open(url)
    database.upgrade_database(store, backup=False)
    load_large_demo(store, USER, args.large, 20)
    store.dispose()
    return url, drop


def measure(read: Callable[[], object], runs: int, counter: list[int]) -> tuple[float, float, int]:
    """Median wall ms, median CPU ms and statements of one run of ``read``."""
    read()
    walls, cpus = [], []
    for _ in range(runs):
        counter[0] = 0
        wall, cpu = time.perf_counter(), time.process_time()
        read()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), counter[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an existing store whose user 'bench' owns the project")
    parser.add_argument("--postgres", action="store_true", help="build on WORKBENCH_TEST_POSTGRES_URL")
    parser.add_argument("--large", type=int, default=200, help="studies in the generated project")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per read (the median is shown)")
    args = parser.parse_args()
    url, drop = (args.url, None) if args.url else build(args)
    store = Store.open(url)
    try:
        project = max(projects.list_projects(store, USER), key=lambda p: p.studies)
        counter = [0]
        event.listen(Engine, "before_cursor_execute", lambda *_: counter.__setitem__(0, counter[0] + 1))
        reads: dict[str, Callable[[], object]] = {
            "programme()": lambda: figures.programme(store, USER, project.id),
            "programme(codings=False)": lambda: figures.programme(store, USER, project.id, codings=False),
            "filter_options()": lambda: figures.filter_options(store, USER, project.id),
            "programme_revision()": lambda: figures.programme_revision(store, USER, project.id),
            "queue_revision()": lambda: queue_revision(store, USER, project.id),
        }
        backend = make_url(url).get_backend_name()
        print(f"{backend}, {project.name}: {project.studies} studies, {project.codings} codings, "
              f"{project.configurations} configurations; median of {args.runs} runs")  # fmt: skip
        print(f"{'read':28} {'wall ms':>8} {'CPU ms':>8} {'SQL':>5}")
        print("-" * 52)
        for name, read in reads.items():
            wall, cpu, sql = measure(read, args.runs, counter)
            print(f"{name:28} {wall:8.0f} {cpu:8.0f} {sql:5d}")
    finally:
        store.dispose()
        if drop:
            admin = create_engine(os.environ["WORKBENCH_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{drop}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
