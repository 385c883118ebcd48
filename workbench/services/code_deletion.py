"""Deleting a code with everything that hangs on it, and undoing that from a snapshot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, delete, insert, or_, select
from sqlalchemy.orm import Session

from workbench.domain.codebook import CodebookError, subtree
from workbench.services.access import Action, require_for_work
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
from workbench.store.base import Base
from workbench.store.db import Store
from workbench.store.enums import AuditAction, MemoTarget
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
    SuggestionModel,
    User,
)

Row = dict[str, Any]


def _table(model: type[Base]) -> Table:
    return Base.metadata.tables[model.__tablename__]


CODES, CODINGS, CONFIGURATIONS, DOCUMENTS = (_table(m) for m in (Code, Coding, Configuration, Document))
ELEMENTS, EVIDENCE, EXCERPTS = (_table(m) for m in (ConfigurationElement, ElementEvidence, Excerpt))
MEMOS, MODELS, USERS = _table(Memo), _table(SuggestionModel), _table(User)


@dataclass(frozen=True)
class DeletionImpact:
    """What deleting a code takes with it, for the confirmation."""

    code: str
    sub_codes: int
    codings: int
    excerpts: int  # excerpts left with no code at all, deleted too
    configuration_elements: int
    configurations: tuple[str, ...]  # labels of the configurations that lose an element
    memos: int  # memos on the code, its sub-codes or the deleted excerpts
    others: tuple[str, ...] = ()  # logins of the other members whose codings would go (sorted)


@dataclass(frozen=True)
class DeletedCode:
    """Everything a code deletion removed, enough to put it all back (rows as column -> value)."""

    project_id: int
    code_id: int
    impact: DeletionImpact
    codes: tuple[Row, ...]  # parents before children
    excerpts: tuple[Row, ...]
    codings: tuple[Row, ...]
    elements: tuple[Row, ...]
    evidence: tuple[Row, ...]
    status_evidence: tuple[tuple[int, tuple[int, ...]], ...]  # configuration id -> coding ids taken out
    decisions: tuple[tuple[int, int], ...]  # suggestion decision id -> its coding id
    memos: tuple[Row, ...]


@dataclass(frozen=True)
class _Doomed:
    code_ids: list[int]
    coding_ids: list[int]
    excerpt_ids: list[int]
    element_ids: list[int]
    memo_ids: list[int]
    coders: dict[int, str]  # coder id -> login, for the codings that would go


def codings_under(session: Session, code_ids: Iterable[int]) -> tuple[list[int], dict[int, str]]:
    """The ids of the codings made with any of the codes, and their coders (id -> login), in one query."""
    rows = session.execute(
        select(Coding.id, Coding.coder_id, User.username)
        .join(User, Coding.coder_id == User.id)
        .where(Coding.code_id.in_(list(code_ids)))
        .order_by(Coding.id)
    ).all()
    return [coding_id for coding_id, _coder, _login in rows], {coder: login for _id, coder, login in rows}


def others_than(coders: dict[int, str], user_id: int) -> tuple[str, ...]:
    """The logins of the coders other than the acting user, sorted: whose work a removal would take."""
    return tuple(sorted(login for coder, login in coders.items() if coder != user_id))


def _doomed(session: Session, code: Code) -> _Doomed:
    code_ids = subtree(parent_map(session, code.project_id), code.id)
    coding_ids, coders = codings_under(session, code_ids)
    touched = set(session.scalars(select(Coding.excerpt_id).where(Coding.code_id.in_(code_ids))))
    kept = set(
        session.scalars(
            select(Coding.excerpt_id).where(Coding.excerpt_id.in_(touched), Coding.code_id.not_in(code_ids))
        )
    )
    element_ids = session.scalars(
        select(ConfigurationElement.id).where(ConfigurationElement.code_id.in_(code_ids))
    )
    excerpt_ids = sorted(touched - kept)
    memo_ids = session.scalars(
        select(Memo.id).where(
            or_(
                and_(Memo.target_type == MemoTarget.CODE, Memo.target_id.in_(code_ids)),
                and_(Memo.target_type == MemoTarget.EXCERPT, Memo.target_id.in_(excerpt_ids)),
            )
        )
    )
    return _Doomed(code_ids, coding_ids, excerpt_ids, sorted(element_ids), sorted(memo_ids), coders)


def _impact(session: Session, code: Code, doomed: _Doomed, user_id: int) -> DeletionImpact:
    labels = session.scalars(
        select(Configuration.label)
        .join(ConfigurationElement, ConfigurationElement.configuration_id == Configuration.id)
        .where(ConfigurationElement.id.in_(doomed.element_ids))
        .distinct()
        .order_by(Configuration.label)
    )
    return DeletionImpact(
        code.name, len(doomed.code_ids) - 1, len(doomed.coding_ids), len(doomed.excerpt_ids),
        len(doomed.element_ids), tuple(labels), len(doomed.memo_ids), others_than(doomed.coders, user_id),
    )  # fmt: skip


def deletion_impact(store: Store, username: str, code_id: int) -> DeletionImpact:
    """How many sub-codes, codings, excerpts and configuration elements would go with the code, and
    whose codings other than the user's (only an owner may delete those: the page says so beforehand)."""
    with store.transaction() as session:
        code, user = load_code(session, code_id, username, Action.READ_STUDIES)
        return _impact(session, code, _doomed(session, code), user.id)


def _rows(session: Session, table: Table, ids: Iterable[int], column: str = "id") -> tuple[Row, ...]:
    ids = list(ids)
    if not ids:
        return ()
    found = session.execute(select(table).where(table.c[column].in_(ids)).order_by(table.c.id)).mappings()
    return tuple(dict(row) for row in found)


def _snapshot(
    session: Session,
    code: Code,
    doomed: _Doomed,
    status_evidence: tuple[tuple[int, tuple[int, ...]], ...],
    user_id: int,
) -> DeletedCode:
    codes = {row["id"]: row for row in _rows(session, CODES, doomed.code_ids)}
    evidence = {
        row["id"]: row
        for ids, column in ((doomed.element_ids, "element_id"), (doomed.coding_ids, "coding_id"))
        for row in _rows(session, EVIDENCE, ids, column)
    }
    decisions = session.execute(
        select(SuggestionDecision.id, SuggestionDecision.coding_id).where(
            SuggestionDecision.coding_id.in_(doomed.coding_ids)
        )
    )
    return DeletedCode(
        code.project_id, code.id, _impact(session, code, doomed, user_id),
        tuple(codes[i] for i in doomed.code_ids), _rows(session, EXCERPTS, doomed.excerpt_ids),
        _rows(session, CODINGS, doomed.coding_ids),
        _rows(session, ELEMENTS, doomed.element_ids),
        tuple(evidence[i] for i in sorted(evidence)), status_evidence,
        tuple((d, c) for d, c in decisions if c is not None), _rows(session, MEMOS, doomed.memo_ids),
    )  # fmt: skip


def _take_status_evidence(
    session: Session, project_id: int, doomed: _Doomed
) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """Take the doomed codings out of configurations' status evidence; returns what was taken."""
    gone, taken = set(doomed.coding_ids), []
    for config in session.scalars(select(Configuration).where(Configuration.project_id == project_id)).all():
        cited = gone.intersection(config.status_evidence)
        if cited:
            config.status_evidence = [i for i in config.status_evidence if i not in cited]
            taken.append((config.id, tuple(sorted(cited))))
    return tuple(taken)


def delete_code(
    store: Store, username: str, code_id: int, *, expected_version: int | None = None
) -> DeletedCode:
    """Delete a code, its sub-codes, their codings, excerpts left without codes, and the configuration
    elements that use them; returns a snapshot that :func:`restore_code` can put back."""
    with editing(store) as session:
        code, user = load_code_to_remove(session, code_id, username)
        check_version(code, expected_version)
        doomed = _doomed(session, code)
        taken = _take_status_evidence(session, code.project_id, doomed)
        snapshot = _snapshot(session, code, doomed, taken, user.id)
        parent_id = code.parent_id
        audit(
            session, user, code.project_id, AuditAction.DELETE, code.id,
            before=code_dict(code) | {"code_id": code.id, "sub_code_ids": doomed.code_ids[1:]},
            after=_counts(snapshot.impact),
        )  # fmt: skip
        # the database cascades remove sub-codes, codings, elements and evidence with the code
        session.delete(code)
        session.flush()
        if doomed.memo_ids:
            session.execute(delete(Memo).where(Memo.id.in_(doomed.memo_ids)))
        if doomed.excerpt_ids:
            session.execute(delete(Excerpt).where(Excerpt.id.in_(doomed.excerpt_ids)))
        renumber(siblings(session, snapshot.project_id, parent_id))
        return snapshot


def _counts(impact: DeletionImpact) -> Row:
    return {
        "sub_codes": impact.sub_codes, "codings": impact.codings, "excerpts": impact.excerpts,
        "configuration_elements": impact.configuration_elements,
        "configurations": list(impact.configurations), "memos": impact.memos,
    }  # fmt: skip


class _Restorer:
    """Puts snapshot rows back, keeping their ids where free and following any id that had to change."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ids: dict[str, dict[int, int]] = {}

    def existing(self, table: Table, ids: Iterable[int]) -> set[int]:
        return set(self.session.scalars(select(table.c.id).where(table.c.id.in_(list(ids)))))

    def put(self, table: Table, rows: Iterable[Row]) -> None:
        rows = list(rows)
        taken = self.existing(table, [r["id"] for r in rows])
        mapping = self.ids.setdefault(table.name, {})
        free = [row for row in rows if row["id"] not in taken]
        if free:
            self.session.execute(insert(table), free)
        mapping.update((row["id"], row["id"]) for row in free)
        for row in rows:
            if row["id"] in taken:
                values = {k: v for k, v in row.items() if k != "id"}
                new_id = self.session.scalars(insert(table).values(values).returning(table.c.id)).one()
                mapping[row["id"]] = new_id

    def resolve(self, table: Table, ids: Iterable[int]) -> dict[int, int]:
        """Old id -> id now: the restored row's, or the old one if that row still exists."""
        mapping = self.ids.get(table.name, {})
        ids = set(ids)
        present = self.existing(table, ids - mapping.keys())
        return {i: mapping.get(i, i) for i in ids if i in mapping or i in present}


def restore_code(store: Store, username: str, snapshot: DeletedCode) -> int:
    """Undo a deletion: put back the codes, excerpts, codings, configuration elements and evidence
    (those whose study or configuration still exists); returns the restored code's id."""
    with editing(store) as session:
        coders = {row["coder_id"] for row in snapshot.codings}
        user = require_for_work(session, snapshot.project_id, username, Action.DELETE_CODES, coders)
        root = snapshot.codes[0]
        again = session.get(Code, root["id"])
        if again is not None and (again.project_id, again.name) == (snapshot.project_id, root["name"]):
            raise CodebookError(f"code {root['name']!r} is already back")
        r = _Restorer(session)
        _put_codes(session, r, snapshot)
        _put_codings(r, snapshot)
        _put_links(session, r, snapshot)
        _put_memos(r, snapshot)
        code_id = r.ids["codes"][root["id"]]
        after = code_dict(session.get_one(Code, code_id)) | {"restored": True, **_counts(snapshot.impact)}
        audit(session, user, snapshot.project_id, AuditAction.CREATE, code_id, after=after)
        return code_id


def _put_codes(session: Session, r: _Restorer, snapshot: DeletedCode) -> None:
    root, *rest = snapshot.codes
    parent = root["parent_id"]
    if parent is not None and not r.existing(CODES, [parent]):
        parent = None  # the parent went meanwhile: the code comes back at the root level
    r.put(CODES, [root | {"parent_id": parent}])
    for row in rest:  # parents first, so every parent id is already known
        r.put(CODES, [row | {"parent_id": r.ids["codes"][row["parent_id"]]}])
    place = siblings(session, snapshot.project_id, parent)
    code = session.get_one(Code, r.ids["codes"][root["id"]])
    place.remove(code)
    place.insert(min(root["position"], len(place)), code)
    renumber(place)


def _put_codings(r: _Restorer, snapshot: DeletedCode) -> None:
    documents = r.existing(DOCUMENTS, {row["document_id"] for row in snapshot.excerpts})
    r.put(EXCERPTS, [row for row in snapshot.excerpts if row["document_id"] in documents])
    excerpts = r.resolve(EXCERPTS, {row["excerpt_id"] for row in snapshot.codings})
    users = r.existing(USERS, {row["coder_id"] for row in snapshot.codings})
    models = r.existing(MODELS, {row["suggestion_model_id"] for row in snapshot.codings} - {None})
    codings = []
    for row in snapshot.codings:
        if row["excerpt_id"] not in excerpts or row["coder_id"] not in users:
            continue  # its study was deleted meanwhile
        model = row["suggestion_model_id"] if row["suggestion_model_id"] in models else None
        code = r.ids["codes"][row["code_id"]]
        codings.append(
            row | {"excerpt_id": excerpts[row["excerpt_id"]], "code_id": code, "suggestion_model_id": model}
        )
    r.put(CODINGS, codings)


def _put_links(session: Session, r: _Restorer, snapshot: DeletedCode) -> None:
    configs = r.existing(CONFIGURATIONS, {row["configuration_id"] for row in snapshot.elements})
    elements = [row for row in snapshot.elements if row["configuration_id"] in configs]
    r.put(ELEMENTS, [row | {"code_id": r.ids["codes"][row["code_id"]]} for row in elements])
    element_ids = r.resolve(ELEMENTS, {row["element_id"] for row in snapshot.evidence})
    coding_ids = r.resolve(CODINGS, {row["coding_id"] for row in snapshot.evidence})
    evidence = [
        row | {"element_id": element_ids[row["element_id"]], "coding_id": coding_ids[row["coding_id"]]}
        for row in snapshot.evidence
        if row["element_id"] in element_ids and row["coding_id"] in coding_ids
    ]
    r.put(EVIDENCE, evidence)
    restored = r.ids.get("codings", {})
    for config_id, cited in snapshot.status_evidence:
        config = session.get(Configuration, config_id)
        if config is not None:
            back = {restored[i] for i in cited if i in restored}
            config.status_evidence = sorted(set(config.status_evidence) | back)
    for decision_id, coding_id in snapshot.decisions:
        decision = session.get(SuggestionDecision, decision_id)
        if decision is not None and decision.coding_id is None and coding_id in restored:
            decision.coding_id = restored[coding_id]


def _put_memos(r: _Restorer, snapshot: DeletedCode) -> None:
    authors = r.existing(USERS, {row["author_id"] for row in snapshot.memos} - {None})
    memos = []
    for row in snapshot.memos:
        table = "codes" if row["target_type"] == MemoTarget.CODE else "excerpts"
        target = r.ids.get(table, {}).get(row["target_id"])
        if target is not None:
            author = row["author_id"] if row["author_id"] in authors else None
            memos.append(row | {"target_id": target, "author_id": author})
    r.put(MEMOS, memos)
