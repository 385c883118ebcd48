"""Database maintenance use cases: bring a store to the newest schema."""

from __future__ import annotations

from pathlib import Path

from workbench.services.errors import Invalid
from workbench.store import migrate
from workbench.store.db import Store


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
