"""Evidence for configurations: attach codings to elements, suggest candidates, and chain configurations."""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from workbench.domain.codebook import subtree
from workbench.domain.configurations import (
    Candidate,
    CodedItem,
    co_occurrences,
    find_cycles,
    paragraph_bounds,
)
from workbench.domain.studies import short_citation
from workbench.services.access import Action, require, require_for_work
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.services.evidence_source import evidence_codings_clause
from workbench.services.rows.codes import parent_map
from workbench.services.visibility import codings_visible_to_name
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    ConfigurationLink,
    Document,
    ElementEvidence,
    Excerpt,
)


@dataclass(frozen=True)
class EvidenceOption:
    """A coding that could support an element, and whether it already does."""

    coding_id: int
    code: str
    study: str
    page: int | None
    quote: str
    coder: str
    attached: bool
    study_id: int


@dataclass(frozen=True)
class Chain:
    """A link from one configuration's outcome to another's context."""

    id: int
    from_label: str
    to_label: str
    note: str


def _element(session: Session, element_id: int, username: str, action: Action) -> ConfigurationElement:
    element = session.get(
        ConfigurationElement, element_id, options=[selectinload(ConfigurationElement.evidence)]
    )
    if element is None:
        raise NotFound(f"configuration element {element_id} does not exist")
    config = element.configuration
    require_for_work(session, config.project_id, username, action, [config.created_by_id])
    return element


def _descendants(session: Session, code: Code) -> set[int]:
    return set(subtree(parent_map(session, code.project_id), code.id))


def _options(session: Session, code: Code, attached: set[int], username: str) -> list[EvidenceOption]:
    codings = session.scalars(
        select(Coding)
        .where(Coding.code_id.in_(_descendants(session, code)))
        .where(codings_visible_to_name(session, code.project_id, username))
        .where(or_(evidence_codings_clause(session, code.project_id), Coding.id.in_(attached)))
        .options(
            selectinload(Coding.code),
            selectinload(Coding.coder),
            selectinload(Coding.excerpt).selectinload(Excerpt.document).selectinload(Document.study),
        )
    ).all()
    options = [
        EvidenceOption(
            c.id,
            c.code.name,
            short_citation(c.excerpt.document.study.authors, c.excerpt.document.study.year),
            c.excerpt.page,
            c.excerpt.text,
            c.coder.username,
            c.id in attached,
            c.excerpt.document.study_id,
        )
        for c in codings
    ]
    return sorted(options, key=lambda o: (o.study, o.page or 0, o.coding_id))


def evidence_options(store: Store, username: str, element_id: int) -> list[EvidenceOption]:
    """Codings of the element's code (or its sub-codes) in any study, by study and page, attached marked."""
    with store.transaction() as session:
        element = _element(session, element_id, username, Action.READ_STUDIES)
        return _options(session, element.code, {ev.coding_id for ev in element.evidence}, username)


def candidate_evidence(
    store: Store, username: str, project_id: int, code_ids: Sequence[int]
) -> dict[int, list[EvidenceOption]]:
    """For each code of a configuration being built, the codings that could support it (none attached)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        codes = session.scalars(
            select(Code).where(Code.project_id == project_id, Code.id.in_(code_ids))
        ).all()
        if len(codes) != len(set(code_ids)):
            raise NotFound("some codes are not in this project; reload the page")
        return {code.id: _options(session, code, set(), username) for code in codes}


def check_evidence(session: Session, code: Code, coding_ids: Sequence[int]) -> set[int]:
    """The distinct coding ids, if every one is a coding of ``code`` or its sub-codes; else an error."""
    wanted = set(coding_ids)
    found = dict(session.execute(select(Coding.id, Coding.code_id).where(Coding.id.in_(wanted))).all())
    if len(found) != len(wanted):
        raise NotFound("some of the chosen codings no longer exist; reload the page and choose again")
    allowed = _descendants(session, code)
    if any(code_id not in allowed for code_id in found.values()):
        raise Invalid(f"evidence for {code.name!r} must be codings of that code or its sub-codes")
    return wanted


def replace_evidence(
    session: Session, element: ConfigurationElement, coding_ids: set[int], user_id: int
) -> bool:
    """Make ``coding_ids`` the element's evidence: delete the removed rows, flush, then add the new ones
    (the unit of work would otherwise insert before it deletes and break the unique constraint).
    Audits the change and returns whether anything changed."""
    current = {ev.coding_id: ev for ev in element.evidence}
    removed = sorted(set(current) - coding_ids)
    added = sorted(coding_ids - set(current))
    if not removed and not added:
        return False
    for coding_id in removed:
        element.evidence.remove(current[coding_id])
    try:
        session.flush()
        element.evidence.extend(ElementEvidence(coding_id=coding_id) for coding_id in added)
        session.flush()
    except IntegrityError:  # someone saved the same element's evidence at the same moment
        raise Conflict(
            f"the evidence for {element.code.name!r} was changed by someone else meanwhile; reload and redo"
        ) from None
    config = element.configuration
    record(
        session, action=AuditAction.UPDATE, entity_type="configuration_evidence", entity_id=element.id,
        user_id=user_id, project_id=config.project_id,
        before={"configuration_id": config.id, "label": config.label, "code": element.code.name,
                "codings": sorted(current)},
        after={"configuration_id": config.id, "label": config.label, "code": element.code.name,
               "codings": sorted(coding_ids), "added": added, "removed": removed},
    )  # fmt: skip
    return True


def set_evidence(store: Store, username: str, element_id: int, coding_ids: Sequence[int]) -> bool:
    """Make exactly these codings the element's supporting evidence; returns whether anything changed."""
    return set_configuration_evidence(store, username, {element_id: coding_ids})


def set_configuration_evidence(store: Store, username: str, evidence: Mapping[int, Sequence[int]]) -> bool:
    """Replace the evidence of several elements (by element id) in one transaction; returns whether
    anything changed. Re-saving an unchanged set changes nothing and records nothing."""
    with store.transaction() as session:
        changed = False
        for element_id, coding_ids in evidence.items():
            element = _element(session, element_id, username, Action.BUILD_CONFIGURATIONS)
            user = require(session, element.configuration.project_id, username, Action.BUILD_CONFIGURATIONS)
            wanted = check_evidence(session, element.code, coding_ids)
            changed = replace_evidence(session, element, wanted, user.id) or changed
        return changed


def suggest_configurations(
    store: Store, username: str, project_id: int, scope: Literal["excerpt", "paragraph"] = "excerpt"
) -> list[Candidate]:
    """Context, mechanism and outcome codings found together in one excerpt (or paragraph), as candidate
    configurations; triples that already form a configuration are left out."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_STUDIES)
        rows = session.execute(
            select(
                Coding.id,
                Code.name,
                Code.kind,
                Excerpt.id,
                Excerpt.start,
                Document.id,
                Document.study_id,
                Code.id,
            )
            .join(Code, Coding.code_id == Code.id)
            .join(Excerpt, Coding.excerpt_id == Excerpt.id)
            .join(Document, Excerpt.document_id == Document.id)
            .where(Code.project_id == project_id, evidence_codings_clause(session, project_id))
            .where(codings_visible_to_name(session, project_id, username))
        ).all()
        paragraphs = _paragraphs(session, {r[5] for r in rows}) if scope == "paragraph" else {}
        items = []
        for coding_id, code, kind, excerpt_id, start, document_id, study_id, code_id in rows:
            if scope == "paragraph":
                group = f"{document_id}:{bisect.bisect_right(paragraphs[document_id], start)}"
            else:
                group = f"e{excerpt_id}"
            items.append(CodedItem(coding_id, str(study_id), group, code, kind, code_id))
        existing = _existing_triples(session, project_id)
        return [c for c in co_occurrences(items) if c.code_ids not in existing]


def _paragraphs(session: Session, document_ids: set[int]) -> dict[int, list[int]]:
    texts = session.execute(select(Document.id, Document.text).where(Document.id.in_(document_ids))).all()
    return {document_id: paragraph_bounds(text) for document_id, text in texts}


def _existing_triples(session: Session, project_id: int) -> set[tuple[int, int, int]]:
    configs = session.scalars(
        select(Configuration)
        .where(Configuration.project_id == project_id)
        .options(selectinload(Configuration.elements))
    ).all()
    triples = set()
    for config in configs:
        by_role: dict[str, list[int]] = {}
        for e in config.elements:
            by_role.setdefault(e.role.value, []).append(e.code_id)
        for c in by_role.get("context", []):
            for m in by_role.get("mechanism", []):
                for o in by_role.get("outcome", []):
                    triples.add((c, m, o))
    return triples


def link_configurations(store: Store, username: str, from_id: int, to_id: int, note: str = "") -> int:
    """Chain two configurations: the outcome of ``from_id`` acts as the context of ``to_id``."""
    if from_id == to_id:
        raise Invalid("a configuration cannot be chained to itself")
    with store.transaction() as session:
        configs = [session.get(Configuration, i) for i in (from_id, to_id)]
        if any(c is None for c in configs) or configs[0].project_id != configs[1].project_id:  # type: ignore[union-attr]
            raise NotFound("both configurations must exist in the same project")
        project_id = configs[0].project_id  # type: ignore[union-attr]
        user = require(session, project_id, username, Action.BUILD_CONFIGURATIONS)
        link = ConfigurationLink(from_id=from_id, to_id=to_id, note=note.strip())
        session.add(link)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict("these two configurations are already chained") from None
        record(
            session, action=AuditAction.CREATE, entity_type="configuration_link", entity_id=link.id,
            user_id=user.id, project_id=project_id, after={"from": from_id, "to": to_id, "note": link.note},
        )  # fmt: skip
        return link.id


def chains(store: Store, username: str, project_id: int) -> tuple[list[Chain], list[list[str]]]:
    """The project's configuration chains, and the feedback loops they form (as label cycles)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.READ_THEORY)
        labels = dict(
            session.execute(
                select(Configuration.id, Configuration.label).where(Configuration.project_id == project_id)
            ).all()
        )
        links = session.scalars(select(ConfigurationLink).where(ConfigurationLink.from_id.in_(labels))).all()
        rows = [Chain(link.id, labels[link.from_id], labels[link.to_id], link.note) for link in links]
        cycles = [[labels[i] for i in cycle] for cycle in find_cycles((lk.from_id, lk.to_id) for lk in links)]
        return rows, cycles
