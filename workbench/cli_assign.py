"""The ``workbench assign`` command: give studies to reviewers, one study or all of them balanced."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.services import assignments, projects
from workbench.services.access import current_username
from workbench.services.errors import Invalid
from workbench.store.db import Store, database_url


def _logins(text: str) -> list[str]:
    return [login.strip() for login in text.split(",") if login.strip()]


def cmd_assign(args: argparse.Namespace) -> int:
    store = Store.open(database_url())
    user = current_username()
    project_id = projects.project_id_by_name(store, user, args.project)
    if args.balanced:
        if not args.reviewers:
            raise Invalid("--balanced needs --reviewers A,B[,C]")
        plan = assignments.assign_balanced(store, user, project_id, _logins(args.reviewers), args.per_study)
        for key, logins in plan.items():
            print(f"{key}: {', '.join(logins)}")
        print(f"assigned {sum(len(v) for v in plan.values())} new reviewer(s) across {len(plan)} studies")
        return 0
    if not args.study or not args.to:
        raise Invalid("name a study and its reviewers (--study KEY --to A[,B]), or use --balanced")
    study_id = assignments.study_id_by_key(store, user, project_id, args.study)
    added = assignments.assign(store, user, project_id, study_id, _logins(args.to))
    print(f"{args.study}: assigned {', '.join(added)}" if added else f"{args.study}: already assigned")
    return 0


def register(subparsers: Any) -> None:
    """Add ``assign`` to the ``workbench`` command's subparsers."""
    cmd = subparsers.add_parser("assign", help="assign studies to reviewers (one study, or all balanced)")
    cmd.add_argument("--project", required=True, help="project name")
    cmd.add_argument("--study", help="study key")
    cmd.add_argument("--to", help="one or two reviewers' logins, comma-separated")
    cmd.add_argument("--balanced", action="store_true", help="every study to --per-study reviewers, balanced")
    cmd.add_argument("--reviewers", help="reviewers to balance over, comma-separated")
    cmd.add_argument("--per-study", type=int, default=2, help="reviewers per study (default 2)")
    cmd.set_defaults(func=cmd_assign)
