"""Counts of what the store holds, for the CLI and for checks after loading data."""

from __future__ import annotations

from workbench.services.access import Action, require
from workbench.store import queries
from workbench.store.db import Store

COUNTED = ("projects", "studies", "documents", "codes", "excerpts", "codings", "configurations")


def store_stats(store: Store, username: str, project_id: int | None = None) -> dict[str, int]:
    """Counts of projects, studies, documents, codes, excerpts, codings and configurations: of one
    project (the acting user must be a member), else summed over the acting user's projects only."""
    with store.transaction() as session:
        if project_id is not None:
            require(session, project_id, username, Action.READ_THEORY)
            return queries.counts(session, project_id)
        user = queries.user_by_name(session, username)
        totals = dict.fromkeys(COUNTED, 0)
        for project, _ in queries.projects_of(session, user.id) if user else []:
            for name, value in queries.counts(session, project.id).items():
                totals[name] += value
        return totals


def store_has_projects(store: Store) -> bool:
    """Whether anyone has a project in the store (tells nothing more, so it needs no membership)."""
    with store.transaction() as session:
        return queries.counts(session)["projects"] > 0
