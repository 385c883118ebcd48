"""The error classes of the whole workbench: every failure a user can cause is a ServiceError.

Services, pages and the CLI import them from ``workbench.services.errors``; domain rules raise
``Invalid`` (their own errors subclass it), so a broken rule reaches the user as its message.
"""

from __future__ import annotations


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
