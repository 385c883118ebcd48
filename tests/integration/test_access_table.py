"""The access table, enforced: every (action, role) pair of ``access.TABLE`` against the real services.

Each action has one representative service call in ``REGISTRY``. A role the table allows must get
through; any other role gets PermissionDenied. The project is built through the services, on SQLite
and PostgreSQL: an owner, the reviewer rita, the stakeholder sam, and olga, another reviewer whose
codings, configuration and memo are "others' work" for everyone else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from workbench.domain.characteristics import FieldType
from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import CodingMode
from workbench.importers.archive import from_bytes
from workbench.services import (
    adjudication,
    agreement,
    assignments,
    audit,
    characteristics,
    codebook,
    coding,
    configurations,
    consultations,
    importing,
    members,
    memos,
    projects,
    publication,
    studies,
    study_deletion,
    suggestions,
    theory,
)
from workbench.services.access import TABLE, Action, may
from workbench.services.errors import PermissionDenied
from workbench.store.db import Store
from workbench.store.enums import MemoTarget, Role

from ..conftest import BACKENDS, ROOT, Templates

OWNER, RITA, SAM, OLGA = "owner", "rita", "sam", "olga"
ACTING = {Role.OWNER: OWNER, Role.REVIEWER: RITA, Role.STAKEHOLDER: SAM}
TEXT = "In the peer group people felt hope. Trust grew week by week."


@dataclass
class World:
    """The ids the representative calls act on."""

    project_id: int
    study_id: int
    document_id: int
    codes: dict[str, int]
    olga_coding: int
    olga_config: int
    olga_memo: int
    consultation: int


def build(store: Store) -> World:
    """The project described in the module docstring, made through the services."""
    project_id = projects.create_project(store, OWNER, "Access review")
    for login, role in ((RITA, Role.REVIEWER), (SAM, Role.STAKEHOLDER), (OLGA, Role.REVIEWER)):
        members.add_member(store, OWNER, project_id, login, role)
    importing.import_files(store, OWNER, project_id, [from_bytes("s01.txt", TEXT.encode())])
    study_id = studies.list_studies(store, OWNER, project_id)[0].id
    document_id = coding.document_view(store, OWNER, study_id).document_id
    codes = {
        name: codebook.create_code(store, OWNER, project_id, name, kind)
        for name, kind in (
            ("Peer", CodeKind.CONTEXT), ("Trust", CodeKind.MECHANISM), ("Hope", CodeKind.OUTCOME),
            ("Spare", CodeKind.CONTEXT), ("Olga's", CodeKind.CONTEXT),
        )
    }  # fmt: skip
    olga_coding = coding.code_span(
        store, OLGA, document_id, 7, 17, [codes["Olga's"], codes["Peer"]], CodingMode.INDUCTIVE
    ).coding_ids[0]
    coding.code_span(store, OLGA, document_id, 36, 41, [codes["Trust"]], CodingMode.INDUCTIVE)
    coding.code_span(store, OLGA, document_id, 29, 33, [codes["Hope"]], CodingMode.INDUCTIVE)
    olga_config = configurations.create_configuration(
        store, OLGA, project_id, "In peer groups, trust brings hope",
        [codes["Peer"]], [codes["Trust"]], [codes["Hope"]],
    )  # fmt: skip
    olga_memo = memos.create_memo(store, OLGA, project_id, MemoTarget.PROJECT, None, "olga's note")
    consultation = consultations.create_session(store, OWNER, project_id, "Peer workers' panel")
    return World(project_id, study_id, document_id, codes, olga_coding, olga_config, olga_memo, consultation)


@pytest.fixture(params=BACKENDS)
def built(
    request: pytest.FixtureRequest, templates: Templates, tmp_path: Path
) -> Iterator[tuple[Store, World]]:
    """A store of its own holding the project of ``build`` (built once per backend, then cloned)."""
    source, world = templates.built_template(request.param, "access-table", build)
    for url in templates.clone(request.param, tmp_path, source=source):
        opened = Store.open(url)
        yield opened, world
        opened.dispose()


def _blind_view(store: Store, w: World, user: str) -> object:
    """Others' codings of a blind, unreleased study show only to those who may see blind codings."""
    assignments.set_blind_coding(store, OWNER, w.project_id, True)
    view = coding.document_view(store, user, w.study_id)
    coders = {c.coder for e in view.excerpts for c in e.codings}
    if OLGA not in coders:
        raise PermissionDenied(f"{user} does not see olga's blind codings")
    return view


Call = Callable[[Store, World, str], object]
# action -> one real service call performing it as ``user``
REGISTRY: dict[Action, Call] = {
    Action.READ_THEORY: lambda s, w, u: configurations.list_configurations(s, u, w.project_id),
    Action.READ_STUDIES: lambda s, w, u: coding.document_view(s, u, w.study_id),
    Action.IMPORT: lambda s, w, u: importing.import_files(
        s, u, w.project_id, [from_bytes(f"new-{u}.txt", f"A new study by {u}.".encode())]
    ),
    Action.EDIT_STUDIES: lambda s, w, u: characteristics.add_field(
        s, u, w.project_id, "Setting", FieldType.TEXT, []
    ),
    Action.DELETE_STUDIES: lambda s, w, u: study_deletion.delete_study(s, u, w.study_id),
    Action.CODE: lambda s, w, u: coding.code_span(
        s, u, w.document_id, 0, 6, [w.codes["Spare"]], CodingMode.INDUCTIVE
    ),
    Action.EDIT_CODINGS_OF_OTHERS: lambda s, w, u: coding.remove_codings(s, u, [w.olga_coding]),
    Action.SUGGEST: lambda s, w, u: suggestions.reject_suggestion(s, u, w.document_id, 0, 35),
    Action.EDIT_CODEBOOK: lambda s, w, u: codebook.create_code(s, u, w.project_id, "New", CodeKind.OUTCOME),
    Action.DELETE_CODES: lambda s, w, u: codebook.delete_code(s, u, w.codes["Spare"]),
    Action.DELETE_CODES_OF_OTHERS: lambda s, w, u: codebook.delete_code(s, u, w.codes["Olga's"]),
    Action.BUILD_CONFIGURATIONS: lambda s, w, u: configurations.create_configuration(
        s, u, w.project_id, "Peer trust", [w.codes["Peer"]], [w.codes["Trust"]], [w.codes["Hope"]], label="x"
    ),
    Action.EDIT_CONFIGURATIONS_OF_OTHERS: lambda s, w, u: configurations.delete_configuration(
        s, u, w.olga_config
    ),
    Action.SAVE_THEORY: lambda s, w, u: theory.save_version(s, u, w.project_id, "v1"),
    Action.WRITE_MEMOS: lambda s, w, u: memos.create_memo(
        s, u, w.project_id, MemoTarget.PROJECT, None, "mine"
    ),
    Action.EDIT_MEMOS_OF_OTHERS: lambda s, w, u: memos.delete_memo(s, u, w.olga_memo),
    Action.EXPORT: lambda s, w, u: publication.export_table(s, u, w.project_id, "configurations", "csv"),
    Action.VIEW_AUDIT: lambda s, w, u: audit.audit_people(s, u, w.project_id),
    Action.MANAGE_MEMBERS: lambda s, w, u: members.add_member(s, u, w.project_id, "newcomer", Role.REVIEWER),
    Action.MANAGE_PROJECT: lambda s, w, u: assignments.set_blind_coding(s, u, w.project_id, True),
    Action.ASSIGN_STUDIES: lambda s, w, u: assignments.assign(s, u, w.project_id, w.study_id, [OLGA]),
    Action.RELEASE_STUDIES: lambda s, w, u: assignments.release(s, u, w.study_id),
    Action.VIEW_BLIND_CODINGS: _blind_view,
    Action.VIEW_AGREEMENT: lambda s, w, u: agreement.coders(s, u, w.project_id),
    Action.ADJUDICATE: lambda s, w, u: adjudication.accept_agreements(s, u, w.project_id, (OLGA, OWNER)),
    Action.RUN_CONSULTATIONS: lambda s, w, u: consultations.create_session(s, u, w.project_id, "Panel 2"),
    Action.RATE_CONFIGURATIONS: lambda s, w, u: consultations.rate(
        s, u, w.consultation, w.olga_config, 4, "rings true"
    ),
}
# actions whose services are still being written (the lead fills them in); empty when all are wired
PENDING: set[Action] = set()


def test_every_action_of_the_table_has_a_representative_service_call():
    assert set(REGISTRY) | PENDING == set(Action) == set(TABLE)
    assert not set(REGISTRY) & PENDING


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("action", sorted(REGISTRY, key=list(Action).index), ids=lambda a: a.name)
def test_the_roles_the_table_allows_get_through_and_the_others_are_refused(built, action, role):
    store, world = built
    perform = REGISTRY[action]
    if may(role, action):
        perform(store, world, ACTING[role])
    else:
        with pytest.raises(PermissionDenied):
            perform(store, world, ACTING[role])


def test_a_reviewer_cannot_delete_or_merge_a_code_carrying_another_reviewers_codings(built):
    store, w = built
    with pytest.raises(PermissionDenied, match="work by olga; only a project owner"):
        codebook.delete_code(store, RITA, w.codes["Olga's"])
    with pytest.raises(PermissionDenied, match="work by olga"):
        codebook.merge_codes(store, RITA, w.codes["Olga's"], w.codes["Spare"])
    assert {n.name for n in codebook.codebook_tree(store, RITA, w.project_id)} >= {"Olga's", "Spare"}
    codebook.merge_codes(store, OWNER, w.codes["Olga's"], w.codes["Spare"])
    assert "Olga's" not in {n.name for n in codebook.codebook_tree(store, OWNER, w.project_id)}


def test_a_reviewer_deletes_a_code_carrying_only_their_own_codings(built):
    store, w = built
    mine = codebook.create_code(store, RITA, w.project_id, "Rita's", CodeKind.CONTEXT)
    coding.code_span(store, RITA, w.document_id, 0, 6, [mine], CodingMode.INDUCTIVE)
    deleted = codebook.delete_code(store, RITA, mine)
    assert deleted.impact.codings == 1
    codebook.restore_code(store, RITA, deleted)


def test_a_reviewer_cannot_edit_the_owners_memo_or_configuration_and_the_owner_can_edit_anyones(built):
    store, w = built
    memo = memos.create_memo(store, OWNER, w.project_id, MemoTarget.PROJECT, None, "the owner's note")
    config = configurations.create_configuration(
        store, OWNER, w.project_id, "Owner's CMOC", [w.codes["Peer"]], [w.codes["Trust"]], [w.codes["Hope"]]
    )
    with pytest.raises(PermissionDenied, match="work by owner"):
        memos.update_memo(store, RITA, memo, expected_version=1, body="rewritten")
    with pytest.raises(PermissionDenied, match="work by owner"):
        configurations.delete_configuration(store, RITA, config)
    memos.update_memo(store, OWNER, w.olga_memo, expected_version=1, body="the owner edits olga's note")
    configurations.delete_configuration(store, OWNER, w.olga_config)
    assert [m.body for m in memos.list_memos(store, RITA, w.project_id)].count("the owner's note") == 1


def test_a_reviewer_may_not_change_another_reviewers_codings_but_their_own(built):
    store, w = built
    with pytest.raises(PermissionDenied, match="work by olga"):
        coding.remove_codings(store, RITA, [w.olga_coding])
    mine = coding.code_span(store, RITA, w.document_id, 0, 6, [w.codes["Spare"]], CodingMode.INDUCTIVE)
    coding.remove_codings(store, RITA, mine.coding_ids)


def test_the_readme_table_of_who_may_do_what_is_the_access_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (.+?) \| (yes|-) \| (yes|-) \| (yes|-) \|$", readme, flags=re.MULTILINE)
    documented = {action: frozenset(r for r, mark in zip(Role, marks, strict=True) if mark == "yes")
                  for action, *marks in rows}  # fmt: skip
    assert documented == {a.value: roles for a, roles in TABLE.items()}
