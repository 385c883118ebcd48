"""Counts of what the store holds, for the CLI and for checks after loading data."""

from __future__ import annotations

from workbench.services.access import require_member
from workbench.store import queries
from workbench.store.db import Store


def store_stats(store: Store, username: str, project_id: int | None = None) -> dict[str, int]:
    """Counts of projects, studies, documents, codes, excerpts, codings and configurations:
    of one project (the acting user must be a member) or of the whole store."""
    with store.transaction() as session:
        if project_id is not None:
            require_member(session, project_id, username)
        return queries.counts(session, project_id)
