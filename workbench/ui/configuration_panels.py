"""Panels of the Configurations page: build, inspect and edit, suggestions, and chains."""

from __future__ import annotations

import streamlit as st

from workbench.domain.configurations import ConfigurationStatus
from workbench.services import configurations as cfg
from workbench.services import evidence
from workbench.services.configurations import ConfigurationRow, RoleOption
from workbench.ui import resources


def _pick(
    label: str, options: list[RoleOption], key: str, many: bool, default: list[int] | None = None
) -> list[int]:
    ids = [o.id for o in options]
    names = {o.id: o.name for o in options}
    if many:
        return st.multiselect(label, ids, default=default or [], format_func=names.get, key=key)
    index = ids.index(default[0]) if default and default[0] in ids else None
    chosen = st.selectbox(label, ids, index=index, format_func=names.get, key=key)
    return [chosen] if chosen is not None else []


def build_form(project_id: int, prefill: dict[str, list[int]] | None = None) -> None:
    """Create a configuration from codes in their roles and a statement."""
    options = cfg.role_options(resources.store(), resources.username(), project_id)
    prefill = prefill or {}
    with st.form("build_configuration", clear_on_submit=True):
        context = _pick("Context", options["context"], "build_context", False, prefill.get("context"))
        mechanisms = _pick(
            "Mechanism(s)", options["mechanism"], "build_mechanisms", True, prefill.get("mechanism")
        )
        outcomes = _pick("Outcome(s)", options["outcome"], "build_outcomes", True, prefill.get("outcome"))
        statement = st.text_area(
            "Statement", placeholder="In context C, mechanism M leads to outcome O because …"
        )
        label = st.text_input("Label (optional)", placeholder="e.g. CMOC 7")
        nested = st.checkbox("Nested: all three were found together in one excerpt")
        if st.form_submit_button("Create configuration", type="primary"):
            try:
                store, user = resources.store(), resources.username()
                new_id = cfg.create_configuration(
                    store,
                    user,
                    project_id,
                    statement,
                    context,
                    mechanisms,
                    outcomes,
                    label=label,
                    nested=nested,
                )
            except (ValueError, LookupError) as exc:
                st.error(str(exc))
            else:
                st.success(f"Created configuration {new_id}. Attach its evidence below.")


def detail(row: ConfigurationRow) -> None:
    """A configuration's elements with their evidence, and its statement and status."""
    store, user = resources.store(), resources.username()
    st.caption(f"{row.label}: coded in {row.n_studies} studies ({', '.join(row.studies) or 'none yet'})")
    for element in row.elements:
        with st.expander(f"{element.role.title()}: {element.code}: {element.n_studies} studies"):
            options = evidence.evidence_options(store, user, element.id)
            labels = {
                o.coding_id: f"{o.study}, p. {o.page or '-'} ({o.coder}): {o.quote[:120]}" for o in options
            }
            chosen = st.multiselect(
                "Supporting codings", list(labels), default=[o.coding_id for o in options if o.attached],
                format_func=labels.get, key=f"evidence_{element.id}",
            )  # fmt: skip
            if st.button("Save evidence", key=f"save_evidence_{element.id}"):
                evidence.set_evidence(store, user, element.id, chosen)
                st.rerun()
    with st.form(f"edit_{row.id}"):
        statement = st.text_area("Statement", row.statement)
        statuses = [s.value for s in ConfigurationStatus]
        status = st.radio("Status", statuses, index=statuses.index(row.status), horizontal=True)
        note = st.text_area("Why (evidence for a revision or refutation)", row.status_note)
        nested = st.checkbox("Nested", row.nested)
        if st.form_submit_button("Save changes"):
            try:
                cfg.update_configuration(
                    store, user, row.id, expected_version=row.version, statement=statement,
                    status=ConfigurationStatus(status), status_note=note, nested=nested,
                )  # fmt: skip
            except ValueError as exc:
                st.error(str(exc))
            else:
                st.rerun()


def suggestions(project_id: int) -> None:
    """Co-occurring context, mechanism and outcome codings proposed as configurations."""
    scope = st.radio("Found together within", ["excerpt", "paragraph"], horizontal=True, key="suggest_scope")
    found = evidence.suggest_configurations(resources.store(), resources.username(), project_id, scope)
    if not found:
        st.info("No co-occurring context, mechanism and outcome codings that are not already configurations.")
        return
    st.caption(f"{len(found)} candidates, most widely found first.")
    st.dataframe(
        [{"Context": c.context, "Mechanism": c.mechanism, "Outcome": c.outcome, "Studies": c.n_studies,
          "Codings": len(c.coding_ids)} for c in found],
        hide_index=True, width="stretch",
    )  # fmt: skip


def chains(project_id: int, rows: list[ConfigurationRow]) -> None:
    """Link an outcome of one configuration to the context of another; show loops."""
    store, user = resources.store(), resources.username()
    labels = {r.id: f"{r.label}: {r.statement[:70]}" for r in rows}
    with st.form("link_configurations"):
        source = st.selectbox("Outcome of", list(labels), format_func=labels.get, key="chain_from")
        target = st.selectbox("becomes the context of", list(labels), format_func=labels.get, key="chain_to")
        note = st.text_input("How")
        if st.form_submit_button("Chain them"):
            try:
                evidence.link_configurations(store, user, source, target, note)
            except (ValueError, LookupError) as exc:
                st.error(str(exc))
    links, loops = evidence.chains(store, user, project_id)
    for link in links:
        st.text(f"{link.from_label} → {link.to_label}  {link.note}")
    for loop in loops:
        st.warning("Feedback loop: " + " → ".join([*loop, loop[0]]))
