"""Agreement page: how far two coders agree, per code and study, and their disagreements side by side.

The side-by-side panel (and settling a disagreement) is the adjudication panel, ``ui/adjudication.py``.
"""

import streamlit as st

from workbench.graphs.agreement import HeatCell, kappa_heatmap
from workbench.services import adjudication, agreement
from workbench.services.access import Action
from workbench.services.agreement import AgreementResult, CodeAgreement
from workbench.ui import resources, revision_cache
from workbench.ui.adjudication import accept_agreements_button, disagreement_panel
from workbench.ui.drilldown import clicked
from workbench.ui.errors import reported
from workbench.ui.graph_panels import CHART_CONFIG
from workbench.ui.text import plain
from workbench.ui.widgets import paged, require_project

UNITS = {"character": "Characters (as NVivo compares)", "excerpt": "Excerpts"}
ALL_STUDIES = 0


def number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f}%" if percent else f"{value:.2f}"


def keep_valid(key: str, options: list[int] | list[str]) -> None:
    """Forget a widget's remembered choice that is no longer offered (other coders, another unit)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def heat_map(result: AgreementResult, codes: list[CodeAgreement]) -> str | None:
    """The code x study heat map of kappa; returns the key of a clicked cell ("code|study")."""
    studies = result.studies
    cells = [
        [
            HeatCell(
                f"{c.code_id}|{s.study_id}", s.codes[c.code_id].kappa,
                f"{c.path} × {s.key}: kappa {number(s.codes[c.code_id].kappa)}, agreement "
                f"{number(s.codes[c.code_id].agreement, True)}, alpha {number(s.codes[c.code_id].alpha)}",
            )
            for s in studies
        ]
        for c in codes
    ]  # fmt: skip
    fig = kappa_heatmap([c.path for c in codes], [s.key for s in studies], cells)
    event = st.plotly_chart(
        fig, key="agreement_heatmap", on_select="rerun", selection_mode="points", config=CHART_CONFIG
    )
    return clicked(event)


project = require_project()
st.title("Agreement")
store, user = resources.store(), resources.username()
coder_rows = None
with reported():
    # the project's codings change the figures; until they do, a rerun (a click on the heat map, a
    # page of disagreements) reuses what was computed (a 200-study project takes about a second)
    revision = revision_cache.revision(project.id, Action.VIEW_AGREEMENT)
    coder_rows = revision_cache.cached(
        "agreement_coders", None, revision, lambda: agreement.coders(store, user, project.id)
    )
if coder_rows is None:
    st.stop()
names = [c.username for c in coder_rows]
if len(names) < 2:
    st.info("Agreement compares two coders: it needs codings by at least two members.")
    st.stop()
left, middle, right = st.columns(3)
coder_a = left.selectbox("Coder A", names, index=0, key="agreement_coder_a")
others = [n for n in names if n != coder_a]
keep_valid("agreement_coder_b", others)
coder_b = middle.selectbox("Coder B", others, index=0, key="agreement_coder_b")
unit = right.radio("Units", list(UNITS), format_func=UNITS.__getitem__, key="agreement_unit", horizontal=True)
coders = (coder_a, coder_b)
result = None
with reported():
    result = revision_cache.cached(
        "agreement_result", (coders, unit), revision,
        lambda: agreement.compute(store, user, project.id, coders, unit),
    )  # fmt: skip
if result is None:
    st.stop()
if not result.documents:
    st.info(f"{plain(coder_a)} and {plain(coder_b)} have not coded any document in common yet.")
    st.stop()
overall = result.overall
documents = "1 document" if result.documents == 1 else f"{result.documents} documents"
st.caption(f"Over {documents} both coded, {len(result.codes)} codes, {unit} units.")
for column, label, value in zip(
    st.columns(3),
    ("Agreement", "Cohen's kappa", "Krippendorff's alpha"),
    (number(overall.agreement, True), number(overall.kappa), number(overall.alpha)),
    strict=True,
):
    column.metric(label, value)

codes = result.worst_first()
st.subheader("Kappa by code and study, worst codes first", anchor=False)
picked = heat_map(result, codes)
st.dataframe(
    [
        {"Code": c.path, "Kappa": c.kappa, "Agreement %": None if c.agreement is None else 100 * c.agreement,
         "Alpha": c.alpha}
        for c in codes
    ],
    hide_index=True, width="stretch",
    column_config={"Kappa": st.column_config.NumberColumn(format="%.2f"),
                   "Agreement %": st.column_config.NumberColumn(format="%.1f"),
                   "Alpha": st.column_config.NumberColumn(format="%.2f")},
)  # fmt: skip

st.subheader("Disagreements side by side", anchor=False)
if picked and st.session_state.get("agreement_last_click") != picked:
    code_id, study_id = (int(part) for part in picked.split("|"))
    st.session_state["agreement_code"], st.session_state["agreement_study"] = code_id, study_id
st.session_state["agreement_last_click"] = picked
code_labels = {c.code_id: f"{c.path} (kappa {number(c.kappa)})" for c in codes}
study_labels = {ALL_STUDIES: "All studies", **{s.study_id: s.key for s in result.studies}}
keep_valid("agreement_code", list(code_labels))
keep_valid("agreement_study", list(study_labels))
code_box, study_box = st.columns(2)
chosen_code = code_box.selectbox(
    "Code (worst first; or click the heat map)", list(code_labels), index=0,
    format_func=code_labels.__getitem__, key="agreement_code",
)  # fmt: skip
chosen_study = study_box.selectbox(
    "Study", list(study_labels), format_func=study_labels.__getitem__, key="agreement_study"
)
if chosen_code is not None:
    found = None
    with reported():
        found = revision_cache.cached(
            "agreement_disagreements", (coders, chosen_study, chosen_code), revision,
            lambda: adjudication.disagreements(
                store, user, project.id, coders=coders, study_id=chosen_study or None, code_id=chosen_code
            ),
        )  # fmt: skip
    if found is not None:
        may_settle = adjudication.may_adjudicate(store, user, project.id)
        accept_agreements_button(project.id, coders, chosen_study or None, may_settle=may_settle)
        if not found:
            st.success("No disagreement on this code that you may see here.")
        for d in paged(found, "agreement_disagreements", size=20, noun="disagreements"):
            disagreement_panel(project.id, d, may_settle=may_settle)

st.subheader("Configurations", anchor=False)
with reported():
    comparison = revision_cache.cached(
        "agreement_configurations", coders, revision,
        lambda: agreement.configuration_agreement(store, user, project.id, coders),
    )  # fmt: skip
    mine, theirs = comparison.configurations
    st.caption(
        f"{plain(coder_a)} built {mine}, {plain(coder_b)} {theirs}; {comparison.exact} match exactly; "
        f"agreement {number(comparison.score, True)} (matched pairs by mean Jaccard of their codes)."
    )
    if comparison.rows:
        st.dataframe(
            [
                {coder_a: r.label_a or "–", coder_b: r.label_b or "–", "Exact": r.exact,
                 "Contexts": r.context, "Mechanisms": r.mechanism, "Outcomes": r.outcome}
                for r in comparison.rows
            ],
            hide_index=True, width="stretch",
        )  # fmt: skip
