"""Panels of the Configurations page: the table, one configuration's evidence and status, and chains."""

from __future__ import annotations

import streamlit as st

from workbench.domain.configurations import ConfigurationStatus
from workbench.services import configurations as cfg
from workbench.services import evidence
from workbench.services.configurations import ConfigurationRow
from workbench.store.db import Store
from workbench.ui import cmoc_state, resources
from workbench.ui.errors import reported
from workbench.ui.evidence_picker import pick_evidence, scope_of
from workbench.ui.text import plain


def table(rows: list[ConfigurationRow]) -> None:
    """Every configuration, all rows shown: label, N studies and statement first, so they never scroll
    off to the side; the codes and studies follow."""
    st.dataframe(
        [{"CMOC": r.label, "N studies": r.n_studies, "Statement": r.statement,
          "Context": "; ".join(r.contexts), "Mechanism": "; ".join(r.mechanisms),
          "Outcome": "; ".join(r.outcomes), "Status": r.status,
          "Nested": r.nested, "Supporting studies": "; ".join(r.studies)}
         for r in rows],
        hide_index=True, width="stretch", height="content", key="configurations_table",
        column_config={
            "CMOC": st.column_config.TextColumn(width=60, pinned=True),
            "N studies": st.column_config.NumberColumn(width=80, help="Distinct studies behind its evidence"),
            "Statement": st.column_config.TextColumn(width=460),
            "Context": st.column_config.TextColumn(width=180),
            "Mechanism": st.column_config.TextColumn(width=180),
            "Outcome": st.column_config.TextColumn(width=150),
            "Status": st.column_config.TextColumn(width=90),
            "Nested": st.column_config.CheckboxColumn(width=70),
        },
    )  # fmt: skip


def _evidence(row: ConfigurationRow) -> None:
    store, user = resources.store(), resources.username()
    st.markdown("**Evidence**: tick the excerpts that support each element, then save.")
    ticked: dict[int, list[int]] = {}
    for element in row.elements:
        title = f"{element.role.title()}: {element.code}: {element.n_studies} studies"
        with st.expander(plain(title)), reported():
            options = evidence.evidence_options(store, user, element.id)
            ticked[element.id] = pick_evidence(scope_of(f"ev{element.id}", options), options)
    if st.button("Save evidence", type="primary", key=f"save_evidence_{row.id}"):
        with reported():
            changed = evidence.set_configuration_evidence(store, user, ticked)
            cmoc_state.set_notice(f"Saved the evidence of {row.label}." if changed else "Nothing to save.")
            st.rerun()


def _read_only(row: ConfigurationRow) -> None:
    """A configuration's elements and evidence for someone who may not change it."""
    st.markdown(plain(f"{row.statement} ({row.status})"))
    for element in row.elements:
        with st.expander(plain(f"{element.role.title()}: {element.code}: {element.n_studies} studies")):
            for ev in element.evidence:
                st.markdown(plain(f"“{ev.quote}” ({ev.study}{f', p. {ev.page}' if ev.page else ''})"))


def detail(row: ConfigurationRow, editable: bool = True) -> None:
    """A configuration's elements with their evidence, and its statement and status (to change them
    when ``editable``)."""
    store, user = resources.store(), resources.username()
    st.caption(
        plain(f"{row.label}: coded in {row.n_studies} studies ({', '.join(row.studies) or 'none yet'})")
    )
    if not editable:
        _read_only(row)
        return
    _evidence(row)
    with st.form(f"edit_{row.id}"):
        statement = st.text_area("Statement", row.statement)
        statuses = [s.value for s in ConfigurationStatus]
        status = st.radio("Status", statuses, index=statuses.index(row.status), horizontal=True)
        note = st.text_area("Why (evidence for a revision or refutation)", row.status_note)
        nested = st.checkbox("Nested", row.nested)
        if st.form_submit_button("Save changes"):
            with reported():
                cfg.update_configuration(
                    store, user, row.id, expected_version=row.version, statement=statement,
                    status=ConfigurationStatus(status), status_note=note, nested=nested,
                )  # fmt: skip
                st.rerun()


def _link_form(store: Store, user: str, labels: dict[int, str]) -> None:
    with st.form("link_configurations"):
        ids = list(labels)
        source = st.selectbox("Outcome of", ids, format_func=lambda i: labels[i], key="chain_from")
        target = st.selectbox("becomes the context of", ids, format_func=lambda i: labels[i], key="chain_to")
        note = st.text_input("How")
        if st.form_submit_button("Chain them") and source is not None and target is not None:
            with reported():
                evidence.link_configurations(store, user, source, target, note)


def chains(project_id: int, rows: list[ConfigurationRow], may_link: bool = True) -> None:
    """Link an outcome of one configuration to the context of another (when ``may_link``); show loops."""
    store, user = resources.store(), resources.username()
    if may_link:
        _link_form(store, user, {r.id: f"{r.label}: {r.statement[:70]}" for r in rows})
    links, loops = evidence.chains(store, user, project_id)
    for link in links:
        st.text(f"{link.from_label} → {link.to_label}  {link.note}")
    for loop in loops:
        st.warning(plain("Feedback loop: " + " → ".join([*loop, loop[0]])))
