"""Adjudication: two coders' disagreements, settled into consensus codings (audited, undoable).

A consensus coding is an ordinary coding whose coder is the reserved user ``@consensus``
(``queries.consensus_user``), written through the one coding write path (``ActionWriter.code``) and
stamped with who settled it and when. Each settled region gets an ``adjudications`` row; its audit
entry keeps the consensus spans and coding ids it made, which is what Undo takes out again.

Settling a region that is already settled is refused (``Conflict``): undo the settlement first, so
that a decision is never replaced silently. Blind coding: without ``VIEW_BLIND_CODINGS`` only released
studies (or every study of a project not coded blind) are compared; checked here on
``Project.blind_coding`` and ``Study.released_at``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import desc, select
from sqlalchemy.orm import Session

from workbench.domain.adjudication import Decision, Region, agreements, regions, settled_spans
from workbench.domain.codebook import code_paths
from workbench.domain.configurations import CodingMode
from workbench.domain.spans import Span
from workbench.services.access import Action, allowed_actions, require
from workbench.services.errors import Conflict, Invalid, NotFound
from workbench.services.rows.codes import parent_map
from workbench.services.rows.coding_actions import ActionWriter, CodingRecord
from workbench.services.visibility import blinded_study_ids
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.base import utcnow
from workbench.store.db import Store
from workbench.store.enums import AuditAction, CodingOrigin
from workbench.store.models import (
    Adjudication,
    AuditEntry,
    Code,
    Coding,
    Document,
    Excerpt,
    Project,
    Study,
    User,
)

WINDOW = 300  # characters of the document shown either side of a region, to edit a span within


@dataclass(frozen=True)
class SpanText:
    """A coded span and its text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Settlement:
    """How a region was settled: the decision, by whom and when, and the consensus spans it made."""

    id: int
    decision: Decision
    note: str
    settled_by: str
    settled_at: datetime
    spans: tuple[SpanText, ...]


@dataclass(frozen=True)
class DisagreementKey:
    """What names a disagreement for :func:`settle`: the document, the code, the region, the coders;
    and, when given, the A and B spans as shown (settling is refused if they changed since)."""

    document_id: int
    code_id: int
    start: int
    end: int
    coders: tuple[str, str]
    a_spans: tuple[tuple[int, int], ...] | None = None
    b_spans: tuple[tuple[int, int], ...] | None = None


@dataclass(frozen=True)
class Disagreement:
    """A region of one document where two coders' codings with one code differ."""

    study_id: int
    study_key: str
    study_title: str
    document_id: int
    code_id: int
    code_name: str
    code_path: str
    start: int
    end: int
    text: str
    coder_a: str
    coder_b: str
    a_spans: tuple[SpanText, ...]
    b_spans: tuple[SpanText, ...]
    settled: Settlement | None
    window_start: int  # the region with up to WINDOW characters either side, to pick an edited span in
    window_text: str

    @property
    def key(self) -> DisagreementKey:
        """The identity :func:`settle` takes."""
        return DisagreementKey(
            self.document_id, self.code_id, self.start, self.end, (self.coder_a, self.coder_b),
            tuple((s.start, s.end) for s in self.a_spans), tuple((s.start, s.end) for s in self.b_spans),
        )  # fmt: skip


@dataclass(frozen=True)
class _Coded:
    document_id: int
    code_id: int
    coder_id: int
    span: Span
    mode: CodingMode


def _coders(session: Session, coders: Sequence[str]) -> tuple[User, User]:
    if len(coders) != 2 or coders[0] == coders[1]:
        raise Invalid("choose two different coders to compare")
    found = [queries.user_by_name(session, name) for name in coders]
    missing = [name for name, user in zip(coders, found, strict=True) if user is None]
    if missing:
        raise NotFound(f"no coder named {', '.join(missing)}")
    return found[0], found[1]  # type: ignore[return-value]


def _coded(session: Session, project_id: int, coder_ids: Iterable[int], *, study_ids: Iterable[int] | None,
           document_id: int | None = None, code_id: int | None = None) -> list[_Coded]:  # fmt: skip
    query = (
        select(Excerpt.document_id, Coding.code_id, Coding.coder_id, Excerpt.start, Excerpt.end, Coding.mode)
        .join(Excerpt, Coding.excerpt_id == Excerpt.id)
        .join(Document, Excerpt.document_id == Document.id)
        .join(Study, Document.study_id == Study.id)
        .where(Study.project_id == project_id, Coding.coder_id.in_(list(coder_ids)))
    )
    if study_ids is not None:
        query = query.where(Study.id.in_(list(study_ids)))
    if document_id is not None:
        query = query.where(Document.id == document_id)
    if code_id is not None:
        query = query.where(Coding.code_id == code_id)
    return [_Coded(d, c, u, Span(s, e), CodingMode(m)) for d, c, u, s, e, m in session.execute(query)]


def _visible_study_ids(session: Session, project: Project, username: str, study_id: int | None) -> list[int]:
    """The studies whose codings the user may compare: none still blind to them (services/visibility.py)."""
    query = select(Study.id).where(Study.project_id == project.id)
    if study_id is not None:
        query = query.where(Study.id == study_id)
    user = queries.user_by_name(session, username)
    hidden = blinded_study_ids(session, project.id, user.id if user else None)
    return [i for i in session.scalars(query) if i not in hidden]


def _by_pair(rows: list[_Coded], a: User, b: User) -> dict[tuple[int, int], tuple[list[Span], list[Span]]]:
    """(document, code) -> (A's spans, B's spans), for documents both coders coded."""
    coded_by = {(r.document_id, r.coder_id) for r in rows}
    both = {
        r.document_id for r in rows if (r.document_id, a.id) in coded_by and (r.document_id, b.id) in coded_by
    }
    out: dict[tuple[int, int], tuple[list[Span], list[Span]]] = {}
    for r in rows:
        if r.document_id in both:
            pair = out.setdefault((r.document_id, r.code_id), ([], []))
            pair[0 if r.coder_id == a.id else 1].append(r.span)
    return out


def _settlements(
    session: Session, project_id: int, a: User, b: User
) -> dict[tuple[int, int, int, int], Adjudication]:
    found = session.scalars(
        select(Adjudication).where(
            Adjudication.project_id == project_id,
            Adjudication.coder_a_id.in_([a.id, b.id]),
            Adjudication.coder_b_id.in_([a.id, b.id]),
        )
    )
    return {(j.document_id, j.code_id, j.start, j.end): j for j in found if j.coder_a_id != j.coder_b_id}


def _creation(session: Session, adjudication_id: int) -> dict[str, Any]:
    """What the settlement recorded when it was made (the newest entry: SQLite may reuse an id)."""
    entry = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "adjudication", AuditEntry.entity_id == adjudication_id,
               AuditEntry.action == AuditAction.CREATE)
        .order_by(desc(AuditEntry.id)).limit(1)
    )  # fmt: skip
    return dict(entry.after or {}) if entry is not None else {}


def _settlement(session: Session, found: Adjudication, text: str) -> Settlement:
    made = _creation(session, found.id)
    by = session.get(User, found.settled_by_id) if found.settled_by_id is not None else None
    spans = tuple(SpanText(s, e, text[s:e]) for s, e in made.get("spans", []))
    return Settlement(found.id, Decision(found.decision), found.note, by.username if by else "(removed user)",
                      found.settled_at, spans)  # fmt: skip


def disagreements(
    store: Store, username: str, project_id: int, *, coders: tuple[str, str],
    study_id: int | None = None, code_id: int | None = None,
) -> list[Disagreement]:  # fmt: skip
    """Every region where the two coders' codings differ, in documents both coded, by study, code and
    place; settled regions carry their settlement."""
    with store.transaction() as session:
        require(session, project_id, username, Action.VIEW_AGREEMENT)
        project = session.get_one(Project, project_id)
        a, b = _coders(session, coders)
        visible = _visible_study_ids(session, project, username, study_id)
        pairs = _by_pair(_coded(session, project_id, [a.id, b.id], study_ids=visible), a, b)
        pairs = {k: v for k, v in pairs.items() if code_id is None or k[1] == code_id}
        documents = {
            d.id: d for d in session.scalars(select(Document).where(Document.id.in_({k[0] for k in pairs})))
        }
        studies = {s.id: s for s in session.scalars(select(Study).where(Study.id.in_(visible)))}
        codes = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == project_id))}
        paths = code_paths({c.id: c.name for c in codes.values()}, parent_map(session, project_id))
        settled = _settlements(session, project_id, a, b)
        out = []
        for (document_id, cid), (a_spans, b_spans) in pairs.items():
            document, code = documents[document_id], codes[cid]
            path = paths[cid]
            for region in regions(a_spans, b_spans):
                found = settled.get((document_id, cid, region.start, region.end))
                settlement = _settlement(session, found, document.text) if found else None
                study = studies[document.study_id]
                out.append(_disagreement(study, document, code, path, region, a, b, settlement))
        return sorted(out, key=lambda d: (d.study_key, d.document_id, d.code_path.casefold(), d.start, d.end))


def _disagreement(study: Study, document: Document, code: Code, path: str, region: Region, a: User, b: User,
                  settled: Settlement | None) -> Disagreement:  # fmt: skip
    text = document.text
    window_start = max(0, region.start - WINDOW)
    return Disagreement(
        study.id, study.key, study.title, document.id, code.id, code.name, path, region.start, region.end,
        text[region.start : region.end], a.username, b.username,
        tuple(SpanText(s.start, s.end, text[s.start : s.end]) for s in region.a_spans),
        tuple(SpanText(s.start, s.end, text[s.start : s.end]) for s in region.b_spans),
        settled, window_start, text[window_start : region.end + WINDOW],
    )  # fmt: skip


def _document(session: Session, project_id: int, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.study.project_id != project_id:
        raise NotFound(f"document {document_id} is not in this project (deleted meanwhile?)")
    return document


def _code(session: Session, project_id: int, code_id: int) -> Code:
    code = session.get(Code, code_id)
    if code is None or code.project_id != project_id:
        raise NotFound(f"code {code_id} is no longer in the codebook")
    return code


class _ConsensusWriter:
    """Writes consensus codings of one code in one document, stamped as settled by the acting user."""

    def __init__(self, session: Session, project_id: int, user: User, document: Document, code: Code) -> None:
        self.session, self.user, self.code = session, user, code
        self.writer = ActionWriter(session, project_id, user.id, document)
        self.consensus = queries.consensus_user(session)
        self.now = utcnow()

    def add(self, span: Span, mode: CodingMode) -> list[int]:
        """Code the span as consensus (nothing when a consensus coding of the code is there already)."""
        template = CodingRecord(
            0, 0, span.start, span.end, 0, "", self.consensus.id, mode, CodingOrigin.HUMAN, ""
        )
        _excerpt, created = self.writer.code(span.start, span.end, [self.code], template)
        for made in created:
            coding = self.session.get_one(Coding, made.coding_id)
            coding.settled_by_id, coding.settled_at = self.user.id, self.now
        self.session.flush()
        return [c.coding_id for c in created]


def _mode(rows: list[_Coded], span: Span, a: User) -> CodingMode:
    """The mode the coders gave the span (A's first), else the mode of A's coding nearest it."""
    pool = [r for r in rows if r.span == span] or list(rows)
    pool.sort(key=lambda r: (r.coder_id != a.id, abs(r.span.start - span.start)))
    return pool[0].mode if pool else CodingMode.INDUCTIVE


def _as_shown(region: Region, key: DisagreementKey) -> bool:
    """Whether the region still holds the A and B spans the adjudicator saw (when the key says)."""
    now = [tuple((s.start, s.end) for s in spans) for spans in (region.a_spans, region.b_spans)]
    return all(
        seen is None or tuple(seen) == held
        for seen, held in zip((key.a_spans, key.b_spans), now, strict=True)
    )


def settle(
    store: Store, username: str, project_id: int, key: DisagreementKey, decision: Decision | str,
    edited_span: tuple[int, int] | None = None, note: str = "",
) -> int:  # fmt: skip
    """Settle one disagreement into consensus codings; returns the adjudication's id. Refused when the
    coders' codings changed since the region was shown, or when it is already settled (undo first)."""
    decision = Decision(decision)
    with store.transaction() as session:
        user = require(session, project_id, username, Action.ADJUDICATE)
        a, b = _coders(session, key.coders)
        document, code = (
            _document(session, project_id, key.document_id),
            _code(session, project_id, key.code_id),
        )
        rows = _coded(
            session, project_id, [a.id, b.id], study_ids=None, document_id=document.id, code_id=code.id
        )
        a_spans = [r.span for r in rows if r.coder_id == a.id]
        region = next((r for r in regions(a_spans, [r.span for r in rows if r.coder_id == b.id])
                       if (r.start, r.end) == (key.start, key.end)), None)  # fmt: skip
        if region is None or not _as_shown(region, key):
            raise Conflict("the coders' codings there changed since the comparison was shown; reload it")
        earlier = _settlements(session, project_id, a, b).get(
            (document.id, code.id, region.start, region.end)
        )
        if earlier is not None:
            raise Conflict("this disagreement is already settled; undo that settlement to settle it again")
        spans = settled_spans(region, decision, document.text, edited_span)
        writer = _ConsensusWriter(session, project_id, user, document, code)
        coding_ids = [i for span in spans for i in writer.add(span, _mode(rows, span, a))]
        adjudication = Adjudication(
            project_id=project_id, document_id=document.id, code_id=code.id, start=region.start,
            end=region.end, coder_a_id=a.id, coder_b_id=b.id, decision=decision.value, note=note.strip(),
            settled_by_id=user.id, settled_at=writer.now,
        )  # fmt: skip
        session.add(adjudication)
        session.flush()
        after = _audit(adjudication, a, b, code, [(s.start, s.end) for s in spans], coding_ids)
        record(session, action=AuditAction.CREATE, entity_type="adjudication", entity_id=adjudication.id,
               user_id=user.id, project_id=project_id, after=after)  # fmt: skip
        return adjudication.id


def _audit(j: Adjudication, a: User, b: User, code: Code, spans: list[tuple[int, int]],
           coding_ids: list[int]) -> dict[str, Any]:  # fmt: skip
    return {
        "document_id": j.document_id, "code_id": j.code_id, "name": code.name, "start": j.start, "end": j.end,
        "coder_a": a.username, "coder_b": b.username, "decision": j.decision, "note": j.note,
        "spans": [list(s) for s in spans], "coding_ids": coding_ids,
    }  # fmt: skip


def undo_settlement(store: Store, username: str, project_id: int, adjudication_id: int) -> None:
    """Take a settlement back: the consensus codings it made (still as made) and its adjudication row."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.ADJUDICATE)
        found = session.get(Adjudication, adjudication_id)
        if found is None or found.project_id != project_id:
            raise NotFound("that settlement is gone already (undone meanwhile?)")
        made = _creation(session, found.id)
        consensus = queries.consensus_user(session)
        codings = session.scalars(
            select(Coding).join(Excerpt, Coding.excerpt_id == Excerpt.id).where(
                Coding.id.in_([int(i) for i in made.get("coding_ids", [])]), Coding.coder_id == consensus.id,
                Coding.code_id == found.code_id, Excerpt.document_id == found.document_id,
            )
        ).all()  # fmt: skip
        document = _document(session, project_id, found.document_id)
        ActionWriter(session, project_id, user.id, document).remove(list(codings))
        record(session, action=AuditAction.DELETE, entity_type="adjudication", entity_id=found.id,
               user_id=user.id, project_id=project_id, before=made or None)  # fmt: skip
        session.delete(found)


def accept_agreements(
    store: Store, username: str, project_id: int, coders: tuple[str, str], study_id: int | None = None
) -> int:
    """Make every span both coders coded identically with the same code a consensus coding (skipping
    those that are already); returns how many consensus codings were added."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.ADJUDICATE)
        project = session.get_one(Project, project_id)
        a, b = _coders(session, coders)
        visible = _visible_study_ids(session, project, username, study_id)
        rows = _coded(session, project_id, [a.id, b.id], study_ids=visible)
        pairs = _by_pair(rows, a, b)
        codes = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == project_id))}
        added: list[int] = []
        for (document_id, code_id), (a_spans, b_spans) in sorted(pairs.items()):
            agreed = agreements(a_spans, b_spans)
            if not agreed:
                continue
            document = session.get_one(Document, document_id)
            writer = _ConsensusWriter(session, project_id, user, document, codes[code_id])
            here = [r for r in rows if (r.document_id, r.code_id) == (document_id, code_id)]
            added += [i for span in agreed for i in writer.add(span, _mode(here, span, a))]
        if added:
            record(session, action=AuditAction.CREATE, entity_type="agreements_accepted", entity_id=None,
                   user_id=user.id, project_id=project_id,
                   after={"coder_a": a.username, "coder_b": b.username, "study_id": study_id,
                          "coding_ids": added})  # fmt: skip
        return len(added)


def may_adjudicate(store: Store, username: str, project_id: int) -> bool:
    """Whether the user may settle disagreements in the project (pages show the buttons only then)."""
    with store.transaction() as session:
        return Action.ADJUDICATE in allowed_actions(session, project_id, username)
