"""Locks held across every process serving one store, for work only one may do at a time."""

from __future__ import annotations

import fcntl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from workbench.domain.errors import Conflict
from workbench.store.db import Store, sqlite_path

_local_locks: dict[tuple[str, str, int], threading.Lock] = {}
_local_guard = threading.Lock()


def _namespace(name: str) -> int:
    """A stable signed 32-bit number for a lock's name (PostgreSQL's two-key advisory locks are int4)."""
    return zlib.crc32(name.encode()) - 2**31


@contextmanager
def exclusive(store: Store, name: str, key: int, busy: str) -> Iterator[None]:
    """Hold the lock ``(name, key)`` while the block runs, or raise ``Conflict(busy)`` at once when
    another process (or thread) holds it. No transaction stays open while it is held.

    PostgreSQL: a session-level advisory lock on a connection of its own (released when the block
    ends, or by the server when the process dies). SQLite file: an exclusive ``flock`` on a file
    beside the database (released by the kernel when the process dies). In-memory SQLite lives in
    one process, so a lock in memory is enough there."""
    if store.engine.dialect.name == "postgresql":
        with _advisory(store, _namespace(name), key, busy):
            yield
        return
    path = sqlite_path(store.engine.url.render_as_string(hide_password=False))
    if path is None:
        with _in_process(store, name, key, busy):
            yield
        return
    lock_file = path.with_name(f"{path.name}.{name}-{key}.lock")
    with open(lock_file, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict(busy) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory(store: Store, namespace: int, key: int, busy: str) -> Iterator[None]:
    with store.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if not connection.scalar(select(func.pg_try_advisory_lock(namespace, key))):
            raise Conflict(busy)
        try:
            yield
        finally:
            connection.scalar(select(func.pg_advisory_unlock(namespace, key)))


@contextmanager
def _in_process(store: Store, name: str, key: int, busy: str) -> Iterator[None]:
    with _local_guard:
        lock = _local_locks.setdefault((str(store.engine.url), name, key), threading.Lock())
    if not lock.acquire(blocking=False):
        raise Conflict(busy)
    try:
        yield
    finally:
        lock.release()
