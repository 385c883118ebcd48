"""Enumerations that only the store needs (domain enums live in ``workbench.domain``)."""

from enum import StrEnum


class Role(StrEnum):
    """A member's role in a project."""

    OWNER = "owner"
    REVIEWER = "reviewer"
    STAKEHOLDER = "stakeholder"


class CodingOrigin(StrEnum):
    """Whether a person made a coding or accepted a suggestion."""

    HUMAN = "human"
    SUGGESTION = "suggestion"


class Rating(StrEnum):
    """Realist appraisal rating of relevance or rigour."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


class Decision(StrEnum):
    """A reviewer's verdict on a suggested span."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"


class MemoTarget(StrEnum):
    """What a memo is written about."""

    PROJECT = "project"
    STUDY = "study"
    CODE = "code"
    EXCERPT = "excerpt"
    CONFIGURATION = "configuration"


class AuditAction(StrEnum):
    """The kind of change an audit entry records."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MERGE = "merge"
