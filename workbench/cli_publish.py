"""The ``workbench export``, ``figure`` and ``bundle`` commands: publication tables, figures, the zip."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.domain.tables import TABLE_FORMATS, TABLES
from workbench.graphs.export import FORMATS as FIGURE_FORMATS

if TYPE_CHECKING:
    from workbench.store.db import Store


def _project(args: argparse.Namespace) -> tuple[Store, str, int]:
    # imported here: `workbench bundle` starts its workers first, then loads SQLAlchemy and the services
    from workbench.services import projects
    from workbench.services.access import current_username
    from workbench.store.db import Store, database_url

    store = Store.open(database_url())
    user = current_username()
    return store, user, projects.project_id_by_name(store, user, args.project)


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.services import publication  # plotly, python-docx and openpyxl load only when used

    store, user, project_id = _project(args)
    data = publication.export_table(store, user, project_id, args.table, args.format)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"wrote {args.table} as {args.format} to {out} ({len(data)} bytes)")
    return 0


def cmd_figure(args: argparse.Namespace) -> int:
    from workbench.services import publication

    store, user, project_id = _project(args)
    context = None if args.all else args.context
    files = publication.figure_files(store, user, project_id, args.format, context, counts=not args.no_counts)
    out = Path(args.out)
    if args.all:
        out.mkdir(parents=True, exist_ok=True)
        targets = [(out / f.name, f) for f in files]
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        targets = [(out, files[0])]
    for path, figure in targets:
        path.write_bytes(figure.data)
        print(f"wrote {path} ({len(figure.data)} bytes)")
    if not targets:
        print("no context has configurations yet; nothing written")
    return 0


def _bundle_progress(done: int, total: int, label: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r[{done}/{total}] {label[:60]:60}" + ("\n" if done >= total else ""))
        sys.stderr.flush()


def cmd_bundle(args: argparse.Namespace) -> int:
    from workbench.services import bundle_workers

    if args.engine == "direct":
        bundle_workers.prestart()  # they load cairo and python-docx while this process reads the project
    from workbench.services import publication

    store, user, project_id = _project(args)
    start = time.perf_counter()
    data = publication.bundle(store, user, project_id, progress=_bundle_progress, engine=args.engine)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"wrote {out} ({len(data)} bytes) in {time.perf_counter() - start:.1f} s")
    return 0


def register(subparsers: Any) -> None:
    """Add ``export``, ``figure`` and ``bundle`` to the ``workbench`` command's subparsers."""
    bundle = subparsers.add_parser(
        "bundle", help="write the publication bundle (the Export page's zip) of a project"
    )
    bundle.add_argument("--project", metavar="NAME", required=True)
    bundle.add_argument("--out", metavar="FILE.zip", required=True, help="the zip file to write")
    bundle.add_argument(
        "--engine", choices=("direct", "kaleido"), default="direct",
        help="direct (default): infographics drawn as SVG and converted by cairo; kaleido: every figure "
        "through the browser (the slower path, kept for comparison)",
    )  # fmt: skip
    bundle.set_defaults(func=cmd_bundle)
    export = subparsers.add_parser(
        "export", help="write a publication table as DOCX, XLSX, CSV, Markdown or LaTeX"
    )
    export.add_argument("table", choices=TABLES, metavar="TABLE", help=f"one of: {', '.join(TABLES)}")
    export.add_argument("--project", metavar="NAME", required=True)
    export.add_argument(
        "--format",
        choices=TABLE_FORMATS,
        required=True,
        metavar="FMT",
        help=f"one of: {', '.join(TABLE_FORMATS)}",
    )
    export.add_argument("--out", metavar="PATH", required=True, help="the file to write")
    export.set_defaults(func=cmd_export)

    figure = subparsers.add_parser(
        "figure", help="draw the nested CMOC infographic of a context as SVG, PNG or PDF"
    )
    figure.add_argument("--project", metavar="NAME", required=True)
    which = figure.add_mutually_exclusive_group(required=True)
    which.add_argument("--context", metavar="NAME", help="the context code to draw (with its sub-factors)")
    which.add_argument(
        "--all", action="store_true", help="every context with configurations; PATH is a folder"
    )
    figure.add_argument("--format", choices=FIGURE_FORMATS, required=True, help="PNG is 300 dpi")
    figure.add_argument("--out", metavar="PATH", required=True, help="the file (or, with --all, the folder)")
    figure.add_argument(
        "--no-counts", action="store_true", help="leave the study counts off the boxes and lines"
    )
    figure.set_defaults(func=cmd_figure)
