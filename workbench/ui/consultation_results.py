"""The facilitator's "back into the theory" section: verdicts citing answers, a new version, the report."""

from __future__ import annotations

import re

import streamlit as st

from workbench.exporters.tables import MEDIA_TYPES
from workbench.services import configurations, consultations, members
from workbench.services.access import Action
from workbench.services.consultation_report import REPORT_FORMATS, report_file
from workbench.services.consultation_theory import (
    VERDICTS,
    Addition,
    CitableAnswer,
    Decision,
    apply_consultation,
    changes_of,
    citable_answers,
)
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.text import plain
from workbench.ui.widgets import prepared_download

NO_CHANGE = "no change"
_SAVED = "_consultation_theory_saved"  # (session id, version id) after a save, for the confirmation


def _quoted(answer: CitableAnswer) -> str:
    rated = f"rated {answer.rating}" if answer.rating is not None else "no rating"
    said = answer.comment or (
        f"missing {answer.kind_missing or ''}: {answer.missing}" if answer.missing else ""
    )
    return f"{answer.pseudonym} ({rated}): {said}"[:200]


def _missing(answer: CitableAnswer) -> str:
    return f"{answer.kind_missing or 'note'}: {answer.missing}"[:200]


def _file_name(title: str, fmt: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower() or "consultation"
    return f"consultation-report-{stem}.{fmt}"


def _card_form(session_id: int, card: consultations.CardResult, answers: list[CitableAnswer],
               statement: str) -> Decision | None:  # fmt: skip
    """One configuration's verdict widgets; the decision they describe (None: leave it unchanged)."""
    key = f"{session_id}-{card.configuration_id}"
    st.markdown(f"**{plain(card.label)}**: {plain(statement)}")
    mean = f"mean {card.mean:.2f}" if card.mean is not None else "no ratings"
    st.caption(plain(f"{len(card.ratings)} ratings, {mean}; {len(card.comments)} comments"))
    verdict = st.radio(
        "Verdict", [NO_CHANGE, *(v.value for v in VERDICTS)], horizontal=True, key=f"verdict-{key}"
    )
    by_id = {a.id: a for a in answers}
    cited = st.multiselect(
        "Cite participants' answers as evidence", list(by_id), format_func=lambda i: _quoted(by_id[i]),
        key=f"cite-{key}",
    )  # fmt: skip
    note = st.text_input("Why (a note kept with the status)", key=f"note-{key}")
    reworded = st.text_area("Statement", value=statement, key=f"statement-{key}")
    suggested = {a.id: a for a in answers if a.missing}
    added = st.multiselect(
        "Add what participants found missing (a code of the kind they named, or a note)",
        list(suggested), format_func=lambda i: _missing(suggested[i]), key=f"add-{key}",
    )  # fmt: skip
    if verdict == NO_CHANGE:
        return None
    return Decision(
        card.configuration_id, verdict, note, cited,
        reworded if reworded.strip() != statement.strip() else None,
        [Addition(suggested[i].kind_missing, suggested[i].missing) for i in added],
    )  # fmt: skip


def _save(project_id: int, session_id: int, results: consultations.Results) -> None:
    store, user = resources.store(), resources.username()
    answers = citable_answers(store, user, session_id)
    statements = {c.id: c.statement for c in configurations.list_configurations(store, user, project_id)}
    with st.form(f"theory-{session_id}"):
        decisions = []
        for card in results.cards:
            mine = [a for a in answers if a.configuration_id == card.configuration_id]
            decision = _card_form(
                session_id, card, mine, statements.get(card.configuration_id, card.statement)
            )
            if decision is not None:
                decisions.append(decision)
            st.divider()
        name = st.text_input("Name of the new programme theory version", value=f"After {results.title}")
        if st.form_submit_button("Save as a new programme theory version", type="primary"):
            with reported():
                version = apply_consultation(store, user, project_id, session_id, decisions, name)
                st.session_state[_SAVED] = (session_id, version)
    saved = st.session_state.get(_SAVED)
    if saved and saved[0] == session_id:
        st.success("Saved: the new version's comparison shows what changed because of this session.")


def _changes(session_id: int) -> None:
    changes = changes_of(resources.store(), resources.username(), session_id)
    if not changes:
        st.caption("Nothing in the programme theory has been changed because of this session yet.")
        return
    st.markdown("**Changed because of this session**")
    for c in changes:
        extra = f"; added {', '.join(c.added)}" if c.added else ""
        st.markdown(
            plain(f"{c.label}: {c.status} in version {c.version}, citing {len(c.cited)} answers{extra}")
        )


def _downloads(session_id: int, title: str) -> None:
    """The report, built only when asked (not on every run of the page)."""
    store, user = resources.store(), resources.username()
    for column, fmt in zip(st.columns(len(REPORT_FORMATS)), REPORT_FORMATS, strict=True):
        with column:
            prepared_download(
                fmt, ":material/description:", lambda fmt=fmt: report_file(store, user, session_id, fmt),
                f"Consultation report ({fmt.upper()})", MEDIA_TYPES[fmt], _file_name(title, fmt), session_id,
            )  # fmt: skip


def theory_panel(project_id: int, session_id: int) -> None:
    """From a session's results: mark configurations citing answers, save a version; download the report."""
    store, user = resources.store(), resources.username()
    if Action.RUN_CONSULTATIONS not in members.allowed(store, user, project_id):
        st.info("Your role in this project does not let you run consultations.")
        return
    with reported():
        results = consultations.results(store, user, session_id, project_id)
        st.subheader("Back into the programme theory")
        st.caption(
            "Mark each configuration supported, revised or refuted, citing what participants said; "
            "saving creates a programme theory version that records this session as the cause."
        )
        # the live tab refreshes itself; this form is drawn when the page runs, so answers that came in
        # since then appear after a rerun (a button press reruns the page)
        st.button("Load the latest answers", icon=":material/refresh:", key=f"theory-refresh-{session_id}")
        _save(project_id, session_id, results)
        _changes(session_id)
        st.subheader("Consultation report")
        _downloads(session_id, results.title)
