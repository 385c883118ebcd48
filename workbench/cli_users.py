"""``workbench user add|list``: accounts for ``password`` and ``oidc`` sign-in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.services import auth
from workbench.services.errors import Invalid
from workbench.store.db import Store, database_url

ADD_HELP = "create an account, or set the name, e-mail and password of an existing one"


def register(subparsers: Any) -> None:
    """Add ``user add`` and ``user list`` to the ``workbench`` command's subparsers."""
    user = subparsers.add_parser("user", help="add and list accounts (sign-in with a password or e-mail)")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = user_sub.add_parser("add", help=ADD_HELP, description=ADD_HELP + ".")
    add.add_argument("login", metavar="LOGIN", help="letters, digits and . _ @ - (up to 100)")
    add.add_argument("--name", default="", help="the name shown to other members (default: LOGIN)")
    add.add_argument("--email", default=None, help="matched, lower-case, against a verified e-mail (oidc)")
    secret = add.add_mutually_exclusive_group(required=True)
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password (10+ characters) from one line of stdin",
    )
    secret.add_argument(
        "--no-password", action="store_true",
        help="leave the password as it is (a new account gets none: for oidc or local sign-in only)",
    )  # fmt: skip
    add.set_defaults(func=cmd_user_add)
    user_sub.add_parser("list", help="list accounts: login, name, e-mail, password set, locked").set_defaults(
        func=cmd_user_list
    )


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        raise Invalid(
            "no password on stdin (pipe it in: `printf '%s\\n' \"$PASSWORD\" | workbench user add ...`)"
        )
    return password


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create or update one account."""
    password = _read_password() if args.password_stdin else None
    created = auth.add_user(Store.open(database_url()), args.login, args.name, args.email, password)
    what = "created account" if created else "updated account"
    print(f"{what} {args.login!r}" + (" with a password" if password else ""))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    """Print every account, one per line."""
    accounts = auth.list_users(Store.open(database_url()))
    if not accounts:
        print("no accounts")
        return 0
    print(f"{'login':20} {'name':24} {'e-mail':30} {'password':8} locked until")
    for a in accounts:
        locked = a.locked_until.strftime("%Y-%m-%d %H:%M UTC") if a.locked_until else "-"
        inactive = "" if a.active else " (inactive)"
        password = "yes" if a.has_password else "no"
        print(f"{a.login:20} {a.name:24} {a.email or '-':30} {password:8} {locked}{inactive}")
    return 0
