"""``workbench qdpx …`` and ``workbench qdc …``: REFI-QDA projects and codebooks in and out."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbench.services import projects, qdc, qdpx_export, qdpx_import
from workbench.services.access import current_username
from workbench.services.errors import Invalid
from workbench.store.db import Store, database_url

QDPX_HELP = "exchange whole projects with NVivo, ATLAS.ti, MAXQDA (REFI-QDA .qdpx)"
QDC_HELP = "exchange codebooks with other qualitative tools (REFI-QDA .qdc)"


def register(subparsers: Any) -> None:
    """Add the ``qdpx`` and ``qdc`` command groups; each side adds its subcommands below."""
    qdpx = subparsers.add_parser("qdpx", help=QDPX_HELP, description=QDPX_HELP + ".")
    qdpx_sub = qdpx.add_subparsers(dest="qdpx_command", required=True, metavar="ACTION")
    qdc = subparsers.add_parser("qdc", help=QDC_HELP, description=QDC_HELP + ".")
    qdc_sub = qdc.add_subparsers(dest="qdc_command", required=True, metavar="ACTION")
    _register_qdpx_import(qdpx_sub)
    _register_export_side(qdpx_sub, qdc_sub)


def _register_qdpx_import(qdpx_sub: Any) -> None:
    imp = qdpx_sub.add_parser(
        "import", help="import a .qdpx project into a project (created if it does not exist, you own it)"
    )
    imp.add_argument("file", metavar="FILE.qdpx", type=Path)
    imp.add_argument("--project", metavar="NAME", required=True)
    imp.add_argument(
        "--json",
        action="store_true",
        help='one JSON object {"sources", "codes", "codings", "users", "memos", "warnings"}',
    )
    imp.set_defaults(func=cmd_qdpx_import)


def _register_export_side(qdpx_sub: Any, qdc_sub: Any) -> None:
    """``qdpx export``, ``qdc import`` and ``qdc export``."""
    exp = qdpx_sub.add_parser("export", help="write a project as .qdpx for NVivo, ATLAS.ti, MAXQDA")
    exp.add_argument("--project", metavar="NAME", required=True)
    exp.add_argument("--out", metavar="FILE.qdpx", required=True, type=Path)
    exp.set_defaults(func=cmd_qdpx_export)
    imp = qdc_sub.add_parser(
        "import", help="add the codes of a .qdc codebook to a project (same names merge)"
    )
    imp.add_argument("file", metavar="FILE.qdc", type=Path)
    imp.add_argument("--project", metavar="NAME", required=True)
    imp.add_argument("--json", action="store_true", help='one JSON object {"codes", "warnings"}')
    imp.set_defaults(func=cmd_qdc_import)
    out = qdc_sub.add_parser("export", help="write a project's codebook as .qdc")
    out.add_argument("--project", metavar="NAME", required=True)
    out.add_argument("--out", metavar="FILE.qdc", required=True, type=Path)
    out.set_defaults(func=cmd_qdc_export)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise Invalid(f"cannot read {path.name}: {exc.strerror or exc}") from None


def cmd_qdpx_import(args: argparse.Namespace) -> int:
    """Import a .qdpx into the named project, creating the project in the same transaction if needed."""
    store = Store.open(database_url())
    report = qdpx_import.import_qdpx_into(
        store, current_username(), args.project, _read(args.file), args.file.name
    )
    if args.json:
        print(json.dumps(asdict(report) | {"warnings": list(report.warnings)}))
        return 0
    print(
        f"imported {args.file.name} into {args.project!r}: {report.sources} sources, {report.codes} codes, "
        f"{report.codings} codings, {report.users} users, {report.memos} memos"
    )
    for warning in report.warnings:
        print(f"warning: {warning}")
    return 0


def _project(name: str) -> tuple[Store, str, int]:
    store = Store.open(database_url())
    user = current_username()
    return store, user, projects.project_id_by_name(store, user, name)


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise Invalid(f"cannot write {path.name}: {exc.strerror or exc}") from None
    print(f"wrote {path} ({len(data)} bytes)")


def cmd_qdpx_export(args: argparse.Namespace) -> int:
    """Write the project (what the acting user may read) as a .qdpx."""
    store, user, project_id = _project(args.project)
    _write(args.out, qdpx_export.export_qdpx(store, user, project_id))
    return 0


def cmd_qdc_import(args: argparse.Namespace) -> int:
    """Add a .qdc codebook's codes to the project."""
    store, user, project_id = _project(args.project)
    report = qdc.import_qdc(store, user, project_id, _read(args.file), args.file.name)
    if args.json:
        print(json.dumps({"codes": report.codes, "warnings": list(report.warnings)}))
        return 0
    print(f"imported {args.file.name} into {args.project!r}: {report.codes} codes added")
    for warning in report.warnings:
        print(f"warning: {warning}")
    return 0


def cmd_qdc_export(args: argparse.Namespace) -> int:
    """Write the project's codebook as a .qdc."""
    store, user, project_id = _project(args.project)
    _write(args.out, qdc.export_qdc(store, user, project_id))
    return 0
