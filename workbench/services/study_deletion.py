"""Deleting a study with everything coded in it: an owner's decision, recorded in the audit log."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select

from workbench.services.access import Action, require
from workbench.services.errors import NotFound
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, MemoTarget
from workbench.store.models import Coding, Configuration, Document, Excerpt, Memo, Study, User


def delete_study(store: Store, username: str, study_id: int) -> dict[str, object]:
    """Delete a study, its full texts, excerpts and codings (everyone's: owners only), the memos about it
    and its excerpts, and its codings cited as configuration status evidence; returns what went."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        user = require(session, study.project_id, username, Action.DELETE_STUDIES)
        excerpts = select(Excerpt.id).join(Document).where(Document.study_id == study_id)
        coding_rows = session.execute(
            select(Coding.id, User.username).join(User, User.id == Coding.coder_id)
            .where(Coding.excerpt_id.in_(excerpts))
        ).all()  # fmt: skip
        gone = {coding_id for coding_id, _ in coding_rows}
        for config in session.scalars(
            select(Configuration).where(Configuration.project_id == study.project_id)
        ):
            if gone.intersection(config.status_evidence):
                config.status_evidence = [i for i in config.status_evidence if i not in gone]
        memos = session.execute(
            delete(Memo).where(
                Memo.project_id == study.project_id,
                or_(
                    (Memo.target_type == MemoTarget.STUDY) & (Memo.target_id == study_id),
                    (Memo.target_type == MemoTarget.EXCERPT) & Memo.target_id.in_(excerpts),
                ),
            )
        )
        snapshot: dict[str, object] = {
            "key": study.key, "title": study.title,
            "excerpts": session.scalar(select(func.count()).select_from(excerpts.subquery())) or 0,
            "codings": len(coding_rows), "coders": sorted({name for _, name in coding_rows}),
            "memos": memos.rowcount,  # type: ignore[attr-defined]
        }  # fmt: skip
        record(
            session, action=AuditAction.DELETE, entity_type="study", entity_id=study_id, user_id=user.id,
            project_id=study.project_id, before=snapshot,
        )  # fmt: skip
        # the database cascades remove documents, excerpts, codings, assignments and evidence
        session.execute(
            delete(Study).where(Study.id == study_id), execution_options={"synchronize_session": False}
        )
        session.expunge_all()
        return snapshot
