"""Merging one code into another without losing a coding's evidence or a configuration's support."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.codebook import CodebookError, check_merge, subtree
from workbench.services.access import Action
from workbench.services.code_deletion import codings_under, others_than
from workbench.services.rows.codes import (
    audit,
    check_version,
    code_dict,
    editing,
    load_code,
    load_code_to_remove,
    parent_map,
    renumber,
    siblings,
)
from workbench.store.db import Store
from workbench.store.enums import AuditAction, MemoTarget
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    ElementEvidence,
    Memo,
    SuggestionDecision,
)


@dataclass(frozen=True)
class MergeResult:
    """What a merge did, as counts (also written to the audit entry)."""

    source: str
    target: str
    codings_moved: int = 0
    duplicates_dropped: int = 0
    evidence_repointed: int = 0
    elements_moved: int = 0
    elements_merged: int = 0
    children_moved: int = 0
    memos_moved: int = 0

    def counts(self) -> dict[str, int]:
        """The counts alone, for the audit log."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


@dataclass(frozen=True)
class MergeImpact:
    """What merging a code away moves, for the form: its codings and those of its sub-codes, and whose."""

    code: str
    codings: int  # of the code and its sub-codes: they all go to the target
    others: tuple[str, ...]  # logins of the other members among their coders (only an owner may move those)


def merge_impact(store: Store, username: str, source_id: int) -> MergeImpact:
    """How many codings merging the code into another would move, and whose codings other than the
    user's (the page disables Merge beforehand when only an owner may move them)."""
    with store.transaction() as session:
        source, user = load_code(session, source_id, username, Action.READ_STUDIES)
        code_ids = subtree(parent_map(session, source.project_id), source.id)
        coding_ids, coders = codings_under(session, code_ids)
        return MergeImpact(source.name, len(coding_ids), others_than(coders, user.id))


def merge_codes(
    store: Store,
    username: str,
    source_id: int,
    target_id: int,
    *,
    source_version: int | None = None,
    target_version: int | None = None,
) -> MergeResult:
    """Fold the source code into the target: its codings, configuration elements, sub-codes and memos
    go to the target, then the source is deleted. A coding that duplicates one the same coder already
    made with the target on the same excerpt is dropped, and its evidence re-pointed to that coding."""
    if source_id == target_id:
        raise CodebookError("a code cannot be merged into itself")
    with editing(store) as session:
        source, user = load_code_to_remove(session, source_id, username)
        target, _user = load_code(session, target_id, username)
        if source.project_id != target.project_id:
            raise CodebookError("only codes of the same project can be merged")
        check_version(source, source_version)
        check_version(target, target_version)
        check_merge(source.kind, target.kind)
        before = {"source": code_dict(source), "target": code_dict(target)}
        moved, dropped, repointed = _merge_codings(session, source, target)
        elements_moved, elements_merged = _merge_elements(session, source, target)
        result = MergeResult(
            source.name, target.name, moved, dropped, repointed, elements_moved, elements_merged,
            _adopt_children(session, source, target), _retarget_memos(session, source, target),
        )  # fmt: skip
        session.delete(source)
        session.flush()
        after = {"source_id": source_id, "target_id": target_id, "code_id": target_id, **result.counts()}
        audit(session, user, target.project_id, AuditAction.MERGE, target_id, before=before, after=after)
        return result


def _merge_codings(session: Session, source: Code, target: Code) -> tuple[int, int, int]:
    """Move the source's codings to the target; returns (moved, duplicates dropped, evidence re-pointed)."""
    survivors = {
        (c.excerpt_id, c.coder_id): c
        for c in session.scalars(select(Coding).where(Coding.code_id == target.id))
    }
    duplicates: dict[int, int] = {}  # dropped coding id -> surviving coding id
    moved = 0
    for coding in session.scalars(select(Coding).where(Coding.code_id == source.id)).all():
        survivor = survivors.get((coding.excerpt_id, coding.coder_id))
        if survivor is None:
            coding.code_id = target.id
            moved += 1
            continue
        duplicates[coding.id] = survivor.id
        if not survivor.theory_reference:
            survivor.theory_reference = coding.theory_reference
    repointed = _repoint_codings(session, source.project_id, duplicates)
    for coding_id in duplicates:
        session.delete(session.get_one(Coding, coding_id))
    session.flush()
    return moved, len(duplicates), repointed


def _repoint_codings(session: Session, project_id: int, replaced: dict[int, int]) -> int:
    """Make everything that cites a replaced coding cite its replacement instead: configuration evidence,
    status evidence and suggestion decisions. Returns how many evidence rows were re-pointed."""
    if not replaced:
        return 0
    rows = session.scalars(select(ElementEvidence).where(ElementEvidence.coding_id.in_(replaced))).all()
    survivors = select(ElementEvidence.element_id, ElementEvidence.coding_id).where(
        ElementEvidence.coding_id.in_(set(replaced.values()))
    )
    cited = {(element_id, coding_id) for element_id, coding_id in session.execute(survivors)}
    for evidence in rows:
        key = (evidence.element_id, replaced[evidence.coding_id])
        if key in cited:  # the element already cites the surviving coding: nothing is lost
            session.delete(evidence)
        else:
            evidence.coding_id = key[1]
            cited.add(key)
    configs = session.scalars(select(Configuration).where(Configuration.project_id == project_id)).all()
    for config in configs:
        if set(config.status_evidence) & set(replaced):
            config.status_evidence = sorted({replaced.get(i, i) for i in config.status_evidence})
    for decision in session.scalars(
        select(SuggestionDecision).where(SuggestionDecision.coding_id.in_(replaced))
    ).all():
        decision.coding_id = replaced[decision.coding_id]  # type: ignore[index]
    session.flush()
    return len(rows)


def _merge_elements(session: Session, source: Code, target: Code) -> tuple[int, int]:
    """Configuration elements on the source go to the target; where the configuration already has the
    target in that role, the two elements' evidence is pooled. Returns (moved, merged)."""
    moved = merged = 0
    elements = session.scalars(select(ConfigurationElement).where(ConfigurationElement.code_id == source.id))
    for element in elements.all():
        twin = session.scalar(
            select(ConfigurationElement).where(
                ConfigurationElement.configuration_id == element.configuration_id,
                ConfigurationElement.code_id == target.id,
                ConfigurationElement.role == element.role,
            )
        )
        if twin is None:
            element.code_id = target.id
            moved += 1
            continue
        cited = set(
            session.scalars(select(ElementEvidence.coding_id).where(ElementEvidence.element_id == twin.id))
        )
        for evidence in session.scalars(
            select(ElementEvidence).where(ElementEvidence.element_id == element.id)
        ).all():
            if evidence.coding_id in cited:
                session.delete(evidence)
            else:
                evidence.element_id = twin.id
                cited.add(evidence.coding_id)
        session.flush()
        session.expire(element, ["evidence"])  # its evidence now belongs to the twin
        session.delete(element)
        merged += 1
    session.flush()
    return moved, merged


def _adopt_children(session: Session, source: Code, target: Code) -> int:
    """The source's sub-codes go under the target. A target inside the source's subtree first takes the
    source's place, so no code ends up under itself. Returns how many sub-codes moved."""
    project_id = source.project_id
    if target.id in subtree(parent_map(session, project_id), source.id):
        old_parent = target.parent_id
        place = siblings(session, project_id, source.parent_id)
        place[place.index(source)] = target
        target.parent_id = source.parent_id
        renumber(place)
        if old_parent != source.id:
            renumber(siblings(session, project_id, old_parent, without=target.id))
    else:
        renumber(siblings(session, project_id, source.parent_id, without=source.id))
    children = siblings(session, project_id, source.id, without=target.id)
    under = siblings(session, project_id, target.id)
    names = {c.name.casefold() for c in under}
    for child in children:
        child.parent_id = target.id
        if child.name.casefold() in names:  # sibling names stay unique
            child.name = f"{child.name} (from {source.name})"
        names.add(child.name.casefold())
        under.append(child)
    renumber(under)
    session.flush()
    return len(children)


def _retarget_memos(session: Session, source: Code, target: Code) -> int:
    memos = session.scalars(
        select(Memo).where(Memo.target_type == MemoTarget.CODE, Memo.target_id == source.id)
    ).all()
    for memo in memos:
        memo.target_id = target.id
    return len(memos)
