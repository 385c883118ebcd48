"""Migrations bring an empty database to head on SQLite and PostgreSQL, and agree with the models."""

import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from workbench.services import database
from workbench.store import migrate
from workbench.store.base import Base
from workbench.store.db import Store

both_backends = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


@both_backends
def test_an_empty_database_upgrades_to_head_and_matches_the_models(empty_database_url):
    store = Store.open(empty_database_url)
    assert not database.schema_is_current(store)
    database.upgrade_database(store)
    assert database.schema_is_current(store)
    tables = set(inspect(store.engine).get_table_names())
    assert {"studies", "documents", "codings", "configurations", "audit_log"} <= tables
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    command.check(migrate.alembic_config(empty_database_url))  # `alembic check`: raises on drift
    store.dispose()


@both_backends
def test_constraints_follow_the_naming_convention(empty_database_url):
    store = Store.open(empty_database_url)
    database.upgrade_database(store)
    inspector = inspect(store.engine)
    assert inspector.get_pk_constraint("codings")["name"] == "pk_codings"
    fk_names = {fk["name"] for fk in inspector.get_foreign_keys("codings")}
    assert "fk_codings_code_id_codes" in fk_names
    uniques = {u["name"] for u in inspector.get_unique_constraints("codings")}
    assert uniques == {"uq_codings_excerpt_id_code_id_coder_id"}
    store.dispose()


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_upgrading_a_used_sqlite_file_keeps_a_backup_copy(empty_database_url, tmp_path):
    path = tmp_path / "workbench.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    store = Store.open(empty_database_url)
    backup = database.upgrade_database(store)
    assert backup == path.with_name("workbench.db.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]
    store.dispose()
