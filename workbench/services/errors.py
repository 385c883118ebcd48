"""The one error model of the services: every failure a user can cause is a ``ServiceError``.

Pages and the CLI catch ``ServiceError`` once and show its message; anything else is a bug and
is logged, never shown with a traceback (see ``workbench/ui/errors.py`` and ``workbench/cli.py``).
Messages are written for a reviewer: what went wrong and what to do, no server paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError


class ServiceError(Exception):
    """A failure the acting user can understand and act on; ``str(error)`` is the message to show."""


class NotFound(ServiceError, LookupError):
    """A project, study, code or other record that does not exist (or no longer exists)."""


class PermissionDenied(ServiceError, PermissionError):
    """The acting user is not a member of the project, or lacks the role the action needs."""


class Conflict(ServiceError):
    """Someone else changed the record since the user opened it (a stale edit), or it already exists."""


class Invalid(ServiceError, ValueError):
    """The input breaks a rule (a domain rule, a size limit, a malformed file)."""


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
