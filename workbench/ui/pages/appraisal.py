"""Appraisal page: the realist judgement of relevance and rigour, and the optional CASP checklist."""

import streamlit as st

from workbench.domain.appraisal import CASP_QUESTIONS, CaspAnswer, casp_summary
from workbench.services.access import Action
from workbench.services.appraisal import Appraisal, get_appraisal, save_appraisal
from workbench.services.studies import list_studies
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.permissions import page_needs
from workbench.ui.widgets import require_project

project = require_project()
st.title("Appraisal")
page_needs(Action.READ_STUDIES)
store, user = resources.store(), resources.username()
rows = list_studies(store, user, project.id)
if not rows:
    st.info("No studies yet: add them on the **Import** page.")
    st.stop()

labels = {r.id: f"{r.citation}: {r.title[:80]}" for r in rows}
study_id = st.selectbox("Study", list(labels), format_func=labels.get, key="appraisal_study")
current = get_appraisal(store, user, study_id)
ratings = ["", "high", "moderate", "low"]

with st.form(f"appraisal_{study_id}"):
    st.subheader("Realist appraisal")
    left, right = st.columns(2)
    relevance = left.radio("Relevance", ratings, index=ratings.index(current.relevance), horizontal=True,
                           format_func=lambda v: v or "not rated")  # fmt: skip
    relevance_note = left.text_area("Why (relevance)", current.relevance_note)
    rigour = right.radio("Rigour", ratings, index=ratings.index(current.rigour), horizontal=True,
                         format_func=lambda v: v or "not rated")  # fmt: skip
    rigour_note = right.text_area("Why (rigour)", current.rigour_note)
    st.subheader("CASP qualitative checklist (optional)")
    answers = ["", *(a.value for a in CaspAnswer)]
    casp = {}
    for number, question in enumerate(CASP_QUESTIONS, start=1):
        key = str(number)
        casp[key] = st.radio(
            f"{number}. {question}", answers, index=answers.index(current.casp.get(key, "")), horizontal=True,
            format_func=lambda v: v or "unanswered", key=f"casp_{study_id}_{key}",
        )  # fmt: skip
    st.caption(f"CASP total: {casp_summary(current.casp) or 'not started'}")
    if st.form_submit_button("Save appraisal", type="primary", key="save_appraisal"):
        edited = Appraisal(
            current.study_id, current.citation, current.title, relevance, relevance_note, rigour, rigour_note,
            {k: v for k, v in casp.items() if v}, current.version,
        )  # fmt: skip
        with reported():
            save_appraisal(store, user, edited)
            st.success(f"Saved. CASP total: {casp_summary(edited.casp) or 'not started'}")
