"""Load the sample corpus as the "Peer support demo" project (idempotent, all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from workbench.domain.configurations import ElementRole
from workbench.domain.gold import GoldCoding
from workbench.domain.spans import locate_quote, page_of
from workbench.importers.errors import ImportProblem
from workbench.importers.sample_corpus import SAMPLE_CORPUS, CorpusStudy, read_sample_corpus
from workbench.services.access import ensure_user
from workbench.services.codebook import add_codes
from workbench.services.projects import add_project
from workbench.services.rows.studies import apply_characteristics, attach_document, new_study
from workbench.store import queries
from workbench.store.db import Store
from workbench.store.enums import CodingOrigin, Role
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    ElementEvidence,
    Excerpt,
    Membership,
    User,
)

DEMO_PROJECT = "Peer support demo"
DEMO_DESCRIPTION = (
    "Fictional realist review of peer support, built on the APPEAR framework. "
    "Studies, authors and journals are invented (see sample_corpus/README.md)."
)
DEMO_REVIEWERS = {"alice": "Alice (reviewer)", "bob": "Bob (reviewer)"}


@dataclass(frozen=True)
class DemoResult:
    """What ``load_demo`` did."""

    project_id: int
    created: bool


def load_demo(store: Store, username: str, corpus: Path = SAMPLE_CORPUS) -> DemoResult:
    """Create the demo project from the sample corpus, unless it already exists."""
    with store.transaction() as session:
        existing = queries.project_by_name(session, DEMO_PROJECT)
        if existing is not None:
            return DemoResult(existing.id, created=False)
    data = read_sample_corpus(corpus)
    with store.transaction() as session:
        owner = ensure_user(session, username)
        project = add_project(session, owner, DEMO_PROJECT, DEMO_DESCRIPTION)
        coders = {name: ensure_user(session, name, label) for name, label in DEMO_REVIEWERS.items()}
        for coder in coders.values():
            if coder.id != owner.id:
                session.add(Membership(project_id=project.id, user_id=coder.id, role=Role.REVIEWER))
        codes = add_codes(session, project.id, data.codebook)
        documents = {s.key: _add_study(session, project.id, s) for s in data.studies}
        codings = _add_codings(session, data.gold, documents, codes, coders)
        _add_configurations(session, project.id, owner.id, data.gold, codes, codings)
        return DemoResult(project.id, created=True)


def _add_study(session: Session, project_id: int, item: CorpusStudy) -> Document:
    study = new_study(session, project_id, item.key, item.reference)
    apply_characteristics(study, item.characteristics)
    return attach_document(session, study, item.filename, item.extracted)


def _add_codings(
    session: Session,
    gold: GoldCoding,
    documents: dict[str, Document],
    codes: dict[str, Code],
    coders: dict[str, User],
) -> dict[tuple[str, str], Coding]:
    """Locate every gold quote in its document and code it; returns (excerpt id, code) -> coding."""
    out: dict[tuple[str, str], Coding] = {}
    for item in gold.excerpts:
        document = documents.get(item.study)
        if document is None:
            raise ImportProblem("gold_coding.yaml", f"unknown study {item.study!r}", item.id)
        spans = locate_quote(document.text, item.quote)
        if len(spans) != 1:
            raise ImportProblem(
                "gold_coding.yaml", f"quote found {len(spans)} times in {item.study}, expected once", item.id
            )
        span = spans[0]
        excerpt = Excerpt(
            document_id=document.id,
            start=span.start,
            end=span.end,
            text=span.slice(document.text),
            page=page_of(span.start, document.page_starts),
            created_by_id=coders[item.coder].id,
        )
        session.add(excerpt)
        session.flush()
        for name in item.codes:
            coding = Coding(
                excerpt_id=excerpt.id,
                code_id=codes[name].id,
                coder_id=coders[item.coder].id,
                mode=item.mode,
                origin=CodingOrigin.HUMAN,
            )
            session.add(coding)
            out[(item.id, name)] = coding
    session.flush()
    return out


def _add_configurations(
    session: Session,
    project_id: int,
    user_id: int,
    gold: GoldCoding,
    codes: dict[str, Code],
    codings: dict[tuple[str, str], Coding],
) -> None:
    for config in gold.configurations:
        row = Configuration(
            project_id=project_id,
            label=config.id,
            statement=config.statement,
            nested=config.nested,
            created_by_id=user_id,
        )
        roles = [(ElementRole.CONTEXT, config.context)]
        roles += [(ElementRole.MECHANISM, m) for m in config.mechanisms]
        roles += [(ElementRole.OUTCOME, o) for o in config.outcomes]
        for position, (role, name) in enumerate(roles):
            element = ConfigurationElement(code_id=codes[name].id, role=role, position=position)
            element.evidence = [
                ElementEvidence(coding_id=codings[(e, name)].id)
                for e in config.evidence
                if (e, name) in codings
            ]
            row.elements.append(element)
        session.add(row)
    session.flush()
