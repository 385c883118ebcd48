"""``workbench member add|list|remove --project NAME``: who belongs to a project, in which role."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from workbench.services import members, projects
from workbench.services.access import current_username
from workbench.store.db import Store, database_url
from workbench.store.enums import Role

HELP = "add, list, re-role and remove the members of a project (owners only, except list)"


def register(subparsers: Any) -> None:
    """Add the ``member`` command and its subcommands to the ``workbench`` parser."""
    member = subparsers.add_parser("member", help=HELP, description=HELP + ".")
    sub = member.add_subparsers(dest="member_command", required=True)
    add = sub.add_parser("add", help="make LOGIN a member (their account is created if they have none)")
    add.add_argument("--project", metavar="NAME", required=True)
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.set_defaults(func=cmd_member_add)
    listing = sub.add_parser("list", help="list the project's members and their roles")
    listing.add_argument("--project", metavar="NAME", required=True)
    listing.add_argument(
        "--json",
        action="store_true",
        help="one JSON list of {login, display_name, role, has_password, active}",
    )
    listing.set_defaults(func=cmd_member_list)
    role = sub.add_parser("role", help="give a member another role (a project keeps at least one owner)")
    role.add_argument("--project", metavar="NAME", required=True)
    role.add_argument("login", metavar="LOGIN")
    role.add_argument("--role", choices=[r.value for r in Role], required=True)
    role.set_defaults(func=cmd_member_role)
    remove = sub.add_parser("remove", help="take LOGIN out of the project (their work stays)")
    remove.add_argument("--project", metavar="NAME", required=True)
    remove.add_argument("login", metavar="LOGIN")
    remove.set_defaults(func=cmd_member_remove)


def _project(args: argparse.Namespace) -> tuple[Store, str, int]:
    store = Store.open(database_url())
    user = current_username()
    return store, user, projects.project_id_by_name(store, user, args.project)


def cmd_member_add(args: argparse.Namespace) -> int:
    """Add a member with a role (an existing member: use ``member role``)."""
    store, user, project_id = _project(args)
    added = members.add_member(store, user, project_id, args.login, Role(args.role))
    note = " (new account, no password yet)" if added.new_account else ""
    print(f"{added.member.login} is now a {added.member.role.value} of {args.project!r}{note}")
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:
    """Print the members, owners first."""
    store, user, project_id = _project(args)
    rows = members.list_members(store, user, project_id)
    if args.json:
        print(json.dumps([asdict(m) | {"role": m.role.value} for m in rows]))
        return 0
    for m in rows:
        flags = "" if m.active else "  (deactivated)"
        print(f"{m.login:30} {m.role.value:12} {m.display_name}{flags}")
    return 0


def cmd_member_role(args: argparse.Namespace) -> int:
    """Give a member another role."""
    store, user, project_id = _project(args)
    changed = members.change_role(store, user, project_id, args.login, Role(args.role))
    print(f"{changed.login} is now a {changed.role.value} of {args.project!r}")
    return 0


def cmd_member_remove(args: argparse.Namespace) -> int:
    """Remove a member (the last owner stays)."""
    store, user, project_id = _project(args)
    members.remove_member(store, user, project_id, args.login)
    print(f"{args.login} is no longer a member of {args.project!r}")
    return 0
