"""Which codings configurations and graphs draw on: everyone's, or consensus codings only (a project setting).

One rule for every read of evidence: graph data (``figures.programme``), the evidence pickers
(``evidence``) and "coded in N papers" (``configurations``) all filter codings with :func:`evidence_source`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from workbench.services import project_settings
from workbench.services.access import Action, allowed_actions, require
from workbench.store.db import Store
from workbench.store.models import Coding, Project, User
from workbench.store.queries import CONSENSUS_USERNAME


@dataclass(frozen=True)
class EvidenceSource:
    """Everyone's codings, or the consensus codings only: as a SQL condition and as a test on a coder."""

    consensus_only: bool

    @property
    def clause(self) -> ColumnElement[bool]:
        """A condition on ``Coding`` rows: true for the codings that count as evidence."""
        if not self.consensus_only:
            return true()
        return Coding.coder_id.in_(select(User.id).where(User.username == CONSENSUS_USERNAME))

    def admits(self, coder_username: str) -> bool:
        """Whether a coding by this coder counts as evidence."""
        return not self.consensus_only or coder_username == CONSENSUS_USERNAME

    def describe(self) -> str:
        """The source in words, for captions."""
        return "consensus codings only" if self.consensus_only else "everyone's codings"


def evidence_source(session: Session, project_id: int) -> EvidenceSource:
    """The project's evidence source (the caller has checked access)."""
    project = session.get(Project, project_id)
    return EvidenceSource(bool(project is not None and project.consensus_only))


def evidence_codings_clause(session: Session, project_id: int) -> ColumnElement[bool]:
    """The condition on ``Coding`` rows that keeps the codings the project draws evidence from."""
    return evidence_source(session, project_id).clause


def consensus_only(store: Store, username: str, project_id: int) -> bool:
    """Whether the project's configurations and graphs draw on consensus codings only."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        return evidence_source(session, project_id).consensus_only


def set_consensus_only(store: Store, username: str, project_id: int, on: bool) -> bool:
    """Draw configurations and graphs from consensus codings only (``on``) or from everyone's;
    returns whether the setting changed (an unchanged one records nothing)."""
    return project_settings.set_setting(store, username, project_id, "consensus_only", on)


@dataclass(frozen=True)
class SourceSetting:
    """The project's evidence source as a page shows it, and whether the acting user may change it."""

    consensus_only: bool
    may_change: bool


def source_setting(store: Store, username: str, project_id: int) -> SourceSetting:
    """The evidence source and whether the user may change it (the toggle shows for them only)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        may_change = Action.MANAGE_PROJECT in allowed_actions(session, project_id, username)
        return SourceSetting(evidence_source(session, project_id).consensus_only, may_change)
