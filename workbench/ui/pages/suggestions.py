"""Suggestions page: suggested excerpts across studies to accept, edit then accept, reject, or open
in the reader; the active pipeline, the current model's held-out precision and recall, and retraining."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.domain.configurations import CodingMode
from workbench.services import suggestion_jobs as jobs
from workbench.services.access import Action
from workbench.services.errors import ServiceError
from workbench.services.studies import list_studies
from workbench.services.suggestion_revision import queue_revision
from workbench.services.suggestions import (
    ModelInfo,
    Suggestion,
    accept_suggestion,
    active_pipeline,
    current_model,
    project_codes,
    reject_suggestion,
    span_text,
    suggestion_queue,
)
from workbench.ui import navigation, resources, state
from workbench.ui.coding.desk import study_labels
from workbench.ui.coding.passages import passage
from workbench.ui.coding.reader_suggestions import preselected_codes
from workbench.ui.permissions import page_needs
from workbench.ui.revision_cache import cached
from workbench.ui.text import plain
from workbench.ui.widgets import require_project

KINDS = ["context", "mechanism", "outcome"]
PROBLEMS = (ValueError, ServiceError)
SHOW_OFFSETS = "sg_queue_offsets"
TAB = "suggestions_tab"

project = require_project()
store, user = resources.store(), resources.username()
st.title("Suggestions")
page_needs(Action.SUGGEST)
st.caption(f"Pipeline: {active_pipeline()}")


def metrics_table(info: ModelInfo) -> list[dict[str, Any]]:
    """Held-out precision and recall per kind, next to the rules alone on the same studies."""
    kinds, rules = info.metrics.get("kinds", {}), info.metrics.get("cold_start", {})
    return [
        {
            "Kind": kind,
            "Precision": kinds[kind]["precision"],
            "Recall": kinds[kind]["recall"],
            "Rules only: precision": rules.get(kind, {}).get("precision"),
            "Rules only: recall": rules.get(kind, {}).get("recall"),
            "Held-out excerpts": kinds[kind]["support"],
        }
        for kind in KINDS
        if kind in kinds
    ]


def model_panel() -> None:
    """The current model, its held-out metrics, and the Retrain button with its progress."""
    info = current_model(store, user, project.id)
    if info is None:
        st.info("No trained model yet: suggestions come from the rules and the codebook alone.")
    else:
        held = info.metrics.get("held_out", {})
        st.markdown(
            f"**Model version {info.version}**, trained on {info.trained_on} coded excerpts "
            f"({info.created_at:%Y-%m-%d %H:%M}, {info.pipeline})."
        )
        if held.get("studies"):
            st.caption(
                f"Measured on {held['studies']} held-out studies ({held['excerpts']} coded excerpts); "
                "a suggestion counts for a kind when its score for it is at least 0.5."
            )
            st.dataframe(metrics_table(info), hide_index=True, width="stretch")
        else:
            st.caption("Too few coded studies to hold some out, so there are no held-out figures yet.")
    job = jobs.training_job(store, project.id)
    running = job is not None and job.running
    if st.button("Retrain", key="retrain", disabled=running, icon=":material/model_training:"):
        try:
            jobs.start_training(store, user, project.id)
        except PROBLEMS as exc:
            st.error(plain(str(exc)))
        st.rerun()
    training_progress(running)


def training_progress(running: bool) -> None:
    """A progress bar polled every second while a model trains (reruns the page when it ends)."""

    @st.fragment(run_every=1.0 if running else None)
    def progress() -> None:
        job = jobs.training_job(store, project.id)
        if job is None:
            return
        status = job.status
        if status.state == "running":
            st.progress(status.fraction, text=plain(f"Training ({status.reason}): {status.message}"))
        elif running:
            st.rerun()
        elif status.state == "failed":
            st.error(plain(f"Training failed: {status.error}"))
        elif status.result is not None:
            st.success(
                f"Model version {status.result.version} trained in {status.result.metrics.get('seconds')} s."
            )

    progress()


def edited_span(s: Suggestion, key: str) -> tuple[int, int]:
    """The span the card's form would code: as suggested, or as edited (offsets shown only on request)."""
    return int(st.session_state.get(f"{key}_start", s.start)), int(st.session_state.get(f"{key}_end", s.end))


def named(s: Suggestion) -> str:
    """A suggestion in words: its opening words and its study."""
    return f"{passage(s.text, 0, len(s.text))} in {s.study}"


def accept(s: Suggestion, key: str) -> None:
    """Accept the suggestion with the span, codes and mode chosen in its form."""
    start, end = edited_span(s, key)
    codes = st.session_state[f"{key}_codes"]
    try:
        action = accept_suggestion(
            store, user, s.document_id, start, end, codes, st.session_state[f"{key}_mode"], s.model_version
        )
    except PROBLEMS as exc:
        st.toast(plain(f"Not accepted: {exc}"), icon=":material/error:")
    else:
        if not action.empty:
            state.LAST_CODING_ACTION.set(action)  # the Coding page's Ctrl+Z undoes it like any coding
        count = f"{len(codes)} code{'s' * (len(codes) != 1)}"
        st.toast(plain(f"Coded {named(s)} with {count}."), icon=":material/check:")


def reject(s: Suggestion, key: str) -> None:
    """Reject the suggestion (with the reason given); it will not be suggested again."""
    try:
        reject_suggestion(store, user, s.document_id, s.start, s.end, st.session_state[f"{key}_reason"])
    except PROBLEMS as exc:
        st.toast(plain(f"Not rejected: {exc}"), icon=":material/error:")
    else:
        st.toast(plain(f"Rejected {named(s)}; it will not be suggested again."))


def card(s: Suggestion, names: dict[int, str]) -> None:
    """One suggestion: text, scores, reasons, and a form to accept (possibly edited) or reject."""
    key = f"sg_{s.document_id}_{s.start}_{s.end}"
    labels = " · ".join(f"{kind[0].upper()} {s.labels[kind]:.2f}" for kind in KINDS)
    version = f"model v{s.model_version}" if s.model_version else "rules only"
    st.markdown(f"**{plain(s.study)}** · score **{s.score:.2f}** · {labels} · {version}")
    st.markdown("> " + plain(" ".join(s.text.split())))
    st.caption("Why: " + plain("; ".join(s.reasons) or "weak signals only"))
    if st.button("Open in Coding", key=f"{key}_open", icon=":material/edit_note:"):
        opened = state.OpenSuggestion(s.document_id, s.start, s.end)
        state.set_reader_target(s.study_id, s.start, suggestion=opened)
        st.switch_page(navigation.CODING.path)
    with st.form(key, border=False):
        left, middle, right = st.columns([3, 1, 1])
        left.multiselect(
            "Codes",
            list(names),
            default=preselected_codes(s, names),
            format_func=lambda c: names.get(c, "?"),
            key=f"{key}_codes",
        )
        middle.selectbox("Mode", [m.value for m in CodingMode], key=f"{key}_mode")
        right.text_input("Reason to reject", key=f"{key}_reason", placeholder="optional")
        if st.session_state.get(SHOW_OFFSETS):
            a, b = st.columns(2)
            a.number_input("Start", min_value=0, value=s.start, step=1, key=f"{key}_start")
            b.number_input("End", min_value=1, value=s.end, step=1, key=f"{key}_end")
        c, d, e = st.columns([1, 1, 2])
        c.form_submit_button("Accept", type="primary", on_click=accept, args=(s, key))
        d.form_submit_button("Reject", on_click=reject, args=(s, key))
        if st.session_state.get(SHOW_OFFSETS) and e.form_submit_button("Preview edited span"):
            preview(s, key)


def preview(s: Suggestion, key: str) -> None:
    """Show the text an edited span would code."""
    start, end = edited_span(s, key)
    try:
        st.info(plain(span_text(store, user, s.document_id, start, end)))
    except PROBLEMS as exc:
        st.error(plain(str(exc)))


def queue_panel() -> None:
    """The filters and the ranked queue of suggestions across studies."""
    # read again only when something the queue depends on changed (one fingerprint statement): ranking
    # every study's suggestions takes a quarter of a second on 200 studies, and every click reruns
    revision = queue_revision(store, user, project.id)
    codes = cached("sg_codes", None, revision, lambda: project_codes(store, user, project.id))
    names = {c.code_id: f"{c.name} ({c.kind})" for c in codes}
    studies = cached(
        "sg_studies",
        None,
        revision,
        lambda: study_labels([r for r in list_studies(store, user, project.id) if r.documents]),
    )
    first, left, middle, right = st.columns([2, 1, 2, 1])
    study = first.selectbox(
        "Study",
        [None, *studies],
        format_func=lambda i: studies.get(i, "?") if i else "all studies",
        key="sg_study",
    )
    kind = left.selectbox("Kind", [None, *KINDS], format_func=lambda k: k or "any kind", key="sg_kind")
    code = middle.selectbox(
        "Code", [None, *names], format_func=lambda c: names.get(c, "?") if c else "any code", key="sg_code"
    )
    limit = right.number_input("Show", min_value=5, max_value=200, value=20, step=5, key="sg_limit")
    queue = cached(
        "sg_queue",
        (kind, code, int(limit), study),
        revision,
        lambda: suggestion_queue(
            store, user, project.id, kind=kind, code=code, limit=int(limit), study=study
        ),
    )
    if not queue:
        st.info("No suggestions to review: every suggested span is coded or rejected, or no study has text.")
        return
    where = "in this study" if study else "across studies"
    st.caption(f"The {len(queue)} best suggestions {where}, best first.")
    for s in queue:
        with st.container(border=True):
            card(s, names)
    st.toggle("Show character offsets", key=SHOW_OFFSETS, help="Edit a suggested span by its start and end")


# only the open tab is drawn: the model's figures and the training job are read when it is opened
for tab, draw in zip(
    st.tabs(["Queue", "Model"], key=TAB, on_change="rerun"), (queue_panel, model_panel), strict=True
):
    if tab.open:
        with tab:
            draw()
