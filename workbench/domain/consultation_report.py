"""A consultation report (RAMESES item on stakeholder involvement) as plain data and as titled tables."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.consultations import RATINGS
from workbench.domain.tables import Cell, Table


@dataclass(frozen=True)
class ReportParticipant:
    """Someone who took part, by pseudonym and role (names are left out of the report)."""

    pseudonym: str
    role: str
    joined_by: str  # "invitation link" or "signed-in member"
    answered: int
    withdrawn: bool


@dataclass(frozen=True)
class ReportAnswer:
    """One participant's comment or suggestion on a configuration."""

    pseudonym: str
    rating: int | None
    comment: str
    missing: str
    kind_missing: str | None


@dataclass(frozen=True)
class ReportCard:
    """Per configuration: how many rated it, the mean, the 1-5 distribution and what people said."""

    label: str
    statement: str
    n: int
    mean: float | None
    distribution: dict[int, int]
    answers: tuple[ReportAnswer, ...]


@dataclass(frozen=True)
class ReportChange:
    """A change the team made to the programme theory because of the session."""

    version: str
    label: str
    status: str
    note: str
    statement_before: str
    statement_after: str
    added: tuple[str, ...]
    cited: tuple[str, ...]  # the cited answers, as "Participant 2 (rated 2): comment"


@dataclass(frozen=True)
class ConsultationReport:
    """Everything the report says about one consultation session."""

    project: str
    title: str
    held_on: str
    mode: str
    period: str
    purpose: str
    configurations: int
    participants: tuple[ReportParticipant, ...]
    cards: tuple[ReportCard, ...]
    changes: tuple[ReportChange, ...]


def _blank(value: float | int | None) -> Cell:
    return "" if value is None else value


def report_tables(report: ConsultationReport) -> list[Table]:
    """The report as tables: session, participants, ratings, comments, missing, changes."""
    details = (
        ("Project", report.project),
        ("Session", report.title),
        ("Held on", report.held_on),
        ("Mode", report.mode),
        ("Open", report.period),
        ("Purpose", report.purpose),
        ("Configurations", report.configurations),
        ("Participants", sum(1 for p in report.participants if not p.withdrawn)),
    )
    answers = [(c, a) for c in report.cards for a in c.answers]
    return [
        Table("Session", f"Consultation session: {report.title}", ("Item", "Detail"), details, (1, 4)),
        Table(
            "Participants",
            "Participants by role and pseudonym",
            ("Pseudonym", "Role", "Joined by", "Cards answered", "Withdrawn"),
            tuple(
                (p.pseudonym, p.role, p.joined_by, p.answered, "yes" if p.withdrawn else "")
                for p in report.participants
            ),
            (2, 2, 2, 1, 1),
            "Names are not reported; withdrawn participants' answers are left out.",
        ),
        Table(
            "Ratings",
            "How true each configuration rings (1 = not at all, 5 = completely)",
            ("CMOC", "Statement", "N", "Mean", *(str(r) for r in RATINGS)),
            tuple(
                (c.label, c.statement, c.n, _blank(c.mean), *(c.distribution.get(r, 0) for r in RATINGS))
                for c in report.cards
            ),
            (1, 5, 0.6, 0.8, 0.5, 0.5, 0.5, 0.5, 0.5),
        ),
        Table(
            "Comments",
            "Participants' comments",
            ("CMOC", "Participant", "Rating", "Comment"),
            tuple((c.label, a.pseudonym, _blank(a.rating), a.comment) for c, a in answers if a.comment),
            (1, 1.5, 0.8, 6),
        ),
        Table(
            "Missing",
            "What participants said was missing",
            ("CMOC", "Participant", "Kind", "Suggestion"),
            tuple(
                (c.label, a.pseudonym, a.kind_missing or "unsaid", a.missing) for c, a in answers if a.missing
            ),
            (1, 1.5, 1, 6),
        ),
        Table(
            "Changes",
            "Changes made to the programme theory because of this session",
            ("Version", "CMOC", "Status", "Statement before", "Statement after", "Added", "Note", "Cited"),
            tuple(
                (
                    ch.version,
                    ch.label,
                    ch.status,
                    ch.statement_before,
                    ch.statement_after,
                    "; ".join(ch.added),
                    ch.note,
                    "\n".join(ch.cited),
                )
                for ch in report.changes
            ),
            (1.2, 0.8, 1, 3, 3, 2, 2, 3),
        ),
    ]
