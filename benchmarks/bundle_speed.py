"""Print how long the publication bundle takes on the large generated project, stage by stage, before
(every figure through kaleido) and after (the bundle as it is built now: infographics, matrices, chains
and the Sankey drawn as SVG, no browser; worker processes, one per core, write the tables and paint the
PNGs and PDFs with cairo), on SQLite and, when WORKBENCH_TEST_POSTGRES_URL is set
(scripts/with_postgres.sh), on PostgreSQL.

Each row gives wall-clock seconds and CPU seconds: this process, its bundle workers and the processes
it waited for; kaleido's chromium is not counted in the in-process rows (it is never waited for). Stages
run one after the other in this process, each alone; the WHOLE BUNDLE rows are what a user waits for:
"warm" in this process with the workers already started (the Export page after its first bundle; the
first "warm" row starts the workers), "fresh process" as `workbench bundle`, whose CPU counts every
process it started, waited for or not (polled from /proc: a chromium would be counted there).
On a machine shared with other work the wall-clock figures are pessimistic; CPU seconds vary less.

Usage: .venv/bin/python benchmarks/bundle_speed.py [--studies 200] [--reviewers 4] [--skip-before] [--runs 2]
                                                   [--fresh-only]
       scripts/with_postgres.sh .venv/bin/python benchmarks/bundle_speed.py
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workbench.domain.figure_layout import layout
from workbench.domain.figures import context_figure, drawable_contexts
from workbench.domain.overview import chain_graph, sankey
from workbench.domain.print_geometry import PRINT_CM
from workbench.domain.sankey_layout import SANKEY_WIDTH, sankey_layout
from workbench.exporters.bundle import write_bundle
from workbench.graphs.export import FORMATS, convert_svg, render, start_renderer
from workbench.graphs.infographic import context_infographic
from workbench.graphs.overview import overview_figures
from workbench.graphs.svg import chains_svg, infographic_svg, matrix_svg, sankey_svg
from workbench.services import database, publication
from workbench.services.access import Action
from workbench.services.demo_large import load_large_demo
from workbench.services.figures import FigureFilters, programme
from workbench.store.db import Store

USER = "benchmark"


def stores(folder: Path) -> Iterator[tuple[str, Store]]:
    """Fresh stores: SQLite, then PostgreSQL when the throwaway cluster's URL is set."""
    sqlite = Store.open(f"sqlite:///{folder / 'bundle.db'}")
    database.upgrade_database(sqlite, backup=False)
    yield "sqlite", sqlite
    admin_url = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
    if not admin_url:
        return
    name = f"bundle_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    store = Store.open(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    try:
        database.upgrade_database(store, backup=False)
        yield "postgresql", store
    finally:
        store.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def worker_seconds() -> float:
    """CPU seconds so far of this process's running bundle workers (kept idle between bundles, so not
    yet counted as waited-for children), read from /proc."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == os.getpid() and b"bundle_workers" in (stat.parent / "cmdline").read_bytes():
                total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def cpu_seconds() -> float:
    """CPU seconds of this process, of the child processes it has waited for and of its bundle workers."""
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime + worker_seconds()


Row = tuple[str, float, float, str]  # stage, wall seconds, CPU seconds, note


def timed(rows: list[Row], stage: str, note: str, work: Callable[[], Any]) -> Any:
    start, cpu = time.perf_counter(), cpu_seconds()
    out = work()
    rows.append((stage, time.perf_counter() - start, cpu_seconds() - cpu, note))
    return out


def converted(svgs: list[tuple[str, float]], fmt: str) -> list[bytes]:
    return [convert_svg(svg, fmt, width, PRINT_CM) for svg, width in svgs]


def stages(store: Store, project_id: int) -> list[Row]:
    """Each stage of the bundle timed alone, one after the other (no overlap, no worker processes)."""
    rows: list[Row] = []
    data = timed(
        rows, "read the project", "", lambda: programme(store, USER, project_id, None, Action.EXPORT)
    )
    steps = publication._Steps(0, None)
    files = timed(rows, "tables (xlsx, docx, csv, md, tex)", "", lambda: publication._tables(data, steps))
    timed(rows, "zip of the tables", f"{len(files)} table files", lambda: write_bundle(files, "readme"))
    contexts = drawable_contexts(data)
    placed = timed(rows, "infographic layouts", f"{len(contexts)} contexts",
                   lambda: [layout(context_figure(data, c.id)) for c in contexts])  # fmt: skip
    svgs = timed(
        rows, "after: infographics SVG (direct)", "", lambda: [(infographic_svg(p), p.width) for p in placed]
    )
    for fmt in ("png", "pdf"):
        timed(rows, f"after: infographics {fmt.upper()} (cairo)", "", lambda f=fmt: converted(svgs, f))
    for stem, (build, colour) in publication.MATRICES.items():
        matrix = build(data)
        note = f"{len(matrix.rows)} x {len(matrix.columns)}"
        svg = timed(rows, f"after: {stem} SVG (direct)", note, lambda m=matrix, c=colour: matrix_svg(m, c))
        for fmt in ("png", "pdf"):
            timed(rows, f"after: {stem} {fmt.upper()} (cairo)", "", lambda v=svg, f=fmt: convert_svg(v, f, 1))
    graph = chain_graph(data)
    svg = timed(rows, "after: chains SVG (direct)", f"{len(graph.nodes)} boxes", lambda: chains_svg(graph))
    for fmt in ("png", "pdf"):
        timed(rows, f"after: chains {fmt.upper()} (cairo)", "", lambda f=fmt: convert_svg(svg, f, 1))
    model = sankey(data, True)
    svg = timed(rows, "after: overview-sankey SVG (direct)", f"{len(model.nodes)} nodes, {len(model.links)} "
                "links", lambda: sankey_svg(sankey_layout(model)))  # fmt: skip
    for fmt in ("png", "pdf"):
        timed(rows, f"after: overview-sankey {fmt.upper()} (cairo)", "",
              lambda f=fmt: convert_svg(svg, f, SANKEY_WIDTH, PRINT_CM))  # fmt: skip
    figures = timed(
        rows, "plotly figures built", "", lambda: [context_infographic(data, c.id)[0] for c in contexts]
    )
    start_renderer()
    for fmt in FORMATS:
        timed(
            rows,
            f"before: infographics {fmt.upper()} (kaleido)",
            "",
            lambda f=fmt: [render(g, f) for g in figures],
        )
    overview = timed(rows, "overview figures built", "", lambda: overview_figures(data))
    for stem, figure in overview.items():
        for fmt in FORMATS:
            timed(rows, f"kaleido: {stem} {fmt.upper()}", "", lambda g=figure, f=fmt: render(g, f))
    return rows


def whole(store: Store, project_id: int, engine: str) -> Row:
    """The whole bundle in this process (chromium already started by the stages)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    data = publication.bundle(store, USER, project_id, FigureFilters(), engine=engine)
    label = "before (kaleido)" if engine == "kaleido" else "after, warm"
    size = f"{len(data) / 1e6:.1f} MB"
    return f"WHOLE BUNDLE, {label}", time.perf_counter() - start, cpu_seconds() - cpu, size


def _processes() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds so far, from /proc."""
    found, tick = {}, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            found[int(stat.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, IndexError, ValueError):
            continue
    return found


def family_cpu(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` and every process it starts: what it waited for (exact, from
    getrusage) or, when more, what /proc showed of the whole family every 200 ms (orphans included;
    reading /proc costs some 5 ms a time on this machine, so it is not read more often)."""
    start, waited = time.perf_counter(), _children_seconds()  # not this process: it only polls
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    family, seen = {process.pid}, dict[int, float]()
    while True:
        for pid, (parent, cpu) in _processes().items():
            if pid in family or parent in family:
                family.add(pid)
                seen[pid] = max(seen.get(pid, 0.0), cpu)
        try:
            process.wait(timeout=0.2)  # returns as the command ends: the wall time is not rounded up
            break
        except subprocess.TimeoutExpired:
            continue
    wall = time.perf_counter() - start
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, max(_children_seconds() - waited, sum(seen.values()))


def _children_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


def fresh_process(store: Store, project: str, folder: Path) -> Row:
    """`workbench bundle` in a new process, as a user runs it: imports and worker start included."""
    out = folder / "bundle.zip"
    url = store.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_USER": USER}
    command = [sys.executable, "-m", "workbench.cli", "bundle", "--project", project, "--out", str(out)]
    wall, cpu = family_cpu(command, env)
    size = f"{out.stat().st_size / 1e6:.1f} MB"
    return "WHOLE BUNDLE, after, fresh process (CLI)", wall, cpu, size


def print_row(stage: str, seconds: float, cpu: float, note: str) -> None:
    print(f"| {stage:45} | {seconds:8.2f} | {cpu:8.2f} | {note} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--skip-before", action="store_true", help="do not time the whole kaleido bundle")
    parser.add_argument("--runs", type=int, default=2, help="how often each whole 'after' bundle is built")
    parser.add_argument("--fresh-only", action="store_true", help="time only fresh `workbench bundle` runs")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; figures on a loaded machine are pessimistic")
    with tempfile.TemporaryDirectory() as folder:
        for backend, store in stores(Path(folder)):
            start = time.perf_counter()
            demo = load_large_demo(store, USER, args.studies, args.reviewers)
            print(
                f"\n## {backend}: {args.studies} studies (generated in {time.perf_counter() - start:.1f} s)"
            )
            print(f"| {'stage':45} | {'seconds':>8} | {'CPU s':>8} | note |")
            print(f"| {'-' * 45} | {'-' * 8} | {'-' * 8} | --- |")
            if not args.fresh_only:
                for row in stages(store, demo.project_id):
                    print_row(*row)
                if not args.skip_before:
                    print_row(*whole(store, demo.project_id, "kaleido"))
                for _ in range(args.runs):
                    print_row(*whole(store, demo.project_id, "direct"))
            for _ in range(args.runs):
                print_row(*fresh_process(store, demo.name, Path(folder)))
            store.dispose()


if __name__ == "__main__":
    main()
