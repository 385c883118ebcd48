"""Build a CMOC in one flow: pick (or accept a suggested) context, mechanism and outcome, tick the
excerpts that support each, say what it claims, and save it with its evidence in one call."""

from __future__ import annotations

from typing import Literal

import streamlit as st

from workbench.domain.configurations import Candidate
from workbench.services import configurations as cfg
from workbench.services import evidence
from workbench.services.configurations import RoleOption
from workbench.ui import cmoc_state, resources
from workbench.ui.errors import reported
from workbench.ui.evidence_picker import pick_evidence
from workbench.ui.text import plain

SHOWN_SUGGESTIONS = 6


def _use(candidate: Candidate, scope: str) -> None:
    """Start a new build from a suggestion (a button callback: runs before the widgets exist)."""
    cmoc_state.next_build_round(candidate.coding_ids)
    context, mechanism, outcome = candidate.code_ids
    st.session_state[cmoc_state.build_key("context")] = context
    st.session_state[cmoc_state.build_key("mechanisms")] = [mechanism]
    st.session_state[cmoc_state.build_key("outcomes")] = [outcome]
    st.session_state[cmoc_state.build_key("nested")] = scope == "excerpt"


def suggestions(project_id: int) -> None:
    """Co-occurring context, mechanism and outcome codings, each one click from a configuration."""
    scope = st.radio("Found together within", ["excerpt", "paragraph"], horizontal=True, key="suggest_scope")
    within: Literal["excerpt", "paragraph"] = "paragraph" if scope == "paragraph" else "excerpt"
    found = evidence.suggest_configurations(resources.store(), resources.username(), project_id, within)
    if not found:
        st.caption("No co-occurring context, mechanism and outcome codings that are not configurations yet.")
        return
    show_all = len(found) > SHOWN_SUGGESTIONS and st.toggle(f"Show all {len(found)}", key="suggest_all")
    for i, c in enumerate(found if show_all else found[:SHOWN_SUGGESTIONS]):
        text, action = st.columns([5, 1], vertical_alignment="center")
        studies = f"{c.n_studies} stud{'ies' if c.n_studies != 1 else 'y'}"
        text.markdown(
            f"**C** {plain(c.context)} → **M** {plain(c.mechanism)} → **O** {plain(c.outcome)} "
            f"· {studies}, {len(c.coding_ids)} codings"
        )
        action.button("Use this", key=f"use_suggestion_{i}", on_click=_use, args=(c, scope))


def _pick_codes(options: dict[str, list[RoleOption]]) -> dict[str, list[int]]:
    names = {o.id: o.name for kind in options.values() for o in kind}
    left, middle, right = st.columns(3)
    context = left.selectbox(
        "Context", [o.id for o in options["context"]], index=None, format_func=lambda i: names[i],
        key=cmoc_state.build_key("context"), placeholder="Choose a context",
    )  # fmt: skip
    mechanisms = middle.multiselect(
        "Mechanism(s)", [o.id for o in options["mechanism"]], format_func=lambda i: names[i],
        select_all=False, key=cmoc_state.build_key("mechanisms"), placeholder="Choose mechanisms",
    )  # fmt: skip
    outcomes = right.multiselect(
        "Outcome(s)", [o.id for o in options["outcome"]], format_func=lambda i: names[i], select_all=False,
        key=cmoc_state.build_key("outcomes"), placeholder="Choose outcomes",
    )  # fmt: skip
    return {"context": [context] if context is not None else [], "mechanism": mechanisms, "outcome": outcomes}


def _pick_evidence(
    project_id: int, chosen: dict[str, list[int]], names: dict[int, str]
) -> dict[int, list[int]]:
    ids = [i for role in ("context", "mechanism", "outcome") for i in chosen[role]]
    candidates = evidence.candidate_evidence(resources.store(), resources.username(), project_id, ids)
    together = set(cmoc_state.found_together())
    ticked: dict[int, list[int]] = {}
    for role in ("context", "mechanism", "outcome"):
        for code_id in chosen[role]:
            st.markdown(f"##### {role.title()}: {plain(names[code_id])}")
            scope = cmoc_state.build_key(f"code{code_id}")
            ticked[code_id] = pick_evidence(scope, candidates[code_id], together)
    return ticked


def build(project_id: int) -> None:
    """The whole flow of building a configuration, from codes to saved evidence."""
    store, user = resources.store(), resources.username()
    with st.expander("Suggestions from co-occurrence", expanded=True):
        suggestions(project_id)
    st.subheader("1. Context, mechanism and outcome")
    options = cfg.role_options(store, user, project_id)
    names = {o.id: o.name for kind in options.values() for o in kind}
    chosen = _pick_codes(options)
    if not any(chosen.values()):
        st.caption("Pick the codes, or use a suggestion above; their coded excerpts are listed next.")
        return
    st.subheader("2. Tick the excerpts that support it")
    with reported():
        ticked = _pick_evidence(project_id, chosen, names)
    st.subheader("3. Say what it claims, and save")
    statement = st.text_area(
        "Statement", key=cmoc_state.build_key("statement"),
        placeholder="In context C, mechanism M leads to outcome O because …",
    )  # fmt: skip
    label_col, nested_col = st.columns([1, 2], vertical_alignment="bottom")
    label = label_col.text_input(
        "Label (optional)", placeholder="e.g. C33", key=cmoc_state.build_key("label")
    )
    nested = nested_col.checkbox(
        "Nested: all three were found together in one excerpt", key=cmoc_state.build_key("nested")
    )
    excerpts = sum(len(v) for v in ticked.values())
    if st.button(f"Save configuration with {excerpts} excerpts", type="primary", key="save_configuration"):
        with reported():
            new_id = cfg.create_configuration(
                store, user, project_id, statement, chosen["context"], chosen["mechanism"], chosen["outcome"],
                label=label, nested=nested, evidence={k: v for k, v in ticked.items() if v},
            )  # fmt: skip
            row = cfg.get_configuration(store, user, new_id)
            cmoc_state.set_notice(f"Saved {row.label} with {excerpts} excerpts from {row.n_studies} studies.")
            cmoc_state.next_build_round()
            cmoc_state.open_next(new_id)
            st.rerun()
