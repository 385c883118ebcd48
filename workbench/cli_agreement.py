"""``workbench agreement --project NAME``: inter-coder agreement of two coders, as JSON or a table."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workbench.services import agreement, projects
from workbench.services.access import current_username
from workbench.services.agreement import AgreementResult
from workbench.store.db import Store, database_url

HELP = "inter-coder agreement of two coders: percent agreement, Cohen's kappa, Krippendorff's alpha"


def register(subparsers: Any) -> None:
    """Add the ``agreement`` command to the ``workbench`` parser's subcommands."""
    cmd = subparsers.add_parser("agreement", help=HELP, description=HELP + ".")
    cmd.add_argument("--project", metavar="NAME", required=True)
    cmd.add_argument("--json", action="store_true", help="print one JSON object")
    cmd.add_argument(
        "--coders",
        metavar="LOGIN,LOGIN",
        help="the two coders to compare (default: the two with most codings)",
    )
    cmd.add_argument(
        "--unit", choices=agreement.UNITS, default="character",
        help="compare every character of shared documents (default) or every excerpt",
    )  # fmt: skip
    cmd.set_defaults(func=cmd_agreement)


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if percent else f"{value:.3f}"


def _table(result: AgreementResult) -> list[str]:
    a, b = result.coders
    overall = result.overall
    lines = [
        f"{a} vs {b}: {result.documents} shared documents, {result.unit} units",
        f"{'code':40} {'agreement':>9} {'kappa':>7} {'alpha':>7}",
        f"{'(overall)':40} {_number(overall.agreement, True):>9} {_number(overall.kappa):>7} "
        f"{_number(overall.alpha):>7}",
    ]
    for code in result.worst_first():
        lines.append(
            f"{code.path[:40]:40} {_number(code.agreement, True):>9} {_number(code.kappa):>7} "
            f"{_number(code.alpha):>7}"
        )
    return lines


def cmd_agreement(args: argparse.Namespace) -> int:
    """Print the agreement of two coders of a project (codes worst first in the table)."""
    store = Store.open(database_url())
    user = current_username()
    project_id = projects.project_id_by_name(store, user, args.project)
    coders = args.coders.split(",") if args.coders else None
    result = agreement.compute(store, user, project_id, coders, args.unit)
    if args.json:
        print(json.dumps(result.to_json()))
    else:
        print("\n".join(_table(result)))
    return 0
