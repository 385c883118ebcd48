"""The ``workbench consultation`` command: set up a stakeholder consultation with its links; results."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workbench.services import consultations, projects
from workbench.services.access import current_username
from workbench.services.errors import Invalid
from workbench.store.db import Store, database_url


def _configuration_ids(text: str) -> list[int] | None:
    """``all`` (None: every configuration of the project) or comma-separated ids."""
    if text.strip().lower() == "all":
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise Invalid(f"--configurations is 'all' or ids separated by commas, not {text!r}") from None


def cmd_create(args: argparse.Namespace) -> int:
    store = Store.open(database_url())
    user = current_username()
    if args.participants < 0:
        raise Invalid("--participants is a number of invitation links, 0 or more")
    project_id = projects.project_id_by_name(store, user, args.project)
    session_id = consultations.create_session(
        store, user, project_id, args.title, purpose=args.purpose, mode=args.mode,
        configuration_ids=_configuration_ids(args.configurations),
    )  # fmt: skip
    invitations = (
        consultations.invite(store, user, session_id, args.participants) if args.participants else []
    )
    links = [i.link for i in invitations]
    if args.json:
        print(json.dumps({"session": session_id, "links": links}))
        return 0
    cards = len(consultations.session_cards(store, user, session_id))
    print(f"created consultation {args.title!r} (id {session_id}) with {cards} cards")
    for invitation in invitations:
        print(f"{invitation.pseudonym}: {invitation.link}")
    if links:
        print("each link is personal: open it on the app's address (e.g. http://localhost:8501/?join=...)")
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    store = Store.open(database_url())
    user = current_username()
    project_id = projects.project_id_by_name(store, user, args.project)
    found = consultations.results(store, user, args.session, project_id)
    if args.json:
        cards = [
            {
                "configuration": c.configuration_id, "ratings": list(c.ratings), "mean": c.mean,
                "comments": list(c.comments), "missing": [m.text for m in c.missing],
            }
            for c in found.cards
        ]  # fmt: skip
        print(json.dumps({"session": found.session_id, "participants": found.participants, "cards": cards}))
        return 0
    print(f"{found.title} (id {found.session_id}): {found.participants} participants; most disputed first")
    for c in found.cards:
        mean = f"{c.mean:.2f}" if c.mean is not None else "-"
        spread = f"{c.disagreement:.2f}" if c.disagreement is not None else "-"
        print(
            f"{c.label}: {len(c.ratings)} ratings, mean {mean}, spread {spread}, {len(c.comments)} comments"
        )
    return 0


def register(subparsers: Any) -> None:
    """Add ``consultation`` to the ``workbench`` command's subparsers."""
    cmd = subparsers.add_parser(
        "consultation", help="stakeholder consultations: set one up, read its results"
    )
    sub = cmd.add_subparsers(dest="consultation_command", required=True, metavar="ACTION")
    create = sub.add_parser("create", help="set up a consultation and print personal invitation links")
    create.add_argument("--project", required=True, help="project name")
    create.add_argument("--title", required=True)
    create.add_argument(
        "--configurations",
        default="all",
        metavar="all|ID,ID",
        help="the configurations it covers (default all)",
    )
    create.add_argument(
        "--participants", type=int, required=True, metavar="N", help="invitation links to make"
    )
    create.add_argument("--purpose", default="", help="what the consultation is for, shown to participants")
    create.add_argument(
        "--mode", choices=["live", "open"], default="live", help="a live meeting or open for a period"
    )
    create.add_argument("--json", action="store_true", help='print {"session": id, "links": [...]}')
    create.set_defaults(func=cmd_create)
    results = sub.add_parser("results", help="ratings, comments and what is missing, per configuration")
    results.add_argument("--project", required=True, help="project name")
    results.add_argument("--session", type=int, required=True, metavar="ID", help="the consultation's id")
    results.add_argument("--json", action="store_true", help="print one JSON object")
    results.set_defaults(func=cmd_results)
