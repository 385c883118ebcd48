"""Alembic environment: migrates the store named by the config's URL or WORKBENCH_DATABASE_URL."""

from alembic import context
from sqlalchemy import Connection

from workbench.store import models  # noqa: F401  (registers every table on the metadata)
from workbench.store.base import Base
from workbench.store.db import database_url, make_engine
from workbench.store.migrate import UpgradeRefused

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.attributes.get("url") or database_url()


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    # Batch mode rebuilds a table by copying it and dropping the old one; with foreign keys on, the
    # DROP deletes every row and fires ON DELETE CASCADE in the tables that reference it. SQLite only
    # honours the pragma outside a transaction, so it is switched before and after the migration's own.
    # The whole upgrade is one transaction, checked before it commits: pysqlite would otherwise commit
    # each DDL statement on its own, so BEGIN is issued explicitly.
    _set_foreign_keys(connection, on=False)
    try:
        _configure(connection, transactional_ddl=True)  # after the pragma: not an external transaction
        with context.begin_transaction():
            connection.exec_driver_sql("BEGIN")
            context.run_migrations()
            _check_foreign_keys(connection)
    finally:
        if connection.in_transaction():
            connection.rollback()
        _set_foreign_keys(connection, on=True)


def _configure(connection: Connection, **options: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        **options,  # type: ignore[arg-type]
    )


def _set_foreign_keys(connection: Connection, *, on: bool) -> None:
    if getattr(connection.connection.driver_connection, "in_transaction", False):
        raise RuntimeError(
            "SQLite ignores PRAGMA foreign_keys inside a transaction: hand the migration a connection "
            "that has not written anything"
        )
    if connection.in_transaction():
        connection.commit()  # ends SQLAlchemy's autobegun transaction; nothing was written in it
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    state = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    connection.commit()
    if state != int(on):
        raise RuntimeError(f"could not turn SQLite foreign keys {'on' if on else 'off'}")


def _check_foreign_keys(connection: Connection) -> None:
    """Fail (and so roll back) the migration when any row points at a missing row."""
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        sample = "; ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in violations[:5])
        raise UpgradeRefused(
            f"upgrade stopped, nothing changed: {len(violations)} rows point at rows that do not exist "
            f"({sample}{'; …' if len(violations) > 5 else ''})"
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
