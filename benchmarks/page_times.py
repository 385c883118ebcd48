"""Print every page's first-render and rerun times and SQL statements per run, on SQLite or PostgreSQL.

Usage:
  .venv/bin/python benchmarks/page_times.py [--large N [--reviewers R]] [--runs K] [--out FILE]
  scripts/with_postgres.sh .venv/bin/python benchmarks/page_times.py --postgres [--large N ...]
  .venv/bin/python benchmarks/page_times.py --url URL [--user NAME] [--project NAME]

Without ``--url`` it builds a fresh store (a temporary SQLite file, or with ``--postgres`` a new database
on the cluster named by ``WORKBENCH_TEST_POSTGRES_URL``, as ``scripts/with_postgres.sh`` sets it) and
loads the demo project, or with ``--large N`` the generated project of ``workbench demo --large N``.
``--keep FILE`` keeps the SQLite store built for reuse with ``--url sqlite:///FILE``.

Each page is opened in Streamlit's AppTest as the project's owner, in a session of its own: once to warm
the process (imports, per-process caches, as on a running server), then timed. "first" is the page's
first run in a new session (the app's start page, Projects, was run before it and is not counted);
"rerun" is the median of ``--runs`` plain reruns of the open page. Times are AppTest ``run()`` wall times
(the whole script: services, widgets and element tree), server side. "SQL" counts the statements sent
to the database (SQLAlchemy ``before_cursor_execute``) by the first run and by one rerun.
"cpu" is the process's CPU time for the same runs (``time.process_time``): less disturbed by other
programs on a shared machine than the wall times, which wait for a core.
Goals (issue 16): rerun < 300 ms, first < 1 s, at most 20 statements per rerun.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from streamlit import logger as streamlit_logger
from streamlit.testing.v1 import AppTest

from workbench.services import database, demo, projects
from workbench.store.db import Store
from workbench.ui.navigation import SECTIONS

ROOT = Path(__file__).resolve().parents[1]
PAGES = [entry for entries in SECTIONS.values() for entry in entries]
GOALS = {"first": 1000.0, "rerun": 300.0, "sql": 20}


class StatementCounter:
    """Counts the SQL statements every engine of this process sends while ``counting`` is on."""

    def __init__(self, trace: bool = False) -> None:
        self.count, self.trace = 0, trace
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.count += 1
        if self.trace:
            print("    SQL " + " ".join(statement.split())[:160], file=sys.stderr)

    @contextmanager
    def measuring(self) -> Iterator[dict[str, float]]:
        """Yield a dict filled with ``ms`` and ``sql`` for the block."""
        figures: dict[str, float] = {}
        self.count = 0
        started, cpu = time.perf_counter(), time.process_time()
        yield figures
        figures["ms"] = (time.perf_counter() - started) * 1000
        figures["cpu"] = (time.process_time() - cpu) * 1000
        figures["sql"] = self.count


@dataclass
class PageFigures:
    title: str
    first_ms: float
    first_sql: float
    rerun_ms: float
    rerun_sql: float
    problem: str
    first_cpu: float = 0.0
    rerun_cpu: float = 0.0


def build_store(args: argparse.Namespace) -> tuple[str, str | None]:
    """A fresh store with the project to measure; returns its URL and the database to drop (PostgreSQL)."""
    if args.postgres:
        admin_url = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
        if not admin_url:
            sys.exit("--postgres needs WORKBENCH_TEST_POSTGRES_URL: run under scripts/with_postgres.sh")
        name = f"page_times_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        drop: str | None = name
    else:
        path = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="page_times_")) / "bench.db"
        url, drop = f"sqlite:///{path}", None
    store = Store.open(url)
    database.upgrade_database(store, backup=False)
    started = time.perf_counter()
    if args.large:  # what `workbench demo --large N --reviewers R` makes
        from workbench.services.demo_large import load_large_demo

        load_large_demo(store, args.user, args.large, args.reviewers)
    else:
        demo.load_demo(store, args.user)
    print(f"built the project in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    store.dispose()
    return url, drop


def drop_database(name: str) -> None:
    admin = create_engine(os.environ["WORKBENCH_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def project_id(url: str, user: str, name: str | None) -> tuple[int, str]:
    """The project to open: the one named, else the user's largest (by studies)."""
    store = Store.open(url)
    summaries = projects.list_projects(store, user)
    store.dispose()
    if name:
        summaries = [p for p in summaries if p.name == name]
    if not summaries:
        sys.exit(f"no project {name or ''} for user {user!r} in {url}")
    chosen = max(summaries, key=lambda p: p.studies)
    return chosen.id, f"{chosen.name}: {chosen.studies} studies, {chosen.codings} codings, " + (
        f"{chosen.configurations} configurations"
    )


def session(project: int, timeout: float) -> AppTest:
    """A new browser session on the app's start page, working in ``project``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["current_project_id"] = project
    return at.run()


def problem_of(at: AppTest) -> str:
    if at.exception:
        return "exception: " + str(at.exception[0].message).splitlines()[0][:60]
    errors = [e.value for e in at.error]
    return ("error: " + str(errors[0]).splitlines()[0][:60]) if errors else ""


def measure_page(path: str, title: str, project: int, counter: StatementCounter, args: Any) -> PageFigures:
    if not args.no_warmup:
        session(project, args.timeout).switch_page(path).run()
    at = session(project, args.timeout)
    with counter.measuring() as first:
        at.switch_page(path).run()
    reruns = []
    for n in range(args.runs):
        counter.trace = args.trace and n == 0  # the statements of one rerun
        with counter.measuring() as rerun:
            at.run()
        counter.trace = False
        reruns.append(rerun)
    return PageFigures(
        title,
        first["ms"],
        first["sql"],
        statistics.median(r["ms"] for r in reruns),
        max(r["sql"] for r in reruns),
        problem_of(at),
        first["cpu"],
        statistics.median(r["cpu"] for r in reruns),
    )


def table(rows: list[PageFigures], heading: str) -> str:
    def flag(value: float, goal: float) -> str:
        return " !" if value > goal else "  "

    lines = [
        heading,
        f"{'page':22} {'first ms':>10} {'SQL':>6} {'rerun ms':>10} {'SQL':>6} "
        f"{'cpu first':>9} {'rerun':>6}  problem",
        "-" * 90,
    ]
    for r in rows:
        lines.append(
            f"{r.title:22} {r.first_ms:8.0f}{flag(r.first_ms, GOALS['first'])} {r.first_sql:6.0f} "
            f"{r.rerun_ms:8.0f}{flag(r.rerun_ms, GOALS['rerun'])} {r.rerun_sql:4.0f}"
            f"{flag(r.rerun_sql, GOALS['sql'])} {r.first_cpu:9.0f} {r.rerun_cpu:6.0f}  {r.problem}"
        )
    lines.append("! = over the goal (first render 1,000 ms, rerun 300 ms, 20 statements per rerun)")
    lines.append(
        "cpu: this process's CPU ms (time.process_time) for the first render and a rerun (median): on a"
    )
    lines.append("busy machine it moves less than the wall times, which wait for the cores")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure an existing store (else one is built)")
    parser.add_argument("--postgres", action="store_true", help="build on WORKBENCH_TEST_POSTGRES_URL")
    parser.add_argument("--large", type=int, help="build `workbench demo --large N` instead of the demo")
    parser.add_argument("--reviewers", type=int, default=20, help="with --large: that many reviewers")
    parser.add_argument("--keep", help="build the SQLite store in this file and keep it")
    parser.add_argument("--user", default="bench", help="the acting user (the project's owner)")
    parser.add_argument("--project", help="the project's name (default: the user's largest)")
    parser.add_argument("--runs", type=int, default=5, help="reruns per page (the median is shown)")
    parser.add_argument("--pages", help="comma-separated page scripts to measure (default: all)")
    parser.add_argument("--no-warmup", action="store_true", help="no untimed first open per page")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one AppTest run may take")
    parser.add_argument("--trace", action="store_true", help="print the statements of one rerun per page")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args()
    streamlit_logger.set_log_level(logging.ERROR)  # no "missing ScriptRunContext" outside runs

    url, drop = (args.url, None) if args.url else build_store(args)
    try:
        os.environ.update(WORKBENCH_DATABASE_URL=url, WORKBENCH_USER=args.user, WORKBENCH_DEBUG="1")
        os.chdir(ROOT)
        project, described = project_id(url, args.user, args.project)
        wanted = {p.removesuffix(".py") for p in args.pages.split(",")} if args.pages else None
        counter = StatementCounter()
        rows = []
        for entry in PAGES:
            if wanted is None or entry.script.removesuffix(".py") in wanted:
                rows.append(measure_page(entry.path, entry.title, project, counter, args))
                print(f"  {entry.title}: done", file=sys.stderr)
        backend = make_url(url).get_backend_name()
        report = table(rows, f"{backend}, {described}; median of {args.runs} reruns")
        print(report)
        if args.out:
            Path(args.out).write_text(report + "\n")
    finally:
        if drop:
            drop_database(drop)


if __name__ == "__main__":
    main()
