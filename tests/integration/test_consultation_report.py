"""The consultation report opens in Word and Excel and holds the session's figures, comments and changes;
a comment that looks like a formula stays text in the workbook."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from tests.integration.test_consultation_theory import OWNER, _answer, answered  # noqa: F401  (fixture)
from workbench.services.consultation_report import build_report, report_file
from workbench.services.consultation_theory import Decision, apply_consultation


def _revised(answered):  # noqa: F811
    store, project_id, session_id, first, _second = answered
    cited = _answer(store, session_id, first.id, "Only when")
    apply_consultation(
        store, OWNER, project_id, session_id,
        [Decision(first.id, "revised", "peers share their story first", [cited.id], "Reworded")], "After",
    )  # fmt: skip
    return store, session_id, first


def test_the_report_holds_per_card_figures_participants_comments_missing_and_changes(answered):  # noqa: F811
    store, session_id, first = _revised(answered)
    report = build_report(store, OWNER, session_id)
    card = next(c for c in report.cards if c.label == first.label)
    assert (card.n, card.mean, card.distribution) == (3, 3.67, {1: 0, 2: 1, 3: 0, 4: 1, 5: 1})
    assert [p.pseudonym for p in report.participants] == ["Participant 1", "Participant 2", "Participant 3"]
    (change,) = report.changes
    assert (change.version, change.status, change.statement_after) == ("After", "revised", "Reworded")
    assert change.cited == ("Participant 1 (rated 2): Only when the worker shares their story",)


def test_the_docx_opens_and_holds_the_session_figures_and_the_change(answered):  # noqa: F811
    store, session_id, first = _revised(answered)
    document = Document(io.BytesIO(report_file(store, OWNER, session_id, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Stakeholder consultation report: Peer workers panel" in text
    assert "Participants by role and pseudonym" in text
    ratings = next(t for t in document.tables if t.rows[0].cells[0].text == "CMOC" and len(t.columns) == 9)
    row = next(r for r in ratings.rows if r.cells[0].text == first.label)
    assert [c.text for c in row.cells[2:]] == ["3", "3.67", "0", "1", "0", "1", "1"]
    assert "feeling heard" in cells and "Reworded" in cells


def test_the_xlsx_opens_with_number_cells_and_a_formula_comment_stays_text(answered):  # noqa: F811
    store, session_id, first = _revised(answered)
    book = load_workbook(io.BytesIO(report_file(store, OWNER, session_id, "xlsx")))
    assert book.sheetnames == ["Session", "Participants", "Ratings", "Comments", "Missing", "Changes"]
    ratings = {row[0]: row for row in book["Ratings"].iter_rows(min_row=2, values_only=True)}
    assert ratings[first.label][2:] == (3, 3.67, 0, 1, 0, 1, 1)
    comments = [row[3] for row in book["Comments"].iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1)" in comments
    assert all(c.data_type == "s" for c in book["Comments"]["D"])
