"""Database maintenance use cases: bring a store to the newest schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from workbench.services.errors import Invalid
from workbench.store import migrate
from workbench.store.db import DATABASE_URL_ENV, Store


def upgrade_database(store: Store, *, backup: bool = True) -> Path | None:
    """Upgrade the store to the newest schema; returns the SQLite backup made, if any.

    Raises ``Invalid`` when the upgraded data would break a foreign key: nothing is changed then."""
    try:
        return migrate.upgrade(
            store.engine, store.engine.url.render_as_string(hide_password=False), backup=backup
        )
    except migrate.UpgradeRefused as exc:
        raise Invalid(f"{exc}; repair those rows or restore a backup, then upgrade again") from exc


def schema_is_current(store: Store) -> bool:
    """True when the store is at the newest migration."""
    url = store.engine.url.render_as_string(hide_password=False)
    return migrate.current_revision(store.engine) == migrate.head_revision(url)


def is_database_error(exc: BaseException) -> bool:
    """Whether ``exc`` comes from the database driver (unreachable, not upgraded, refused)."""
    return isinstance(exc, SQLAlchemyError)


def database_problem(exc: BaseException) -> str | None:
    """A one-line message for a database failure, for entry points; None if ``exc`` is something else."""
    if not isinstance(exc, SQLAlchemyError):
        return None
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = cause[0] if cause else type(exc).__name__
    if "no such table" in detail or ("relation" in detail and "does not exist" in detail):
        return f"the database has no workbench tables yet ({detail}); run `workbench db upgrade` first"
    return f"the database could not be used ({detail}); check {DATABASE_URL_ENV}"
