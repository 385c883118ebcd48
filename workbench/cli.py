"""The ``workbench`` command: database, demo project, projects, import, text extraction, statistics."""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.domain.errors import ServiceError

if TYPE_CHECKING:
    from workbench.store.db import Store

DEBUG_ENV = "WORKBENCH_DEBUG"

EPILOG = (
    "The store is WORKBENCH_DATABASE_URL (default: sqlite:///data/workbench.db); "
    "the acting user is WORKBENCH_USER (default: your login name)."
)


def _open() -> Store:
    from workbench.store.db import Store, database_url

    return Store.open(database_url())


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from workbench.services import database

    store = _open()
    backup = database.upgrade_database(store, backup=not args.no_backup)
    if backup:
        print(f"backed up the database to {backup}")
    print(f"database at the newest schema: {store.engine.url.render_as_string()}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.services import database, demo, stats
    from workbench.services.access import current_username

    store = _open()
    backup = database.upgrade_database(store)
    if backup:
        print(f"backed up the database to {backup} before upgrading it")
    if args.if_empty and stats.store_has_projects(store):
        print("the store already holds projects; demo not loaded (--if-empty)")
        return 0
    if args.large is not None:
        return _large_demo(store, args)
    result = demo.load_demo(store, current_username())
    verb = "loaded" if result.created else "already present, nothing changed:"
    counts = stats.store_stats(store, current_username(), result.project_id) if result.created else None
    print(f"{demo.DEMO_PROJECT!r} {verb} (project id {result.project_id})")
    if counts:
        print(", ".join(f"{v} {k}" for k, v in counts.items() if k != "projects"))
    return 0


def _large_demo(store: Store, args: argparse.Namespace) -> int:
    from workbench.services import demo_large, stats
    from workbench.services.access import current_username

    big = demo_large.load_large_demo(store, current_username(), args.large, args.reviewers, args.project)
    if not big.created:
        print(f"{big.name!r} already present, nothing changed (project id {big.project_id})")
        return 0
    counts = stats.store_stats(store, current_username(), big.project_id)
    print(f"{big.name!r} loaded (project id {big.project_id}); reviewers {', '.join(big.reviewers)}")
    print(", ".join(f"{v} {k}" for k, v in counts.items() if k != "projects"))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from workbench.services import projects, stats
    from workbench.services.access import current_username

    store = _open()
    user = current_username()
    project_id = projects.project_id_by_name(store, user, args.project) if args.project else None
    counts = stats.store_stats(store, user, project_id)
    if args.json:
        print(json.dumps(counts))
    else:
        for name, value in counts.items():
            print(f"{name:15} {value}")
    return 0


def cmd_project_create(args: argparse.Namespace) -> int:
    from workbench.services import projects
    from workbench.services.access import current_username

    project_id = projects.create_project(_open(), current_username(), args.name, args.description)
    print(f"created project {args.name!r} (id {project_id})")
    return 0


def cmd_project_list(args: argparse.Namespace) -> int:
    from workbench.services import projects
    from workbench.services.access import current_username

    rows = projects.list_projects(_open(), current_username())
    if not rows:
        print("no projects yet: `workbench project create NAME` or `workbench demo`")
    for p in rows:
        print(
            f"{p.name}  [{p.role}]  {p.studies} studies, {p.codings} codings, "
            f"{p.configurations} configurations"
        )
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from workbench.importers.errors import ImportProblem
    from workbench.importers.text import extract_file

    path = Path(args.path)
    if path.is_dir():
        raise ImportProblem(str(path), "is a folder; give one file")
    if not path.exists():
        raise ImportProblem(str(path), "no such file")
    extracted = extract_file(path)
    for warning in extracted.warnings:
        print(f"workbench: warning: {warning}", file=sys.stderr)
    if args.pages_json:
        print(json.dumps(extracted.page_starts))
    else:
        sys.stdout.buffer.write(extracted.text.encode("utf-8"))
        sys.stdout.flush()
    return 0


def _progress_bar(done: int, total: int, name: str) -> None:
    if not sys.stderr.isatty():
        if done < total:
            print(f"[{done + 1}/{total}] {name}", file=sys.stderr)
        return
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {name[:40]:40}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.importers.archive import from_path, walk
    from workbench.importers.errors import ImportProblem
    from workbench.services import importing, projects
    from workbench.services.access import current_username

    store = _open()
    user = current_username()
    project_id = projects.project_id_by_name(store, user, args.project)
    files = []
    for path in walk([Path(p) for p in args.paths]):
        if not path.exists():
            raise ImportProblem(str(path), "no such file or folder")
        files.append(from_path(path))
    summary = importing.import_files(
        store, user, project_id, files, on_duplicate=args.on_duplicate, progress=_progress_bar
    )
    for outcome in summary.outcomes:
        print(f"{outcome.status.value:15} {outcome.filename}: {outcome.message}")
    print(summary.headline())
    return 1 if summary.count(importing.Status.FAILED) else 0


COMMAND_MODULES: dict[str, str] = {
    "bundle": "cli_publish",
    "export": "cli_publish",
    "figure": "cli_publish",
    "suggest": "cli_suggest",
    "agreement": "cli_agreement",
    "user": "cli_users",
    "member": "cli_team",
    "assign": "cli_assign",
    "qdpx": "cli_interop",
    "qdc": "cli_interop",
    "consultation": "cli_consult",
}
"""The commands registered by a ``workbench.cli_*`` module, in the order of ``workbench --help``. ``main``
builds a parser holding only the module of the command asked for, so that running it imports no other
command's modules (``suggest`` imports no service or SQLAlchemy; ``bundle`` starts its workers sooner)."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (also used by the test that checks the README documents every command);
    with ``only`` one of ``COMMAND_MODULES``, a parser holding that command's module alone (same help
    and usage for the command)."""
    parser = argparse.ArgumentParser(
        prog="workbench", description="Realist evidence synthesis workbench.", epilog=EPILOG
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if only in COMMAND_MODULES:
        importlib.import_module(f"workbench.{COMMAND_MODULES[only]}").register(sub)
        return parser
    from workbench.services import demo

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="bring the database to the newest schema")
    up.add_argument(
        "--no-backup", action="store_true", help="do not copy an SQLite file to <file>.bak before upgrading"
    )
    up.set_defaults(func=cmd_db_upgrade)

    demo_cmd = sub.add_parser(
        "demo", help=f"load the sample corpus as the {demo.DEMO_PROJECT!r} project (idempotent)"
    )
    demo_cmd.add_argument(
        "--if-empty", action="store_true", help="load only into a store with no projects (used by `make run`)"
    )
    demo_cmd.add_argument("--large", type=int, metavar="N", help="generate a fictional project of N studies")
    demo_cmd.add_argument("--reviewers", type=int, default=4, metavar="R", help="with --large: R reviewers")
    demo_cmd.add_argument("--project", metavar="NAME", help="with --large: the project's name")
    demo_cmd.set_defaults(func=cmd_demo)

    st = sub.add_parser(
        "stats", help="count projects, studies, documents, codes, excerpts, codings and configurations"
    )
    st.add_argument("--project", metavar="NAME", help="count one project only")
    st.add_argument("--json", action="store_true", help="print one JSON object")
    st.set_defaults(func=cmd_stats)

    extract = sub.add_parser("extract", help="print the text the importer would store (no database)")
    extract.add_argument("path", help="a PDF, DOCX, TXT, Markdown or HTML file")
    extract.add_argument("--pages-json", action="store_true", help="print page start offsets as JSON instead")
    extract.set_defaults(func=cmd_extract)

    imp = sub.add_parser("import", help="import full texts, references, characteristics, zips")
    imp.add_argument("--project", metavar="NAME", required=True)
    imp.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders are recursed)")
    imp.add_argument(
        "--on-duplicate", choices=["skip", "merge"], default="skip",
        help="skip duplicates (default) or merge them into the existing study",
    )  # fmt: skip
    imp.set_defaults(func=cmd_import)

    project = sub.add_parser("project", help="create and list projects")
    project_sub = project.add_subparsers(dest="project_command", required=True, metavar="ACTION")
    create = project_sub.add_parser("create", help="create a project you own")
    create.add_argument("name")
    create.add_argument("--description", default="")
    create.set_defaults(func=cmd_project_create)
    project_sub.add_parser("list", help="list your projects").set_defaults(func=cmd_project_list)
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        importlib.import_module(f"workbench.{module}").register(sub)
    return parser


def _os_message(exc: OSError) -> str:
    """ "out/x.csv: permission denied" rather than "[Errno 13] Permission denied: 'out/x.csv'"."""
    if exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror[0].lower()}{exc.strerror[1:]}"
    return str(exc) or type(exc).__name__


def _is_database_error(exc: Exception) -> bool:
    """Whether ``exc`` comes from the database driver (never, when SQLAlchemy was not even imported)."""
    if "sqlalchemy" not in sys.modules:
        return False
    from workbench.services import database

    return database.is_database_error(exc)


def _database_problem(exc: Exception) -> str | None:
    if "sqlalchemy" not in sys.modules:
        return None
    from workbench.services import database

    return database.database_problem(exc)


def failure_message(exc: Exception) -> str:
    """The one line the command prints for a failure: the message of a user-caused error, else what
    kind of error it was (the whole traceback is shown only with WORKBENCH_DEBUG=1)."""
    if isinstance(exc, ServiceError | ValueError):
        message = str(exc)
    elif isinstance(exc, OSError):
        message = _os_message(exc)
    elif (problem := _database_problem(exc)) is not None:
        message = problem
    else:
        message = f"unexpected {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 to see where)"
    return "workbench: error: " + " ".join(message.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``workbench`` command: every failure is one line on stderr and exit 1."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the one place CLI failures are reported
        user_caused = isinstance(exc, ServiceError | OSError | ValueError) or _is_database_error(exc)
        if not user_caused and os.environ.get(DEBUG_ENV) == "1":
            raise  # a bug, and tests or a developer asked to see where
        print(failure_message(exc), file=sys.stderr)
        return 1


def run() -> None:
    """The installed ``workbench`` command: :func:`main`, then exit without the interpreter's last
    collections over every object SQLAlchemy and the services made (a tenth of a second or more)."""
    code = main()
    gc.freeze()  # nothing is collected any more: the process ends and the system takes its memory back
    sys.exit(code)


if __name__ == "__main__":
    run()
