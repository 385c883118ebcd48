"""A small blind double-coded project for the blinding tests, built through the services.

Study s01 ("Alpha ... Bravo ... Charlie") is assigned to alice and bob. alice codes the Alpha
sentence with Peer; bob codes the Bravo sentence with Peer, Trust and Hope and builds a configuration
citing those codings. s02 is assigned to nobody; carol (a reviewer) codes nothing; owner owns it.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import CodingMode
from workbench.importers.archive import from_bytes
from workbench.services import assignments, codebook, coding, configurations, importing, projects, studies
from workbench.services.access import ensure_user
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Membership

OWNER, ALICE, BOB, CAROL = "owner", "alice", "bob", "carol"
TEXT = "Alpha quote about peers. Bravo quote about trust and hope. Charlie closing line."
ALPHA, BRAVO = "Alpha quote about peers.", "Bravo quote about trust and hope."


@dataclass
class Blind:
    project_id: int
    s01: int
    s02: int
    document: int
    codes: dict[str, int]


def build(store: Store, blind: bool = True) -> Blind:
    """The project above; blind coding on unless ``blind`` is false."""
    project_id = projects.create_project(store, OWNER, "Blind review")
    with store.transaction() as session:
        for name in (ALICE, BOB, CAROL):
            user_id = ensure_user(session, name).id
            session.add(Membership(project_id=project_id, user_id=user_id, role=Role.REVIEWER))
    files = [from_bytes("s01.txt", TEXT.encode()), from_bytes("s02.txt", b"A second study nobody codes.")]
    importing.import_files(store, OWNER, project_id, files)
    rows = sorted(studies.list_studies(store, OWNER, project_id), key=lambda r: r.id)
    s01, s02 = rows[0].id, rows[1].id
    document = coding.document_view(store, OWNER, s01).document_id
    codes = {
        "Peer": codebook.create_code(store, OWNER, project_id, "Peer", CodeKind.CONTEXT),
        "Trust": codebook.create_code(store, OWNER, project_id, "Trust", CodeKind.MECHANISM),
        "Hope": codebook.create_code(store, OWNER, project_id, "Hope", CodeKind.OUTCOME),
    }
    assignments.set_blind_coding(store, OWNER, project_id, blind)
    assignments.assign(store, OWNER, project_id, s01, [ALICE, BOB])
    start = TEXT.index(ALPHA)
    coding.code_span(store, ALICE, document, start, start + len(ALPHA), [codes["Peer"]], CodingMode.INDUCTIVE)
    start = TEXT.index(BRAVO)
    coding.code_span(
        store, BOB, document, start, start + len(BRAVO), list(codes.values()), CodingMode.INDUCTIVE
    )
    mine = {
        c.code_id: c.id
        for e in coding.document_view(store, BOB, s01).excerpts
        for c in e.codings
        if c.coder == BOB
    }
    peer, trust, hope = ([codes[name]] for name in ("Peer", "Trust", "Hope"))
    evidence = {code_id: [coding_id] for code_id, coding_id in mine.items()}
    statement = "Among peers, trust brings hope"
    configurations.create_configuration(
        store, BOB, project_id, statement, peer, trust, hope, evidence=evidence
    )
    return Blind(project_id, s01, s02, document, codes)
