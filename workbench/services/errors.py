"""The one error model of the services: every failure a user can cause is a ``ServiceError``.

Pages and the CLI catch ``ServiceError`` once and show its message; anything else is a bug and
is logged, never shown with a traceback (see ``workbench/ui/errors.py`` and ``workbench/cli.py``).
Messages are written for a reviewer: what went wrong and what to do, no server paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

# The classes live in the pure domain so that its rules (spans, codebook, configurations...) raise
# Invalid without importing services; this module is where services, pages and the CLI take them.
from workbench.domain.errors import Conflict, Invalid, NotFound, PermissionDenied, ServiceError

__all__ = [
    "Conflict",
    "Invalid",
    "NotFound",
    "PermissionDenied",
    "ServiceError",
    "check_version",
    "stale_as_conflict",
]


STALE_MESSAGE = "{what} was changed by someone else meanwhile; reload and redo"


def check_version(current: int, expected: int | None, what: str) -> None:
    """Raise ``Conflict`` when the user edited ``what`` from an older version than the stored one."""
    if expected is not None and current != expected:
        raise Conflict(STALE_MESSAGE.format(what=what))


@contextmanager
def stale_as_conflict(what: str) -> Iterator[None]:
    """Turn SQLAlchemy's optimistic-locking failure (``StaleDataError``) into ``Conflict``."""
    try:
        yield
    except StaleDataError:
        raise Conflict(STALE_MESSAGE.format(what=what)) from None
