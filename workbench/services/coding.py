"""Coding use cases: read a study with its codings, code a span, edit, remove and undo codings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from workbench.domain.codebook import CodeKind, code_paths
from workbench.domain.configurations import CodingMode
from workbench.domain.studies import short_citation
from workbench.services.access import Action, require, require_for_work
from workbench.services.errors import Invalid, NotFound, check_version, stale_as_conflict
from workbench.services.memos import memos_visible
from workbench.services.rows.coding_actions import (
    ActionKind,
    ActionWriter,
    CodingAction,
    CodingRecord,
    coding_audit,
)
from workbench.services.visibility import visibility
from workbench.store.db import Store
from workbench.store.enums import AuditAction, CodingOrigin, MemoTarget
from workbench.store.models import Code, Coding, Document, Excerpt, Memo, Study, User
from workbench.store.queries_fingerprint import one_row

__all__ = [
    "ActionKind",
    "CodeOption",
    "CodingAction",
    "CodingView",
    "DocumentView",
    "ExcerptView",
    "code_in",
    "code_options",
    "code_span",
    "document_revision",
    "document_view",
    "remove_codings",
    "undo",
    "update_coding",
]


@dataclass(frozen=True)
class CodingView:
    """One coding of an excerpt, as the coding page shows it."""

    id: int
    code_id: int
    code_name: str
    code_kind: CodeKind
    colour: str
    coder: str
    mode: CodingMode
    origin: CodingOrigin
    theory_reference: str
    version: int


@dataclass(frozen=True)
class ExcerptView:
    """A coded span ``[start, end)`` of the document with its codings and memo."""

    id: int
    start: int
    end: int
    text: str
    page: int | None
    memo: str
    codings: tuple[CodingView, ...]


@dataclass(frozen=True)
class DocumentView:
    """A study's full text with every excerpt coded in it, ordered by position."""

    project_id: int
    study_id: int
    study_key: str
    citation: str
    title: str
    document_id: int
    text: str
    page_starts: tuple[int, ...]
    excerpts: tuple[ExcerptView, ...]


@dataclass(frozen=True)
class CodeOption:
    """A code offered in the coding picker, with the acting user's use of it."""

    id: int
    name: str
    path: str
    kind: CodeKind
    colour: str
    uses: int
    last_used: datetime | None


def document_view(store: Store, username: str, study_id: int) -> DocumentView:
    """A study's first full text with its excerpts, codings and excerpt memos (a handful of queries)."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        user = require(session, study.project_id, username, Action.READ_STUDIES)
        document = session.scalar(
            select(Document).where(Document.study_id == study_id).order_by(Document.id).limit(1)
        )
        if document is None:
            raise NotFound(f"study {study.key!r} has no full text yet")
        viewer = visibility(session, study.project_id, user.id)
        visible = viewer.clause
        shown = select(Coding.excerpt_id).where(visible)
        excerpts = session.scalars(
            select(Excerpt)
            .where(Excerpt.document_id == document.id, or_(Excerpt.id.in_(shown), ~Excerpt.codings.any()))
            .order_by(Excerpt.start, Excerpt.end, Excerpt.id)
            .options(
                selectinload(Excerpt.codings.and_(visible)).options(
                    joinedload(Coding.code), joinedload(Coding.coder)
                )
            )
        ).all()
        memos = _excerpt_memos(session, [e.id for e in excerpts], memos_visible(viewer))
        return DocumentView(
            study.project_id, study.id, study.key, short_citation(study.authors, study.year), study.title,
            document.id, document.text, tuple(document.page_starts),
            tuple(_excerpt_view(e, memos.get(e.id, "")) for e in excerpts),
        )  # fmt: skip


def document_revision(store: Store, username: str, study_id: int) -> tuple[object, ...]:
    """A fingerprint of everything :func:`document_view` shows for a study, in four small queries:
    while it is unchanged, a view read earlier is still current."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        require(session, study.project_id, username, Action.READ_STUDIES)
        document_id = (
            select(Document.id).where(Document.study_id == study_id).order_by(Document.id).limit(1)
        ).scalar_subquery()
        excerpt_ids = select(Excerpt.id).where(Excerpt.document_id == document_id)
        rows = [
            select(document_id),
            select(func.count(Excerpt.id), func.sum(Excerpt.id)).where(Excerpt.document_id == document_id),
            _fingerprint(Coding).where(Coding.excerpt_id.in_(excerpt_ids)),
            _fingerprint(Memo).where(Memo.target_type == MemoTarget.EXCERPT, Memo.target_id.in_(excerpt_ids)),
            _fingerprint(Code).where(Code.project_id == study.project_id),
        ]
        first, *values = one_row(session, rows)  # one statement
        return (study.id, study.version_id, first, *(str(v) for v in values))


def _fingerprint(model: type[Coding] | type[Memo] | type[Code]) -> Select[int, int, int, datetime]:
    """How many rows, which ids, how often edited and when last: any insert, delete or edit shows."""
    return select(
        func.count(model.id), func.sum(model.id), func.sum(model.version_id), func.max(model.updated_at)
    )


def _excerpt_memos(session: Session, excerpt_ids: list[int], shown: ColumnElement[bool]) -> dict[int, str]:
    if not excerpt_ids:
        return {}
    rows = session.execute(
        select(Memo.target_id, Memo.body)
        .where(Memo.target_type == MemoTarget.EXCERPT, Memo.target_id.in_(excerpt_ids), shown)
        .order_by(Memo.id)
    )
    out: dict[int, list[str]] = {}
    for target_id, body in rows:
        if target_id is not None:
            out.setdefault(target_id, []).append(body)
    return {k: "\n\n".join(v) for k, v in out.items()}


def _excerpt_view(excerpt: Excerpt, memo: str) -> ExcerptView:
    codings = sorted(excerpt.codings, key=lambda c: c.id)
    return ExcerptView(
        excerpt.id, excerpt.start, excerpt.end, excerpt.text, excerpt.page, memo,
        tuple(_coding_view(c) for c in codings),
    )  # fmt: skip


def _coding_view(c: Coding) -> CodingView:
    return CodingView(
        c.id, c.code_id, c.code.name, c.code.kind, c.code.colour, c.coder.username, c.mode, c.origin,
        c.theory_reference, c.version_id,
    )  # fmt: skip


def code_options(store: Store, username: str, project_id: int) -> list[CodeOption]:
    """Every code of the project with its path; the user's most recently used codes first, then by path."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.READ_STUDIES)
        codes = session.scalars(select(Code).where(Code.project_id == project_id)).all()
        usage = session.execute(
            select(Coding.code_id, func.count(Coding.id), func.max(Coding.created_at))
            .join(Code, Code.id == Coding.code_id)
            .where(Code.project_id == project_id, Coding.coder_id == user.id)
            .group_by(Coding.code_id)
        )
        used = {code_id: (int(n), last) for code_id, n, last in usage}
    paths = code_paths({c.id: c.name for c in codes}, {c.id: c.parent_id for c in codes})
    options = [
        CodeOption(c.id, c.name, paths[c.id], c.kind, c.colour, *used.get(c.id, (0, None))) for c in codes
    ]
    options.sort(key=lambda o: o.path.casefold())
    options.sort(key=lambda o: o.last_used.timestamp() if o.last_used else float("-inf"), reverse=True)
    return options


def _document(session: Session, document_id: int) -> tuple[Document, int]:
    document = session.get(Document, document_id, options=[joinedload(Document.study)])
    if document is None:
        raise NotFound(f"document {document_id} does not exist")
    return document, document.study.project_id


def _writer(session: Session, project_id: int, username: str, coder_ids: Sequence[int] = ()) -> User:
    """The acting user if they may code, and change the codings of ``coder_ids`` (others' need the owner)."""
    return require_for_work(session, project_id, username, Action.CODE, coder_ids)


def _project_codes(session: Session, project_id: int, code_ids: Sequence[int]) -> dict[int, Code]:
    codes = {c.id: c for c in session.scalars(select(Code).where(Code.id.in_(list(code_ids))))}
    wrong = [i for i in code_ids if i not in codes or codes[i].project_id != project_id]
    if wrong:
        raise NotFound(f"{len(wrong)} of the chosen codes are no longer in the codebook; pick again")
    return codes


def code_span(
    store: Store,
    username: str,
    document_id: int,
    start: int,
    end: int,
    code_ids: Sequence[int],
    mode: CodingMode,
    memo: str = "",
    theory_reference: str = "",
) -> CodingAction:
    """Code ``[start, end)`` of a document with each code (reusing an excerpt of exactly that span);
    codes this coder already applied there are skipped. Returns the undoable action."""
    with store.transaction() as session:
        return code_in(session, username, document_id, start, end, code_ids, mode, memo=memo,
                       theory_reference=theory_reference)  # fmt: skip


def code_in(
    session: Session,
    username: str,
    document_id: int,
    start: int,
    end: int,
    code_ids: Sequence[int],
    mode: CodingMode,
    *,
    memo: str = "",
    theory_reference: str = "",
    origin: CodingOrigin = CodingOrigin.HUMAN,
    suggestion_model_id: int | None = None,
) -> CodingAction:
    """The one write path of a coding, inside the caller's transaction: coding a selection by hand
    and accepting a suggestion both come here (same access check, span rule, codes check and audit
    entries), and both get an undoable action."""
    if not code_ids:
        raise Invalid("choose at least one code")
    document, project_id = _document(session, document_id)
    user = _writer(session, project_id, username)
    codes = _project_codes(session, project_id, code_ids)
    writer = ActionWriter(session, project_id, user.id, document)
    template = CodingRecord(
        0, 0, start, end, 0, "", user.id, CodingMode(mode), origin, theory_reference.strip(),
        suggestion_model_id=suggestion_model_id,
    )  # fmt: skip
    excerpt, created = writer.code(start, end, [codes[i] for i in dict.fromkeys(code_ids)], template)
    memos = (writer.add_memo(excerpt, memo.strip()),) if memo.strip() else ()
    return CodingAction(ActionKind.CODED, document.id, created, memos)


def _load_codings(session: Session, coding_ids: Sequence[int]) -> list[Coding]:
    found = session.scalars(
        select(Coding)
        .where(Coding.id.in_(list(coding_ids)))
        .options(joinedload(Coding.excerpt), joinedload(Coding.code))
    ).all()
    return list(found)


def remove_codings(store: Store, username: str, coding_ids: Sequence[int]) -> CodingAction:
    """Delete codings of one document (an excerpt left without codings goes too); returns the undoable
    action, holding everything needed to put them back."""
    if not coding_ids:
        raise Invalid("choose at least one coding to remove")
    with store.transaction() as session:
        codings = _load_codings(session, coding_ids)
        missing = sorted(set(coding_ids) - {c.id for c in codings})
        if missing:
            raise NotFound(f"codings {missing} do not exist (removed meanwhile?)")
        documents = {c.excerpt.document_id for c in codings}
        if len(documents) != 1:
            raise Invalid("remove codings of one document at a time")
        document, project_id = _document(session, documents.pop())
        user = _writer(session, project_id, username, [c.coder_id for c in codings])
        return ActionWriter(session, project_id, user.id, document).remove(codings)


def update_coding(
    store: Store,
    username: str,
    coding_id: int,
    mode: CodingMode,
    theory_reference: str,
    expected_version: int,
) -> CodingView:
    """Change a coding's mode and theory link, refusing an edit made on a stale version."""
    with stale_as_conflict(f"coding {coding_id}"), store.transaction() as session:
        codings = _load_codings(session, [coding_id])
        if not codings:
            raise NotFound(f"coding {coding_id} does not exist (removed meanwhile?)")
        coding = codings[0]
        document, project_id = _document(session, coding.excerpt.document_id)
        user = _writer(session, project_id, username, [coding.coder_id])
        check_version(coding.version_id, expected_version, f"the coding {coding.code.name!r}")
        before = coding_audit(coding, coding.excerpt)
        coding.mode, coding.theory_reference = CodingMode(mode), theory_reference.strip()
        session.flush()
        writer = ActionWriter(session, project_id, user.id, document)
        writer.audit(AuditAction.UPDATE, "coding", coding.id, before=before,
                     after=coding_audit(coding, coding.excerpt))  # fmt: skip
        return _coding_view(coding)


def undo(store: Store, username: str, action: CodingAction) -> CodingAction:
    """Reverse an action: take out what it coded, or put back what it removed. Undoing the returned
    action redoes the original."""
    with store.transaction() as session:
        document, project_id = _document(session, action.document_id)
        user = _writer(session, project_id, username, [c.coder_id for c in action.codings])
        writer = ActionWriter(session, project_id, user.id, document)
        if action.kind is ActionKind.CODED:
            codings, memo_ids = _still_as_made(session, action)
            return writer.remove(codings, memo_ids)
        wanted = [c.code_id for c in action.codings]
        codes = session.scalars(select(Code).where(Code.project_id == project_id, Code.id.in_(wanted)))
        return writer.restore(action, {c.id: c for c in codes})


def _still_as_made(session: Session, action: CodingAction) -> tuple[list[Coding], list[int]]:
    """The codings and memos of a coding action that still exist as it made them (ids can be reused
    once a row is gone, so a row with the same id but other content is left alone)."""
    made = {c.coding_id: c for c in action.codings}
    codings = [
        c
        for c in _load_codings(session, list(made))
        if (c.code_id, c.coder_id, c.excerpt.document_id, c.excerpt.start, c.excerpt.end)
        == (made[c.id].code_id, made[c.id].coder_id, action.document_id, made[c.id].start, made[c.id].end)
    ]
    wanted = {m.memo_id: m for m in action.memos}
    memos = session.scalars(select(Memo).where(Memo.id.in_(list(wanted)))).all()
    memo_ids = [
        m.id for m in memos if (m.target_type, m.target_id, m.body) == (
            MemoTarget.EXCERPT, wanted[m.id].excerpt_id, wanted[m.id].body
        )
    ]  # fmt: skip
    return codings, memo_ids
