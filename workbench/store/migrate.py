"""Bring a database to the newest schema with Alembic; back up an SQLite file before upgrading it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

ROOT = Path(__file__).resolve().parents[2]


class UpgradeRefused(RuntimeError):
    """The upgraded database would break a rule (rows pointing at missing rows); it was rolled back."""


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration, pointed at ``url``."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    return config


def head_revision(url: str) -> str | None:
    """The newest revision the migrations define."""
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, url: str, *, backup: bool = True) -> Path | None:
    """Upgrade the database to head. An existing SQLite file behind is first backed up next to it
    (see :func:`backup_path`); returns the backup's path when one was made."""
    if current_revision(engine) == head_revision(url):
        return None
    made = None
    database = engine.url.database
    on_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
    # an empty new file has nothing worth keeping
    if backup and on_file and database and inspect(engine).get_table_names():
        made = backup_sqlite(Path(database))
    upgrade_to(engine, url, "head")
    return made


def backup_path(database: Path) -> Path:
    """Where the backup of ``database`` goes: ``<file>.bak``, or a timestamped name when that is taken."""
    plain = database.with_name(database.name + ".bak")
    if not plain.exists():
        return plain
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return database.with_name(f"{database.name}.{stamp}.bak")


def backup_sqlite(database: Path) -> Path:
    """Copy an SQLite file with the online backup API: whole and consistent even in WAL mode while
    other connections have it open (a file copy would miss what is still in the ``-wal`` file)."""
    target = backup_path(database)
    source = sqlite3.connect(database)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target


def upgrade_to(engine: Engine, url: str, revision: str) -> None:
    """Run the migrations up to ``revision`` in one transaction (migrations/env.py commits it)."""
    config = alembic_config(url)
    # a connection outside any transaction: SQLite must switch foreign keys off before the migration begins
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
