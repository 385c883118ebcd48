"""Print how long the publication bundle takes on the large generated project, stage by stage, before
(every figure through kaleido) and after (infographics, matrices and chains drawn as SVG, painted as
PNG and PDF by cairo, kaleido for the Sankey in the background), on SQLite and, when
WORKBENCH_TEST_POSTGRES_URL is set (scripts/with_postgres.sh), on PostgreSQL.

Usage: .venv/bin/python benchmarks/bundle_speed.py [--studies 200] [--reviewers 4] [--skip-before]
       scripts/with_postgres.sh .venv/bin/python benchmarks/bundle_speed.py
"""

from __future__ import annotations

import argparse
import os
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
from workbench.domain.overview import chain_graph
from workbench.domain.print_geometry import PRINT_CM
from workbench.exporters.bundle import write_bundle
from workbench.graphs.export import FORMATS, convert_svg, render, start_renderer
from workbench.graphs.infographic import context_infographic
from workbench.graphs.overview import overview_figures
from workbench.graphs.svg import chains_svg, infographic_svg, matrix_svg
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


def timed(rows: list[tuple[str, float, str]], stage: str, note: str, work: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    out = work()
    rows.append((stage, time.perf_counter() - start, note))
    return out


def converted(svgs: list[tuple[str, float]], fmt: str) -> list[bytes]:
    return [convert_svg(svg, fmt, width, PRINT_CM) for svg, width in svgs]


def stages(store: Store, project_id: int) -> list[tuple[str, float, str]]:
    """Each stage of the bundle timed alone, one after the other (no overlap)."""
    rows: list[tuple[str, float, str]] = []
    data = timed(
        rows, "read the project", "", lambda: programme(store, USER, project_id, None, Action.EXPORT)
    )
    steps = publication._Steps(0, None)
    files = timed(rows, "tables (xlsx, docx, csv, md, tex)", "", lambda: publication._tables(data, steps))
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
    timed(rows, "zip", f"{len(files)} table files", lambda: write_bundle(files, "readme"))
    return rows


def whole(store: Store, project_id: int, engine: str) -> tuple[float, int]:
    start = time.perf_counter()
    data = publication.bundle(store, USER, project_id, FigureFilters(), engine=engine)
    return time.perf_counter() - start, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--studies", type=int, default=200)
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--skip-before", action="store_true", help="do not time the whole kaleido bundle")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; figures on a loaded machine are pessimistic")
    with tempfile.TemporaryDirectory() as folder:
        for backend, store in stores(Path(folder)):
            start = time.perf_counter()
            project_id = load_large_demo(store, USER, args.studies, args.reviewers).project_id
            print(
                f"\n## {backend}: {args.studies} studies (generated in {time.perf_counter() - start:.1f} s)"
            )
            print(f"| {'stage':45} | {'seconds':>8} | note |\n| {'-' * 45} | {'-' * 8} | --- |")
            for stage, seconds, note in stages(store, project_id):
                print(f"| {stage:45} | {seconds:8.2f} | {note} |")
            for engine, label in (("kaleido", "before"), ("direct", "after")):
                if engine == "kaleido" and args.skip_before:
                    continue
                seconds, size = whole(store, project_id, engine)
                stage = f"WHOLE BUNDLE, {label} ({engine})"
                print(f"| {stage:45} | {seconds:8.2f} | {size / 1e6:.1f} MB |")
            store.dispose()


if __name__ == "__main__":
    main()
