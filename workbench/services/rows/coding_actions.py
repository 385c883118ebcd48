"""Undoable coding actions: what a coding action created or removed, and how to reverse it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workbench.domain.configurations import CodingMode
from workbench.domain.spans import codable_span, page_of
from workbench.services.memos import memo_audit
from workbench.store.audit import record
from workbench.store.enums import AuditAction, CodingOrigin, MemoTarget
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    ElementEvidence,
    Excerpt,
    Memo,
    SuggestionDecision,
)


class ActionKind(StrEnum):
    """Whether an action put codings in or took them out."""

    CODED = "coded"
    REMOVED = "removed"


@dataclass(frozen=True)
class CodingRecord:
    """One coding as it was: enough to take it out again, or to put it back with the same ids."""

    coding_id: int
    excerpt_id: int
    start: int
    end: int
    code_id: int
    code_name: str
    coder_id: int
    mode: CodingMode
    origin: CodingOrigin
    theory_reference: str
    evidence_elements: tuple[int, ...] = ()  # configuration elements citing it
    status_configurations: tuple[int, ...] = ()  # configurations citing it as status evidence
    decisions: tuple[int, ...] = ()  # suggestion decisions that created it
    suggestion_model_id: int | None = None  # the model whose suggestion it was accepted from


@dataclass(frozen=True)
class MemoRecord:
    """A memo on an excerpt, as it was."""

    memo_id: int
    excerpt_id: int
    start: int
    end: int
    author_id: int | None
    title: str
    body: str


@dataclass(frozen=True)
class CodingAction:
    """An undoable action: the codings (and excerpt memos) it created or removed in one document."""

    kind: ActionKind
    document_id: int
    codings: tuple[CodingRecord, ...]
    memos: tuple[MemoRecord, ...] = ()

    @property
    def coding_ids(self) -> tuple[int, ...]:
        """The ids of the codings the action touched."""
        return tuple(c.coding_id for c in self.codings)

    @property
    def empty(self) -> bool:
        """True when the action changed nothing (every code was already applied, say)."""
        return not self.codings and not self.memos

    def describe(self) -> str:
        """A one-line account for the page, e.g. "coded [10, 52) with Trust"."""
        if self.empty:
            return "nothing changed"
        names = ", ".join(dict.fromkeys(c.code_name for c in self.codings)) or "a memo"
        spans = sorted({(c.start, c.end) for c in self.codings} | {(m.start, m.end) for m in self.memos})
        where = f"[{spans[0][0]}, {spans[0][1]})" if len(spans) == 1 else f"{len(spans)} excerpts"
        verb = "coded" if self.kind is ActionKind.CODED else "removed"
        return f"{verb} {where} with {names}" if verb == "coded" else f"removed {names} from {where}"


def coding_audit(coding: Coding, excerpt: Excerpt) -> dict[str, Any]:
    """A coding's fields for the audit log."""
    return {
        "excerpt_id": excerpt.id,
        "document_id": excerpt.document_id,
        "start": excerpt.start,
        "end": excerpt.end,
        "code_id": coding.code_id,
        "coder_id": coding.coder_id,
        "mode": coding.mode.value,
        "origin": coding.origin.value,
        "theory_reference": coding.theory_reference,
        "suggestion_model_id": coding.suggestion_model_id,
    }


def excerpt_audit(excerpt: Excerpt) -> dict[str, Any]:
    """An excerpt's fields for the audit log."""
    return {
        "document_id": excerpt.document_id,
        "start": excerpt.start,
        "end": excerpt.end,
        "text": excerpt.text,
    }


class ActionWriter:
    """Writes codings, excerpts and memos of one document, auditing each change as the acting user."""

    def __init__(self, session: Session, project_id: int, user_id: int, document: Document) -> None:
        self.session = session
        self.project_id = project_id
        self.user_id = user_id
        self.document = document

    def audit(self, action: AuditAction, entity: str, entity_id: int, **change: dict[str, Any]) -> None:
        """Add an audit entry for one row."""
        record(
            self.session, action=action, entity_type=entity, entity_id=entity_id,
            user_id=self.user_id, project_id=self.project_id, **change,
        )  # fmt: skip

    def code(
        self, start: int, end: int, codes: Sequence[Code], template: CodingRecord
    ) -> tuple[Excerpt, tuple[CodingRecord, ...]]:
        """Code ``[start, end)`` with each code like ``template``: the one write path of a coding,
        by hand or from a suggestion. Codes this coder already applied there are skipped."""
        codable_span(self.document.text, start, end)
        excerpt = self.excerpt_for(start, end)
        mine = (Coding.excerpt_id == excerpt.id) & (Coding.coder_id == template.coder_id)
        present = set(self.session.scalars(select(Coding.code_id).where(mine)))
        added = (self.add_coding(excerpt, code, template) for code in codes if code.id not in present)
        return excerpt, tuple(c for c in added if c is not None)  # None: a concurrent request coded it

    def excerpt_for(self, start: int, end: int, wanted_id: int | None = None) -> Excerpt:
        """The document's excerpt spanning exactly ``[start, end)``, created when there is none.

        The insert is ``ON CONFLICT DO NOTHING`` on the span's unique constraint, so coders creating
        the same excerpt at the same moment end up sharing one row, as if they had coded in turn."""
        found = self.session.scalar(self._at(start, end))
        if found is not None:
            return found
        values: dict[str, Any] = {
            "document_id": self.document.id, "start": start, "end": end,
            "text": self.document.text[start:end], "page": page_of(start, self.document.page_starts),
            "created_by_id": self.user_id,
        }  # fmt: skip
        if wanted_id is not None and self.session.get(Excerpt, wanted_id) is None:
            values["id"] = wanted_id  # undoing a removal gives the excerpt back its id
        new_id = self._insert_unless_present(Excerpt, values, ["document_id", "start", "end"])
        if new_id is None:  # another coder's transaction created it first
            return self.session.scalars(self._at(start, end)).one()
        excerpt = self.session.get_one(Excerpt, new_id)
        self.audit(AuditAction.CREATE, "excerpt", excerpt.id, after=excerpt_audit(excerpt))
        return excerpt

    def _at(self, start: int, end: int) -> Select[Excerpt]:
        """The query for the document's excerpt of exactly ``[start, end)`` (there is at most one)."""
        return select(Excerpt).where(
            Excerpt.document_id == self.document.id, Excerpt.start == start, Excerpt.end == end
        )

    def _insert_unless_present(self, model: type[Excerpt | Coding], values: dict[str, Any],
                               unique: list[str]) -> int | None:  # fmt: skip
        """``INSERT ... ON CONFLICT (unique) DO NOTHING RETURNING id``: the new id, or None when a row
        with the same ``unique`` columns exists (waiting for a concurrent insert of it to commit)."""
        dialect = self.session.get_bind().dialect.name
        make = postgresql_insert if dialect == "postgresql" else sqlite_insert
        statement = make(model).values(values).on_conflict_do_nothing(index_elements=unique)
        return self.session.scalar(statement.returning(model.id))

    def add_coding(self, excerpt: Excerpt, code: Code, template: CodingRecord) -> CodingRecord | None:
        """Insert one coding like ``template`` (keeping its id when that id is free); None when this
        coder already applied the code to the excerpt (in a concurrent transaction, say)."""
        values: dict[str, Any] = {
            "excerpt_id": excerpt.id, "code_id": code.id, "coder_id": template.coder_id,
            "mode": template.mode, "origin": template.origin, "theory_reference": template.theory_reference,
            "suggestion_model_id": template.suggestion_model_id,
        }  # fmt: skip
        if template.coding_id and self.session.get(Coding, template.coding_id) is None:
            values["id"] = template.coding_id
        new_id = self._insert_unless_present(Coding, values, ["excerpt_id", "code_id", "coder_id"])
        if new_id is None:
            return None
        coding = self.session.get_one(Coding, new_id)
        self.audit(AuditAction.CREATE, "coding", coding.id, after=coding_audit(coding, excerpt))
        return CodingRecord(
            coding.id, excerpt.id, excerpt.start, excerpt.end, code.id, code.name, coding.coder_id,
            coding.mode, coding.origin, coding.theory_reference,
            suggestion_model_id=coding.suggestion_model_id,
        )  # fmt: skip

    def add_memo(self, excerpt: Excerpt, body: str, title: str = "", author_id: int | None = None,
                 wanted_id: int | None = None) -> MemoRecord:  # fmt: skip
        """Attach a memo to an excerpt (written by the acting user unless ``author_id`` says otherwise)."""
        memo = Memo(
            project_id=self.project_id, author_id=self.user_id if author_id is None else author_id,
            target_type=MemoTarget.EXCERPT, target_id=excerpt.id, title=title, body=body,
        )  # fmt: skip
        if wanted_id is not None and self.session.get(Memo, wanted_id) is None:
            memo.id = wanted_id
        self.session.add(memo)
        self.session.flush()
        self.audit(AuditAction.CREATE, "memo", memo.id, after=memo_audit(memo))
        return MemoRecord(memo.id, excerpt.id, excerpt.start, excerpt.end, memo.author_id, title, body)

    def remove(self, codings: Sequence[Coding], memo_ids: Iterable[int] = ()) -> CodingAction:
        """Delete codings, the given memos, and excerpts left without codings (with their memos)."""
        records = self._records(codings)
        for coding in codings:
            self.audit(AuditAction.DELETE, "coding", coding.id, before=coding_audit(coding, coding.excerpt))
            self.session.delete(coding)
        self._take_status_evidence(records)
        self.session.flush()
        touched = {c.excerpt_id for c in records}
        kept = set(self.session.scalars(select(Coding.excerpt_id).where(Coding.excerpt_id.in_(touched))))
        empty = sorted(touched - kept)
        memos = self._memos(set(memo_ids), empty)
        for excerpt_id in empty:
            excerpt = self.session.get_one(Excerpt, excerpt_id)
            self.session.expire(excerpt, ["codings"])
            self.audit(AuditAction.DELETE, "excerpt", excerpt.id, before=excerpt_audit(excerpt))
            self.session.delete(excerpt)
        self.session.flush()
        return CodingAction(ActionKind.REMOVED, self.document.id, records, memos)

    def _records(self, codings: Sequence[Coding]) -> tuple[CodingRecord, ...]:
        ids = [c.id for c in codings]
        elements = self._grouped(ElementEvidence.coding_id, ElementEvidence.element_id, ids)
        decisions = self._grouped(SuggestionDecision.coding_id, SuggestionDecision.id, ids)
        statuses: dict[int, list[int]] = {}
        for config in self._configurations_citing(ids):
            for coding_id in set(ids).intersection(config.status_evidence):
                statuses.setdefault(coding_id, []).append(config.id)
        return tuple(
            CodingRecord(
                c.id, c.excerpt_id, c.excerpt.start, c.excerpt.end, c.code_id, c.code.name, c.coder_id,
                c.mode, c.origin, c.theory_reference, tuple(elements.get(c.id, ())),
                tuple(sorted(statuses.get(c.id, ()))), tuple(decisions.get(c.id, ())), c.suggestion_model_id,
            )
            for c in sorted(codings, key=lambda c: c.id)
        )  # fmt: skip

    def _grouped(self, key: Any, value: Any, coding_ids: list[int]) -> dict[int, list[int]]:
        """``value`` of the rows whose ``key`` column holds one of the coding ids, by coding id."""
        out: dict[int, list[int]] = {}
        for coding_id, other in self.session.execute(select(key, value).where(key.in_(coding_ids))):
            out.setdefault(coding_id, []).append(other)
        return out

    def _configurations_citing(self, coding_ids: Iterable[int]) -> list[Configuration]:
        wanted = set(coding_ids)
        configs = self.session.scalars(
            select(Configuration).where(Configuration.project_id == self.project_id)
        )
        return [c for c in configs if wanted.intersection(c.status_evidence)]

    def _take_status_evidence(self, records: Sequence[CodingRecord]) -> None:
        gone = {r.coding_id for r in records}
        for config in self._configurations_citing(gone):
            config.status_evidence = [i for i in config.status_evidence if i not in gone]

    def _memos(self, memo_ids: set[int], empty_excerpts: list[int]) -> tuple[MemoRecord, ...]:
        on_excerpt = Memo.target_type == MemoTarget.EXCERPT
        found = self.session.scalars(
            select(Memo).where(on_excerpt, (Memo.id.in_(memo_ids)) | (Memo.target_id.in_(empty_excerpts)))
        ).all()
        out = []
        for memo in sorted(found, key=lambda m: m.id):
            excerpt = self.session.get(Excerpt, memo.target_id) if memo.target_id is not None else None
            if excerpt is None:
                continue
            out.append(MemoRecord(memo.id, excerpt.id, excerpt.start, excerpt.end, memo.author_id, memo.title,
                                  memo.body))  # fmt: skip
            self.audit(AuditAction.DELETE, "memo", memo.id, before=memo_audit(memo))
            self.session.delete(memo)
        return tuple(out)

    def restore(self, action: CodingAction, codes: dict[int, Code]) -> CodingAction:
        """Put back the codings and memos an action removed; returns what was put back."""
        restored: list[CodingRecord] = []
        for old in action.codings:
            code = codes.get(old.code_id)
            if code is None:
                continue  # the code was deleted meanwhile
            excerpt = self.excerpt_for(old.start, old.end, old.excerpt_id)
            if self._already_coded(excerpt.id, old.code_id, old.coder_id):
                continue
            new = self.add_coding(excerpt, code, old)
            if new is None:
                continue
            self._relink(old, new.coding_id)
            restored.append(new)
        memos = [
            self.add_memo(
                self.excerpt_for(m.start, m.end, m.excerpt_id), m.body, m.title, m.author_id, m.memo_id
            )
            for m in action.memos
        ]
        return CodingAction(ActionKind.CODED, self.document.id, tuple(restored), tuple(memos))

    def _already_coded(self, excerpt_id: int, code_id: int, coder_id: int) -> bool:
        query = select(Coding.id).where(
            Coding.excerpt_id == excerpt_id, Coding.code_id == code_id, Coding.coder_id == coder_id
        )
        return self.session.scalar(query) is not None

    def _relink(self, old: CodingRecord, coding_id: int) -> None:
        """Give a restored coding back its place as configuration evidence and as an accepted suggestion."""
        for element_id in old.evidence_elements:
            if self.session.get(ConfigurationElement, element_id) is not None:
                self.session.add(ElementEvidence(element_id=element_id, coding_id=coding_id))
        for config_id in old.status_configurations:
            config = self.session.get(Configuration, config_id)
            if config is not None:
                config.status_evidence = sorted({*config.status_evidence, coding_id})
        for decision_id in old.decisions:
            decision = self.session.get(SuggestionDecision, decision_id)
            if decision is not None and decision.coding_id is None:
                decision.coding_id = coding_id
        self.session.flush()
