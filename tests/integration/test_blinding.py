"""Blind double coding: while a study is unreleased, each assignee sees only their own codings of it."""

from collections.abc import Callable

import pytest
from sqlalchemy import select

from tests.integration.blind_project import ALICE, BOB, BRAVO, CAROL, OWNER, Blind, build
from workbench.services import (
    assignments,
    audit,
    codebook,
    configurations,
    evidence,
    figures,
    publication,
    studies,
    suggestion_training,
)
from workbench.services import coding as coding_service
from workbench.services.suggestions import _documents
from workbench.services.visibility import visibility
from workbench.store.db import Store
from workbench.store.models import Study, User

Path = Callable[[Store, str, Blind], bool]


def _reader(store: Store, user: str, b: Blind) -> bool:
    view = coding_service.document_view(store, user, b.s01)
    return any(c.coder == BOB for e in view.excerpts for c in e.codings) or any(
        e.text == BRAVO for e in view.excerpts
    )


def _code_usage(store: Store, user: str, b: Blind) -> bool:
    nodes = {n.name: n for n in codebook.codebook_tree(store, user, b.project_id)}
    return nodes["Trust"].codings > 0 or nodes["Trust"].studies > 0


def _evidence_picker(store: Store, user: str, b: Blind) -> bool:
    options = evidence.candidate_evidence(store, user, b.project_id, [b.codes["Trust"]])
    return any(o.coder == BOB for o in options[b.codes["Trust"]])


def _configurations(store: Store, user: str, b: Blind) -> bool:
    rows = configurations.list_configurations(store, user, b.project_id)
    return any(row.n_studies > 0 or any(e.evidence for e in row.elements) for row in rows)


def _graph_data(store: Store, user: str, b: Blind) -> bool:
    return any(c.coder == BOB for c in figures.programme(store, user, b.project_id).codings)


def _table_export(store: Store, user: str, b: Blind) -> bool:
    return "Bravo" in publication.export_table(store, user, b.project_id, "data-examples", "csv").decode()


def _audit_log(store: Store, user: str, b: Blind) -> bool:
    rows = audit.audit_entries(store, user, b.project_id)
    return any(r.user == BOB and r.entity_type in ("coding", "excerpt") for r in rows)


def _studies_list(store: Store, user: str, b: Blind) -> bool:
    counts = {row.id: row.excerpts for row in studies.list_studies(store, user, b.project_id)}
    return counts[b.s01] == 2  # alice's excerpt and bob's


PATHS: dict[str, Path] = {
    "reader": _reader,
    "code usage counts": _code_usage,
    "evidence picker": _evidence_picker,
    "configurations and coded-in-N-papers": _configurations,
    "graph data": _graph_data,
    "table export rows": _table_export,
    "audit log": _audit_log,
    "coded excerpts in the studies list": _studies_list,
}


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_a_reviewer_sees_the_other_reviewers_codings_only_once_the_study_is_released(
    store: Store, path: Path
):
    b = build(store)
    assert not path(store, ALICE, b), "alice must not see bob's codings of an unreleased blind study"
    assert not path(store, CAROL, b), "a reviewer not assigned sees no one else's codings of it either"
    assert path(store, OWNER, b), "the owner, not assigned, sees every coding"
    assignments.mark_done(store, ALICE, b.s01)
    assert not path(store, ALICE, b), "one of two done: still blind"
    assert assignments.mark_done(store, BOB, b.s01) is True
    assert path(store, ALICE, b) and path(store, CAROL, b) and path(store, BOB, b)


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_a_project_not_coded_blind_shows_everyone_everything_as_before(store: Store, path: Path):
    b = build(store, blind=False)
    assert path(store, ALICE, b) and path(store, CAROL, b)


def test_a_reviewer_keeps_seeing_their_own_codings_of_a_blind_study(store: Store):
    b = build(store)
    view = coding_service.document_view(store, ALICE, b.s01)
    assert [c.coder for e in view.excerpts for c in e.codings] == [ALICE]
    bob_view = coding_service.document_view(store, BOB, b.s01)
    assert {c.coder for e in bob_view.excerpts for c in e.codings} == {BOB}


def _training_codes(store: Store, b: Blind) -> set[str]:
    with store.transaction() as session:
        docs = suggestion_training._training_docs(session, b.project_id)
    return {code for doc in docs for *_, codes in doc.excerpts for code in codes}


def test_suggestion_training_never_learns_from_an_unreleased_blind_study(store: Store):
    b = build(store)
    assert _training_codes(store, b) == set()
    assignments.release(store, OWNER, b.s01)
    assert _training_codes(store, b) == {str(i) for i in b.codes.values()}


def test_suggestions_do_not_tell_a_reviewer_where_the_other_reviewer_coded(store: Store):
    b = build(store)
    with store.transaction() as session:
        study = session.get_one(Study, b.s01)
        alice = session.scalars(select(User).where(User.username == ALICE)).one()
        taken = _documents(session, [study], visibility(session, b.project_id, alice.id))[0].taken
    spans = {(start, end) for start, end in taken}
    assert len(spans) == 1, "only alice's own excerpt counts as already coded for her"
