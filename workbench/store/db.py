"""Engine and session setup: SQLite (WAL, foreign keys, busy timeout) by default, or PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workbench.domain.errors import Conflict

DATABASE_URL_ENV = "WORKBENCH_DATABASE_URL"
DEFAULT_SQLITE_PATH = Path("data") / "workbench.db"
# how long an SQLite writer waits for another's transaction to end before giving up (DatabaseBusy)
SQLITE_BUSY_TIMEOUT_MS = 10_000
BUSY_MESSAGE = "the database is busy with other people's changes; try again in a moment"
# PostgreSQL: deadlock detected, serialization failure, lock not available (NOWAIT)
_RETRYABLE_SQLSTATES = {"40P01", "40001", "55P03"}


class DatabaseBusy(Conflict):
    """Another writer held the database (SQLite's lock past the busy timeout, a PostgreSQL deadlock
    or serialization failure): nothing was written; the user may simply try again."""


def is_busy(error: OperationalError) -> bool:
    """True for the failures that only mean "someone else was writing; try again"."""
    original = error.orig
    if getattr(original, "sqlstate", None) in _RETRYABLE_SQLSTATES:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database is busy" in message


def database_url() -> str:
    """The store's URL: ``WORKBENCH_DATABASE_URL``, else an SQLite file in ``./data/``."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


def make_engine(url: str | None = None, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; SQLite files get WAL mode, enforced foreign keys and a busy timeout (a
    writer waits for another's transaction rather than failing) on every connection."""
    url = url or database_url()
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
    return engine


@dataclass
class Store:
    """An engine and its session factory; services open one session per use case."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str | None = None, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Store:
        """Connect to the store at ``url`` (default: :func:`database_url`)."""
        engine = make_engine(url, busy_timeout_ms)
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on any error. A
        database too busy to take the write (see :func:`is_busy`) raises ``DatabaseBusy``, never
        the driver's "database is locked"."""
        try:
            with self.sessions() as session, session.begin():
                yield session
        except OperationalError as error:
            if is_busy(error):
                raise DatabaseBusy(BUSY_MESSAGE) from error
            raise

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
