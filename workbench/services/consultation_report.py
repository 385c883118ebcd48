"""The consultation report: session, participants, ratings, comments and changes, as DOCX or XLSX."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from workbench.domain.consultation_report import (
    ConsultationReport,
    ReportAnswer,
    ReportCard,
    ReportChange,
    ReportParticipant,
)
from workbench.domain.consultations import ConsultationMode, summarise
from workbench.exporters.consultation_report import report_docx, report_xlsx
from workbench.services.access import Action, require
from workbench.services.consultation_answers import aware, consultation
from workbench.services.consultation_theory import session_changes
from workbench.services.consultations import card_answers
from workbench.services.errors import Invalid
from workbench.store.consultation_models import ConsultationParticipant
from workbench.store.db import Store
from workbench.store.models import Project

REPORT_FORMATS = ("docx", "xlsx")


def _day(moment: datetime | None) -> str:
    stamp = aware(moment)
    return stamp.strftime("%d %B %Y %H:%M UTC") if stamp else ""


def build_report(store: Store, username: str, session_id: int) -> ConsultationReport:
    """What the report says about the session (withdrawn participants' answers left out)."""
    with store.transaction() as session:
        found = consultation(session, session_id)
        require(session, found.project_id, username, Action.RUN_CONSULTATIONS)
        project = session.get(Project, found.project_id)
        people = session.scalars(
            select(ConsultationParticipant)
            .where(ConsultationParticipant.session_id == session_id)
            .order_by(ConsultationParticipant.id)
        ).all()
        kept = {p.id: p for p in people if p.revoked_at is None}
        cards, labels, answers = card_answers(session, session_id)
        report_cards = []
        for card in cards:
            mine = [a for a in answers if a.configuration_id == card.configuration_id]
            ratings = [a.rating for a in mine if a.rating is not None]
            summary = summarise(ratings)
            report_cards.append(
                ReportCard(
                    labels[card.configuration_id],
                    card.statement,
                    len(ratings),
                    summary.mean,
                    summary.distribution,
                    tuple(
                        ReportAnswer(
                            kept[a.participant_id].pseudonym,
                            a.rating,
                            a.comment,
                            a.missing,
                            a.kind_missing.value if a.kind_missing else None,
                        )
                        for a in mine
                    ),
                )
            )
        by_id = {a.id: a for a in answers}

        def cited(ids: tuple[int, ...]) -> tuple[str, ...]:
            out = []
            for i in ids:
                a = by_id.get(i)
                if a is not None:
                    rated = f" (rated {a.rating})" if a.rating is not None else ""
                    out.append(f"{kept[a.participant_id].pseudonym}{rated}: {a.comment or a.missing}")
            return tuple(out)

        changes = tuple(
            ReportChange(
                c.version,
                c.label,
                c.status,
                c.note,
                c.statement[0] if c.statement else "",
                c.statement[1] if c.statement else "",
                c.added,
                cited(c.cited),
            )
            for c in session_changes(session, found.project_id, session_id)
        )
        period = " to ".join(x for x in (_day(found.opens_at), _day(found.closes_at)) if x)
        return ConsultationReport(
            project.name if project else "",
            found.title,
            found.held_on.isoformat() if found.held_on else "",
            ConsultationMode(found.mode).value,
            period,
            found.purpose,
            len(cards),
            tuple(
                ReportParticipant(
                    p.pseudonym or f"Participant {n}",
                    p.perspective or ("member" if p.user_id else "invited"),
                    "signed-in member" if p.user_id else "invitation link",
                    sum(1 for a in answers if a.participant_id == p.id),
                    p.revoked_at is not None,
                )
                for n, p in enumerate(people, start=1)
            ),
            tuple(report_cards),
            changes,
        )


def report_file(store: Store, username: str, session_id: int, fmt: str) -> bytes:
    """The report as a DOCX or XLSX file."""
    if fmt not in REPORT_FORMATS:
        raise Invalid(f"a consultation report is {' or '.join(REPORT_FORMATS)}, not {fmt!r}")
    report = build_report(store, username, session_id)
    return report_docx(report) if fmt == "docx" else report_xlsx(report)
