"""The disagreement panel: one region, coder A's spans beside coder B's, and the buttons that settle it."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench.domain.adjudication import Decision
from workbench.services import adjudication
from workbench.services.adjudication import Disagreement, SpanText
from workbench.ui import resources
from workbench.ui.errors import reported
from workbench.ui.text import plain

CONTEXT = 80  # characters shown either side of a region
COLOURS = {"a": "orange", "b": "blue", "consensus": "green"}


def highlighted(text: str, offset: int, spans: Sequence[SpanText], colour: str) -> str:
    """``text`` (starting at document offset ``offset``) as escaped Markdown with the spans marked."""
    covered = [False] * len(text)
    for span in spans:
        for i in range(max(span.start - offset, 0), min(span.end - offset, len(text))):
            covered[i] = True
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and covered[j] == covered[i]:
            j += 1
        piece = plain(text[i:j]).replace("\n", " ")
        out.append(f":{colour}-background[{piece}]" if covered[i] and piece.strip() else piece)
        i = j
    return "".join(out)


def _shown(d: Disagreement) -> tuple[int, str]:
    """The region with a little context either side, as (document offset, text)."""
    start = max(d.window_start, d.start - CONTEXT)
    end = min(d.window_start + len(d.window_text), d.end + CONTEXT)
    text = d.window_text[start - d.window_start : end - d.window_start]
    lead = "…" if start > 0 else ""
    return start - len(lead), lead + text + ("…" if end < d.window_start + len(d.window_text) else "")


def spans(n: int, noun: str = "span") -> str:
    """``n`` spans, in words: "1 span", "2 spans"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _key(d: Disagreement) -> str:
    return f"adj_{d.document_id}_{d.code_id}_{d.start}_{d.end}_{d.coder_a}_{d.coder_b}"


def disagreement_panel(project_id: int, d: Disagreement, *, may_settle: bool | None = None) -> None:
    """Show one disagreement side by side; with the right to adjudicate (asked of the service unless
    ``may_settle`` says), the buttons Keep A / Keep B / Keep both / Neither / Edit span, or once it is
    settled, the decision, who and when, and Undo."""
    if may_settle is None:
        may_settle = adjudication.may_adjudicate(resources.store(), resources.username(), project_id)
    key = _key(d)
    with st.container(border=True, key=key):
        st.markdown(plain(f"{d.study_key} · {d.code_path} · characters {d.start}–{d.end}"))
        offset, text = _shown(d)
        left, right = st.columns(2)
        left.caption(plain(f"A: {d.coder_a} ({spans(len(d.a_spans))})"))
        left.markdown(highlighted(text, offset, d.a_spans, COLOURS["a"]))
        right.caption(plain(f"B: {d.coder_b} ({spans(len(d.b_spans))})"))
        right.markdown(highlighted(text, offset, d.b_spans, COLOURS["b"]))
        if d.settled is not None:
            _settled(project_id, d, key, may_settle)
        elif may_settle:
            _buttons(project_id, d, key)


def _settled(project_id: int, d: Disagreement, key: str, may_settle: bool) -> None:
    settled = d.settled
    assert settled is not None
    when = settled.settled_at.strftime("%Y-%m-%d %H:%M")
    kept = f"{spans(len(settled.spans), 'consensus span')}" if settled.spans else "no consensus coding"
    note = f" Note: {settled.note}" if settled.note else ""
    st.success(plain(f"Settled: {settled.decision.label} ({kept}) by {settled.settled_by}, {when}.{note}"))
    if settled.spans:
        offset, text = _shown(d)
        st.markdown(highlighted(text, offset, settled.spans, COLOURS["consensus"]))
    if may_settle and st.button("Undo", key=f"{key}_undo", icon=":material/undo:"):
        done = False
        with reported():
            adjudication.undo_settlement(resources.store(), resources.username(), project_id, settled.id)
            done = True
        if done:
            st.rerun()


def _buttons(project_id: int, d: Disagreement, key: str) -> None:
    note = st.text_input("Note (optional)", key=f"{key}_note", placeholder="why this decision")
    columns = st.columns(4)
    chosen: tuple[Decision, tuple[int, int] | None] | None = None
    decisions = [Decision.KEEP_A, Decision.KEEP_B, Decision.KEEP_BOTH, Decision.NEITHER]
    for column, decision in zip(columns, decisions, strict=True):
        if column.button(decision.label, key=f"{key}_{decision.value}", width="stretch"):
            chosen = (decision, None)
    with st.expander("Edit span"):
        low, high = d.window_start, d.window_start + len(d.window_text)
        start_col, end_col = st.columns(2)
        start = int(start_col.number_input("Start", low, high - 1, d.start, key=f"{key}_start"))
        end = int(end_col.number_input("End", low + 1, high, d.end, key=f"{key}_end"))
        chosen_text = d.window_text[start - low : end - low] if end > start else ""
        st.caption("Chosen text: " + (plain(chosen_text) if chosen_text.strip() else "(nothing)"))
        if st.button("Keep edited span", key=f"{key}_edited", disabled=not chosen_text.strip()):
            chosen = (Decision.EDITED, (start, end))
    if chosen is not None:
        done = False
        with reported():
            adjudication.settle(
                resources.store(), resources.username(), project_id, d.key, chosen[0], chosen[1], note
            )
            done = True
        if done:
            st.rerun()


def accept_agreements_button(
    project_id: int, coders: tuple[str, str], study_id: int | None = None, *, may_settle: bool | None = None
) -> None:
    """For the top of the page: make every span both coders coded identically a consensus coding
    (shown only to those who may adjudicate)."""
    if may_settle is None:
        may_settle = adjudication.may_adjudicate(resources.store(), resources.username(), project_id)
    if may_settle and st.button(
        "Accept all agreements", key="adj_accept_agreements", icon=":material/done_all:"
    ):
        with reported():
            added = adjudication.accept_agreements(
                resources.store(), resources.username(), project_id, coders, study_id
            )
            st.success(
                f"{added} consensus codings added from spans both coders coded alike."
                if added
                else "Every agreement is a consensus coding already."
            )
