"""A hand-made double-coded project for the agreement tests, built through the services.

Study s01 is one 20-character text, "abcdefghijklmnopqrst", coded by alice and bob:

    Contexts/Peer  alice [0, 10)           bob [5, 15)
    Outcomes/Hope  alice [0, 4)            bob [0, 2) and [16, 20)

carol and erin each coded all of s01 with Peer (they are not among the default coders); only alice
coded s02, so s02 is not a shared document. alice has 4 codings, bob 3, carol and erin 1 each: the
default coders are alice and bob. dave is a reviewer with no codings, sam a stakeholder.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import CodingMode
from workbench.importers.archive import from_bytes
from workbench.services import codebook, coding, configurations, importing, projects, studies
from workbench.services.access import ensure_user
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Membership

NAME = "Agreement review"
OWNER, ALICE, BOB, CAROL, DAVE, ERIN, SAM = "owner", "alice", "bob", "carol", "dave", "erin", "sam"
TEXT = "abcdefghijklmnopqrst"
OTHER = "a second study only alice coded"


@dataclass
class Review:
    project_id: int
    studies: dict[str, int]
    documents: dict[str, int]
    codes: dict[str, int]


def build(store: Store) -> Review:
    """The project above, with configurations: alice (Peer, Trust, Hope); bob the same and (Peer,
    Trust, Relief)."""
    project_id = projects.create_project(store, OWNER, NAME)
    with store.transaction() as session:
        members = dict.fromkeys((ALICE, BOB, CAROL, DAVE, ERIN), Role.REVIEWER)
        for name, role in {**members, SAM: Role.STAKEHOLDER}.items():
            session.add(Membership(project_id=project_id, user_id=ensure_user(session, name).id, role=role))
    files = [from_bytes("s01.txt", TEXT.encode()), from_bytes("s02.txt", OTHER.encode())]
    importing.import_files(store, OWNER, project_id, files)
    rows = studies.list_studies(store, OWNER, project_id)
    study_ids = {row.key: row.id for row in sorted(rows, key=lambda r: r.id)}
    keys = list(study_ids)
    study_ids = {"s01": study_ids[keys[0]], "s02": study_ids[keys[1]]}
    documents = {k: coding.document_view(store, OWNER, i).document_id for k, i in study_ids.items()}
    assert coding.document_view(store, OWNER, study_ids["s01"]).text == TEXT
    codes: dict[str, int] = {}
    for parent, kind, child in (
        ("Contexts", CodeKind.CONTEXT, "Peer"),
        ("Mechanisms", CodeKind.MECHANISM, "Trust"),
        ("Outcomes", CodeKind.OUTCOME, "Hope"),
    ):
        codes[parent] = codebook.create_code(store, OWNER, project_id, parent, kind)
        codes[child] = codebook.create_code(store, OWNER, project_id, child, kind, parent_id=codes[parent])
    codes["Relief"] = codebook.create_code(
        store, OWNER, project_id, "Relief", CodeKind.OUTCOME, parent_id=codes["Outcomes"]
    )

    def code(user: str, study: str, start: int, end: int, name: str) -> None:
        coding.code_span(store, user, documents[study], start, end, [codes[name]], CodingMode.INDUCTIVE)

    code(ALICE, "s01", 0, 10, "Peer")
    code(ALICE, "s01", 0, 4, "Hope")
    code(BOB, "s01", 5, 15, "Peer")
    code(BOB, "s01", 0, 2, "Hope")
    code(BOB, "s01", 16, 20, "Hope")
    code(CAROL, "s01", 0, 20, "Peer")
    code(ERIN, "s01", 0, 20, "Peer")
    code(ALICE, "s02", 0, 8, "Peer")
    code(ALICE, "s02", 9, 15, "Hope")
    peer, trust = [codes["Peer"]], [codes["Trust"]]
    for user, outcome in ((ALICE, "Hope"), (BOB, "Hope"), (BOB, "Relief")):
        configurations.create_configuration(
            store, user, project_id, f"{user}: peers build trust, leading to {outcome}", peer, trust,
            [codes[outcome]],
        )  # fmt: skip
    return Review(project_id, study_ids, documents, codes)
