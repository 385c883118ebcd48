"""Migrations bring an empty database to head on SQLite and PostgreSQL, and agree with the models."""

import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Table,
    create_engine,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url

from workbench.services import database
from workbench.services.errors import Invalid
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


# --- every revision: a populated database upgraded from any earlier revision keeps all its rows ---

SCRIPTS = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
HEAD = SCRIPTS.get_current_head()
EARLIER_REVISIONS = [r.revision for r in reversed(list(SCRIPTS.walk_revisions())) if r.revision != HEAD]
LINKED_TABLES = ("configuration_elements", "element_evidence", "configuration_links")


@pytest.fixture(scope="session")
def demo_rows(templates) -> Callable[[str], dict[str, list[dict[str, Any]]]]:
    """Every row of the demo project at head, by table, read once per backend per session."""
    cache: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def rows(backend: str) -> dict[str, list[dict[str, Any]]]:
        if backend not in cache:
            engine = create_engine(templates.template_url(backend, demo=True))
            with engine.connect() as conn:
                found = {
                    table.name: [dict(r._mapping) for r in conn.execute(select(table).order_by(table.c.id))]
                    for table in Base.metadata.sorted_tables
                }
            engine.dispose()  # PostgreSQL clones a template only while nobody is connected to it
            if not found["configuration_links"]:  # the demo chains no configurations: chain them here
                ids = [c["id"] for c in found["configurations"]]
                found["configuration_links"] = [
                    {"id": n, "from_id": a, "to_id": b, "note": "outcome feeds the next context"}
                    for n, (a, b) in enumerate(pairwise(ids), start=1)
                ]
            cache[backend] = found
        return cache[backend]

    return rows


def _filler(column: Column[Any]) -> Any:
    """A sensible value for a NOT NULL column that an old revision has and head no longer has."""
    python_type = {Integer: 0, Boolean: False, JSON: {}, DateTime: datetime.now(UTC)}
    for sql_type, value in python_type.items():
        if isinstance(column.type, sql_type):
            return value
    return ""


def _copy_rows(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Copy the head rows into the older schema at ``engine``: the columns both have, in FK order."""
    old = MetaData()
    old.reflect(engine)
    copied = {}
    with engine.begin() as conn:
        for reflected in old.sorted_tables:
            if reflected.name == "alembic_version":
                continue
            head = Base.metadata.tables[reflected.name]
            # write with head's column types (enums, JSON, timezone-aware datetimes), no Python defaults
            target = Table(reflected.name, MetaData(), *(
                Column(c.name, head.c[c.name].type if c.name in head.c else c.type) for c in reflected.columns
            ))  # fmt: skip
            missing = [
                c for c in reflected.columns
                if c.name not in head.c and not c.nullable and c.server_default is None
            ]  # fmt: skip
            values = [
                {**{c.name: _filler(c) for c in missing}, **{k: v for k, v in row.items() if k in target.c}}
                for row in rows[reflected.name]
            ]
            if values:
                conn.execute(insert(target), values)
            if conn.dialect.name == "postgresql" and "id" in target.c:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{target.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {target.name}), 0) + 1, false)"
                ))  # fmt: skip
            copied[reflected.name] = len(values)
    return copied


def _row_counts(engine: Engine, tables: Iterable[str]) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in tables}


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("revision", EARLIER_REVISIONS)
def test_a_populated_database_upgraded_from_any_earlier_revision_keeps_every_row(
    empty_database_url, revision, demo_rows
):
    backend = make_url(empty_database_url).get_backend_name()
    store = Store.open(empty_database_url)
    migrate.upgrade_to(store.engine, empty_database_url, revision)
    copied = _copy_rows(store.engine, demo_rows(backend))
    assert all(copied[name] > 0 for name in LINKED_TABLES)
    database.upgrade_database(store, backup=False)
    assert database.schema_is_current(store)
    assert _row_counts(store.engine, copied) == copied
    store.dispose()


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_the_backup_of_a_wal_database_holds_what_another_open_connection_committed(
    empty_database_url, tmp_path
):
    path = tmp_path / "workbench.db"
    writer = sqlite3.connect(path)  # stays open: its commits are still in workbench.db-wal, not the file
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE notes (body TEXT)")
    writer.executemany("INSERT INTO notes VALUES (?)", [("first",), ("second",)])
    writer.commit()
    store = Store.open(empty_database_url)
    backup = database.upgrade_database(store)
    store.dispose()
    writer.close()
    assert backup == path.with_name("workbench.db.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT body FROM notes ORDER BY body").fetchall() == [("first",), ("second",)]


def test_an_earlier_backup_is_kept_and_the_new_one_gets_a_timestamped_name(tmp_path):
    path = tmp_path / "workbench.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    first = migrate.backup_sqlite(path)
    second = migrate.backup_sqlite(path)
    assert first.name == "workbench.db.bak"
    assert second.name.startswith("workbench.db.") and second.name.endswith(".bak")
    assert second != first and first.exists()


def _revision_before(revision: str) -> str:
    down = SCRIPTS.get_revision(revision).down_revision
    assert isinstance(down, str)
    return down


EXCERPT_SPAN_REVISION = "60afc59b678f"  # merges identical excerpts, then makes the span unique


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_an_upgrade_that_would_leave_dangling_rows_stops_and_changes_nothing(empty_database_url, demo_rows):
    store = Store.open(empty_database_url)
    before = _revision_before(EXCERPT_SPAN_REVISION)
    migrate.upgrade_to(store.engine, empty_database_url, before)
    _copy_rows(store.engine, demo_rows("sqlite"))
    with store.engine.connect() as conn:  # a coding of an excerpt deleted while foreign keys were off
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql("UPDATE codings SET excerpt_id = 999999 WHERE id = 1")
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    with pytest.raises(Invalid, match="upgrade stopped, nothing changed: 1 rows point at rows"):
        database.upgrade_database(store, backup=False)
    assert migrate.current_revision(store.engine) == before
    assert "preferences" not in {c["name"] for c in inspect(store.engine).get_columns("users")}
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.dispose()


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_identical_excerpts_are_merged_keeping_their_codings_evidence_and_memos(
    empty_database_url, demo_rows
):
    store = Store.open(empty_database_url)
    migrate.upgrade_to(store.engine, empty_database_url, _revision_before(EXCERPT_SPAN_REVISION))
    rows = demo_rows(make_url(empty_database_url).get_backend_name())
    copied = _copy_rows(store.engine, rows)
    # a cited coding C on excerpt E, and another demo element that does not cite it
    evidence = rows["element_evidence"][0]
    kept = next(c for c in rows["codings"] if c["id"] == evidence["coding_id"])
    excerpt = next(e for e in rows["excerpts"] if e["id"] == kept["excerpt_id"])
    elsewhere = next(e for e in rows["configuration_elements"] if e["id"] != evidence["element_id"])
    other_coder = next(u["id"] for u in rows["users"] if u["id"] != kept["coder_id"])
    config_id = rows["configurations"][0]["id"]
    with store.engine.begin() as conn:
        twin = _insert(conn, "excerpts", {k: v for k, v in excerpt.items() if k != "id"})
        same = {k: v for k, v in kept.items() if k != "id"}
        repeat = _insert(conn, "codings", {**same, "excerpt_id": twin})  # the same coding, on the twin
        moved = _insert(conn, "codings", {**same, "excerpt_id": twin, "coder_id": other_coder})
        _insert(conn, "element_evidence", {"element_id": evidence["element_id"], "coding_id": repeat})
        _insert(conn, "element_evidence", {"element_id": elsewhere["id"], "coding_id": repeat})
        when = excerpt["created_at"]
        memo = _insert(conn, "memos", {
            "project_id": _project_of(rows, excerpt), "author_id": other_coder, "target_type": "excerpt",
            "target_id": twin, "title": "", "body": "why", "created_at": when, "updated_at": when,
            "version_id": 1,
        })  # fmt: skip
        status = Table("configurations", MetaData(), Column("id", Integer), Column("status_evidence", JSON))
        conn.execute(status.update().where(status.c.id == config_id).values(status_evidence=[repeat]))
    database.upgrade_database(store, backup=False)
    counts = _row_counts(store.engine, ["excerpts", "codings"])
    assert counts == {"excerpts": copied["excerpts"], "codings": copied["codings"] + 1}
    with store.engine.connect() as conn:
        assert _column(conn, "excerpts", "id", id=twin) == []
        assert _column(conn, "codings", "excerpt_id", id=moved) == [excerpt["id"]]
        cited = _column(conn, "element_evidence", "coding_id", element_id=evidence["element_id"])
        assert cited.count(kept["id"]) == 1 and repeat not in cited
        assert kept["id"] in _column(conn, "element_evidence", "coding_id", element_id=elsewhere["id"])
        assert _column(conn, "memos", "target_id", id=memo) == [excerpt["id"]]
        assert _column(conn, "configurations", "status_evidence", id=config_id) == [[kept["id"]]]
    store.dispose()


def _column(conn: Connection, table: str, column: str, **where: int) -> list[Any]:
    """One column of the rows of ``table`` matching ``where``, read with head's types."""
    head = Base.metadata.tables[table]
    query = select(head.c[column]).where(*(head.c[k] == v for k, v in where.items()))
    return list(conn.execute(query).scalars())


def _project_of(rows: dict[str, list[dict[str, Any]]], excerpt: dict[str, Any]) -> int:
    document = next(d for d in rows["documents"] if d["id"] == excerpt["document_id"])
    return int(next(s["project_id"] for s in rows["studies"] if s["id"] == document["study_id"]))


def _insert(conn: Connection, table: str, values: dict[str, Any]) -> int:
    """Insert one row with head's column types into the older schema; returns its id."""
    reflected = Table(table, MetaData(), autoload_with=conn)
    head = Base.metadata.tables[table]
    target = Table(table, MetaData(), *(Column(c.name, head.c[c.name].type) for c in reflected.columns))
    present = {k: v for k, v in values.items() if k in target.c}  # columns later revisions added go
    return int(conn.execute(insert(target).values(present).returning(target.c.id)).scalar_one())
