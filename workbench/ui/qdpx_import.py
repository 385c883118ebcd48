"""The Import page's REFI-QDA section: a .qdpx or .qdc upload, its summary, then the kind-mapping step."""

from __future__ import annotations

import streamlit as st

from workbench.domain.codebook import CodeKind
from workbench.services import code_kinds, qdc, qdpx_import
from workbench.services.access import Action
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.permissions import can
from workbench.ui.text import plain

_SUMMARY = "qdpx_import_summary"
_ROUND = "qdpx_upload_round"


def _summary(project_id: int) -> qdpx_import.QdpxReport | None:
    found = st.session_state.get(_SUMMARY)
    if isinstance(found, tuple) and found[0] == project_id and isinstance(found[1], qdpx_import.QdpxReport):
        return found[1]
    return None


def _import(project_id: int, name: str, data: bytes) -> qdpx_import.QdpxReport:
    store, user = resources.store(), resources.username()
    if name.lower().endswith(".qdc"):
        book = qdc.import_qdc(store, user, project_id, data, name)
        return qdpx_import.QdpxReport(codes=book.codes, warnings=list(book.warnings))
    return qdpx_import.import_qdpx(store, user, project_id, data, name)


def qdpx_import_section(project_id: int) -> None:
    """Upload a REFI-QDA project (.qdpx) or codebook (.qdc); show what came in; map code kinds."""
    st.subheader("From NVivo, ATLAS.ti or MAXQDA (REFI-QDA)")
    st.caption(
        "A .qdpx project brings its text sources as studies, its codes (kind *other* until mapped below), "
        "its users as reviewers, their codings and their notes as memos; a .qdc brings a codebook. "
        "Anything that cannot be placed exactly is listed, never guessed."
    )
    upload_round = int(st.session_state.get(_ROUND, 0))
    upload = st.file_uploader("REFI-QDA file", type=["qdpx", "qdc"], key=f"qdpx_upload_{upload_round}")
    if st.button("Import REFI-QDA file", disabled=upload is None, key="qdpx_import"):
        with reported(), st.spinner("Importing… a project with thousands of codings takes a minute or two"):
            assert upload is not None
            st.session_state[_SUMMARY] = (project_id, _import(project_id, upload.name, upload.getvalue()))
            st.session_state[_ROUND] = upload_round + 1
            st.rerun()
    report = _summary(project_id)
    if report is not None:
        _show(report)
    if can(Action.EDIT_CODEBOOK):
        _kind_mapping(project_id)


def _show(report: qdpx_import.QdpxReport) -> None:
    counts = (
        f"{report.sources} sources, {report.codes} codes, {report.codings} codings, "
        f"{report.users} users, {report.memos} memos"
    )
    (st.warning if report.warnings else st.success)(f"REFI-QDA import finished: {counts}.")
    if report.warnings:
        n = len(report.warnings)
        st.caption(f"{n} {'thing was' if n == 1 else 'things were'} not imported or changed on the way in:")
        st.dataframe(
            [{"Warning": w} for w in report.warnings],
            hide_index=True,
            width="stretch",
            column_config={"Warning": st.column_config.TextColumn(width="large")},
        )


def _kind_mapping(project_id: int) -> None:
    with reported():
        roots = code_kinds.top_level_codes(resources.store(), resources.username(), project_id)
    if not roots:
        return
    st.subheader("Code kinds")
    st.caption("A top-level code's kind applies to every code under it. Imported codes start as *other*.")
    kinds = list(CodeKind)
    with st.form("qdpx_kind_mapping"):
        chosen = {
            root.id: st.selectbox(
                f"{plain(root.name)} ({root.codes} codes)",
                kinds,
                index=kinds.index(root.kind),
                format_func=lambda k: k.value,
                key=f"kind_{root.id}",
            )
            for root in roots
        }
        if st.form_submit_button("Save kinds"):
            changed = {code_id: kind for code_id, kind in chosen.items() if kind is not None}
            with reported():
                n = code_kinds.map_kinds(resources.store(), resources.username(), project_id, changed)
                st.success(f"Kinds saved: {n} codes changed.")
