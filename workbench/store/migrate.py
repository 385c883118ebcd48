"""Bring a database to the newest schema with Alembic; back up an SQLite file before upgrading it."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

ROOT = Path(__file__).resolve().parents[2]


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
    """Upgrade the database to head. An existing SQLite file behind is copied to ``<file>.bak``
    first; returns the backup's path when one was made."""
    if current_revision(engine) == head_revision(url):
        return None
    made = None
    database = engine.url.database
    on_file = engine.dialect.name == "sqlite" and database not in (None, "", ":memory:")
    # an empty new file has nothing worth keeping
    if backup and on_file and database and inspect(engine).get_table_names():
        made = Path(database).with_name(Path(database).name + ".bak")
        engine.dispose()
        shutil.copy2(database, made)
    config = alembic_config(url)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return made
