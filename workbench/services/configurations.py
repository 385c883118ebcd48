"""Configuration (CMOC) use cases: list a project's configurations with their evidence counts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workbench.domain.configurations import ElementRole
from workbench.domain.studies import short_citation
from workbench.services.access import require_member
from workbench.store.db import Store
from workbench.store.models import (
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    ElementEvidence,
    Excerpt,
)


@dataclass(frozen=True)
class ConfigurationRow:
    """A configuration as listed: its codes by role and how many studies support it."""

    id: int
    label: str
    statement: str
    contexts: tuple[str, ...]
    mechanisms: tuple[str, ...]
    outcomes: tuple[str, ...]
    nested: bool
    status: str
    studies: tuple[str, ...]

    @property
    def n_studies(self) -> int:
        """Coded in N papers: distinct studies behind any of its elements."""
        return len(self.studies)


def list_configurations(store: Store, username: str, project_id: int) -> list[ConfigurationRow]:
    """Every configuration of a project, by label, with the studies behind its evidence."""
    with store.transaction() as session:
        require_member(session, project_id, username)
        configs = session.scalars(
            select(Configuration)
            .where(Configuration.project_id == project_id)
            .order_by(Configuration.label)
            .options(
                selectinload(Configuration.elements).selectinload(ConfigurationElement.code),
                selectinload(Configuration.elements)
                .selectinload(ConfigurationElement.evidence)
                .selectinload(ElementEvidence.coding)
                .selectinload(Coding.excerpt)
                .selectinload(Excerpt.document)
                .selectinload(Document.study),
            )
        ).all()
        rows = []
        for config in configs:

            def names(role: ElementRole, c: Configuration = config) -> tuple[str, ...]:
                return tuple(e.code.name for e in c.elements if e.role is role)

            studies = {
                short_citation(
                    ev.coding.excerpt.document.study.authors, ev.coding.excerpt.document.study.year
                )
                for element in config.elements
                for ev in element.evidence
            }
            rows.append(
                ConfigurationRow(
                    config.id,
                    config.label,
                    config.statement,
                    names(ElementRole.CONTEXT),
                    names(ElementRole.MECHANISM),
                    names(ElementRole.OUTCOME),
                    config.nested,
                    config.status.value,
                    tuple(sorted(studies)),
                )
            )
        return rows
