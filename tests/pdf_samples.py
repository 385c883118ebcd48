"""Generated PDF fixtures: a two-column, BMJ-Open-like realist review with its metadata only on the page."""

from __future__ import annotations

import datetime

from fpdf import FPDF

TITLE = "Peer support workers and engagement in community mental health care: a realist review"
AUTHORS = ["Okafor, Amina", "Reyes, Jonathan", "Chen, Mei Lin"]
YEAR = 2024
DOI = "10.1136/bmjopen-2024-012345"
JOURNAL = "BMJ Open"
CAPTION = "Figure 1 Flow of studies through the review, from searches to inclusion."

_LEFT, _RIGHT, _COLUMN = 15.0, 110.0, 85.0
_TO_CITE = (
    "To cite: Okafor A, Reyes J, Chen ML. Peer support workers and engagement in community mental "
    f"health care: a realist review. BMJ Open 2024;14:e012345. doi:{DOI}"
)
_FRONT = [
    "Prepublication history for this paper is available online.",
    "Received 12 January 2023",
    "Accepted 3 May 2024",
    "© Author(s) (or their employer(s)) 2024. Re-use permitted under CC BY-NC.",
    "1 Department of Psychiatry, University of Lagos, Lagos, Nigeria",
    "2 School of Health Sciences, University of Leeds, Leeds, UK",
    "3 Centre for Mental Health Research, Hong Kong, China",
]
_ABSTRACT = (
    "Objectives Peer support workers are people with lived experience of mental illness who are employed "
    "to support others. This realist review asks how, for whom and in what circumstances peer support "
    "increases engagement with community mental health services. Design A realist review following the "
    "RAMESES publication standards. Data sources Searches of five databases found 1204 records, of which "
    "thirty-one studies were included after screening the full texts of the papers that were retrieved "
    "and checked by two reviewers working independently of each other."
)
_BODY_BEFORE = (
    "Results Trust grew when peer workers disclosed their own experience at the right moment, and members "
    "who felt understood came back to the service more often than those who"
)
_BODY_AFTER = (
    "did not, especially in the first weeks after discharge from hospital. Conclusions Disclosure, "
    "shared identity and flexible contact were the mechanisms most often described across the studies."
)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _block(pdf: FPDF, text: str, x: float, y: float, size: float, step: float) -> float:
    """Draw ``text`` wrapped to a column from (x, y); returns the y below it."""
    pdf.set_font("Helvetica", size=size)
    for line in _wrap(pdf, text, _COLUMN):
        pdf.text(x, y, line)
        y += step
    return y


def _author(pdf: FPDF, x: float, y: float, name: str, mark: str) -> float:
    pdf.set_font("Helvetica", size=11)
    pdf.text(x, y, name)
    x += pdf.get_string_width(name) + 0.3
    pdf.set_font("Helvetica", size=7)
    pdf.text(x, y - 1.8, mark)
    return x + pdf.get_string_width(mark) + 2.5


def bmj_open_like_pdf() -> bytes:
    """Page 1 of a BMJ Open review (header, big title, authors, "To cite" with the DOI, two columns
    with a figure caption in the middle of a sentence) and a second page of body text."""
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))  # the same bytes every time
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", size=10)
    pdf.text(_LEFT, 12, "BMJ Open")
    pdf.text(170, 12, "Open access")
    pdf.set_font("Helvetica", size=9)
    pdf.text(_LEFT, 22, "Original research")
    pdf.set_font("Helvetica", "B", size=18)
    y = 34.0
    for line in _wrap(pdf, TITLE, 175):
        pdf.text(_LEFT, y, line)
        y += 8
    x = _LEFT
    for name, mark in (("Amina Okafor", "1"), ("Jonathan Reyes", "2"), ("Mei Lin Chen", "1,3")):
        x = _author(pdf, x, y + 4, name, mark)
    top = y + 16
    left_y = _block(pdf, _TO_CITE, _LEFT, top, 8, 3.6) + 3
    for item in _FRONT:
        left_y = _block(pdf, item, _LEFT, left_y, 8, 3.6) + 2
    pdf.set_font("Helvetica", "B", size=9)
    pdf.text(_RIGHT, top, "ABSTRACT")
    right_y = _block(pdf, _ABSTRACT, _RIGHT, top + 5, 9, 4.2)
    right_y = _block(pdf, _BODY_BEFORE, _RIGHT, right_y, 9, 4.2) + 2
    pdf.set_draw_color(120)
    pdf.rect(_RIGHT, right_y, _COLUMN, 30)
    right_y = _block(pdf, CAPTION, _RIGHT, right_y + 35, 8, 3.6) + 3
    _block(pdf, _BODY_AFTER, _RIGHT, right_y, 9, 4.2)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", size=10)
    pdf.text(_LEFT, 12, "Open access")
    _block(pdf, "Introduction " + _ABSTRACT, _LEFT, 25, 9, 4.2)
    _block(pdf, "Methods " + _BODY_BEFORE + " " + _BODY_AFTER, _RIGHT, 25, 9, 4.2)
    return bytes(pdf.output())
