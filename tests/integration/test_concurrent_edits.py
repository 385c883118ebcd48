"""Reviewers editing the same code or configuration at once: one edit wins, every other is told."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from workbench.domain.configurations import CodingMode
from workbench.services import codebook, configurations, demo, projects
from workbench.services.access import ensure_user
from workbench.services.coding import code_span
from workbench.services.errors import Conflict
from workbench.services.suggestion_training import TRAINING_RUNNING, train_model
from workbench.store import locks
from workbench.store.db import DatabaseBusy, Store, sqlite_path
from workbench.store.enums import AuditAction, Role
from workbench.store.models import AuditEntry, Document, Membership

OWNER = "owner"
EDITORS = ("olive", "oscar", "otto", "opal", "orla", "omar")  # owners all: each may edit every row


@pytest.fixture
def store(demo_clone: Store) -> Store:
    """A fresh copy of the demo project, with six more owners."""
    project_id = projects.project_id_by_name(demo_clone, OWNER, demo.DEMO_PROJECT)
    with demo_clone.transaction() as session:
        for name in EDITORS:
            user = ensure_user(session, name)
            session.add(Membership(project_id=project_id, user_id=user.id, role=Role.OWNER))
    return demo_clone


@pytest.fixture
def project(store: Store) -> int:
    return projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)


def all_at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together; each result is its return value or its exception."""
    start = Barrier(len(calls))

    def run(call: Callable[[], object]) -> object:
        start.wait()
        try:
            return call()
        except Exception as exc:  # the test looks at which kind each caller got
            return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_a_code_edited_from_a_version_someone_else_already_changed_is_refused_with_a_conflict(store, project):
    node = codebook.flatten(codebook.codebook_tree(store, OWNER, project))[0]
    codebook.update_code(store, "olive", node.id, expected_version=node.version, description="Olive's words")
    with pytest.raises(Conflict, match="changed by someone else"):
        codebook.update_code(store, "oscar", node.id, expected_version=node.version, description="Oscar's")
    after = {n.id: n for n in codebook.flatten(codebook.codebook_tree(store, OWNER, project))}[node.id]
    assert after.description == "Olive's words"


def test_a_configuration_edited_from_a_stale_version_is_refused_with_a_conflict(store, project):
    row = configurations.list_configurations(store, OWNER, project)[0]
    configurations.update_configuration(
        store, "olive", row.id, expected_version=row.version, statement="Olive"
    )
    with pytest.raises(Conflict, match="changed by someone else"):
        configurations.update_configuration(
            store, "oscar", row.id, expected_version=row.version, statement="Os"
        )
    assert configurations.get_configuration(store, OWNER, row.id).statement == "Olive"


def test_six_owners_saving_one_code_at_the_same_moment_one_wins_and_every_other_gets_a_conflict(
    store, project
):
    node = codebook.flatten(codebook.codebook_tree(store, OWNER, project))[0]
    results = all_at_once(
        [
            lambda name=name: codebook.update_code(
                store, name, node.id, expected_version=node.version, description=f"by {name}"
            )
            for name in EDITORS
        ]
    )
    winners = [name for name, result in zip(EDITORS, results, strict=True) if result is None]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if r is not None), results
    after = {n.id: n for n in codebook.flatten(codebook.codebook_tree(store, OWNER, project))}[node.id]
    assert (after.description, after.version) == (f"by {winners[0]}", node.version + 1)


def test_six_owners_saving_one_configuration_at_the_same_moment_one_wins_and_the_others_are_told(
    store, project
):
    row = configurations.list_configurations(store, OWNER, project)[0]
    results = all_at_once(
        [
            lambda name=name: configurations.update_configuration(
                store, name, row.id, expected_version=row.version, statement=f"by {name}"
            )
            for name in EDITORS
        ]
    )
    winners = [name for name, result in zip(EDITORS, results, strict=True) if result is None]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if r is not None), results
    after = configurations.get_configuration(store, OWNER, row.id)
    assert (after.statement, after.version) == (f"by {winners[0]}", row.version + 1)
    with store.transaction() as session:
        audited = session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.entity_type == "configuration",
                AuditEntry.entity_id == row.id,
                AuditEntry.action == AuditAction.UPDATE,
            )
        )
    assert audited == 1  # only the edit that won


def test_six_reviewers_coding_at_the_same_moment_all_succeed(store, project):
    with store.transaction() as session:
        document_id = session.scalar(select(Document.id).order_by(Document.id).limit(1))
    code_id = codebook.flatten(codebook.codebook_tree(store, OWNER, project))[-1].id
    results = all_at_once(
        [
            lambda i=i, name=name: code_span(
                store, name, document_id, 10 * i, 10 * i + 40, [code_id], CodingMode.INDUCTIVE
            )
            for i, name in enumerate(EDITORS)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)]


@pytest.mark.parametrize("demo_clone", ["sqlite"], indirect=True)
def test_a_write_kept_waiting_past_the_busy_timeout_is_a_try_again_conflict_not_database_is_locked(
    demo_clone, project
):
    path = sqlite_path(demo_clone.engine.url.render_as_string(hide_password=False))
    impatient = Store.open(f"sqlite:///{path}", busy_timeout_ms=50)
    code_id = codebook.flatten(codebook.codebook_tree(impatient, OWNER, project))[-1].id
    with impatient.transaction() as session:
        document_id = session.scalar(select(Document.id).limit(1))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        with pytest.raises(DatabaseBusy, match="busy with other people's changes; try again") as caught:
            code_span(impatient, "olive", document_id, 0, 30, [code_id], CodingMode.INDUCTIVE)
        assert isinstance(caught.value, Conflict)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    code_span(impatient, "olive", document_id, 0, 30, [code_id], CodingMode.INDUCTIVE)  # and again it works
    impatient.dispose()


def test_training_while_another_server_trains_the_project_is_refused_with_a_conflict(store, project):
    held = locks.exclusive(store, "train-suggestions", project, "held by the test")
    with held, pytest.raises(Conflict, match="training already running") as caught:
        train_model(store, OWNER, project)
    assert str(caught.value) == TRAINING_RUNNING
    assert train_model(store, OWNER, project).version == 1  # once the other is done, training works


def test_the_training_lock_of_one_project_leaves_another_project_free(store, project):
    with locks.exclusive(store, "train-suggestions", project + 1000, "held by the test"):
        assert train_model(store, OWNER, project).version == 1
