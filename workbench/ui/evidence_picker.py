"""The evidence picker: a code's candidate excerpts by study, each ticked on purpose, never guessed."""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence

import streamlit as st

from workbench.services.evidence import EvidenceOption
from workbench.ui.text import plain

QUOTE_CHARS = 320


def scope_of(prefix: str, options: Sequence[EvidenceOption]) -> str:
    """A widget-key prefix that changes whenever the stored evidence changes, so the ticks restart from
    what is saved (after a save here, or someone else's)."""
    attached = ",".join(str(o.coding_id) for o in options if o.attached)
    return f"{prefix}_{zlib.crc32(attached.encode()):08x}"


def _key(scope: str, coding_id: int) -> str:
    return f"{scope}_tick_{coding_id}"


def _tick_all(keys: list[str]) -> None:
    for key in keys:
        st.session_state[key] = True


def _label(option: EvidenceOption, together: bool, show_code: bool) -> str:
    quote = option.quote if len(option.quote) <= QUOTE_CHARS else option.quote[: QUOTE_CHARS - 1] + "…"
    page = f"p. {option.page}: " if option.page else ""
    mark = " :blue-badge[found together]" if together else ""
    code = f" :gray-badge[{plain(option.code)}]" if show_code else ""
    return f"{plain(page)}“{plain(quote)}” _({plain(option.coder)})_{code}{mark}"


def pick_evidence(
    scope: str, options: Sequence[EvidenceOption], found_together: Collection[int] = ()
) -> list[int]:
    """Checkboxes for ``options`` grouped by study, first ticked as stored (``attached``); returns the
    ticked coding ids. ``found_together`` marks the codings behind a co-occurrence suggestion."""
    if not options:
        st.caption("No excerpts are coded with this code yet: code some on the **Coding** page.")
        return []
    by_study: dict[int, list[EvidenceOption]] = {}
    supporting = {o.study_id for o in options if o.attached or o.coding_id in found_together}
    # studies already supporting the element (or behind the suggestion) first, so they are in view
    for option in sorted(options, key=lambda o: o.study_id not in supporting):
        by_study.setdefault(option.study_id, []).append(option)
        st.session_state.setdefault(_key(scope, option.coding_id), option.attached)
    ticked = [o.coding_id for o in options if st.session_state[_key(scope, o.coding_id)]]
    studies = len({o.study_id for o in options if o.coding_id in ticked})
    show_code = len({o.code for o in options}) > 1  # sub-codes' excerpts say which sub-code
    st.caption(f"{len(ticked)} of {len(options)} excerpts ticked, from {studies} of {len(by_study)} studies.")
    with st.container(height=min(420, 90 + 62 * len(options)), border=True):
        for study_id, items in by_study.items():
            head, action = st.columns([4, 1], vertical_alignment="center")
            head.markdown(f"**{plain(items[0].study)}** · {len(items)} excerpt{'s' * (len(items) != 1)}")
            if len(items) > 1:
                action.button(
                    "Tick all from this study", key=f"{scope}_all_{study_id}", type="tertiary",
                    on_click=_tick_all, args=([_key(scope, o.coding_id) for o in items],),
                )  # fmt: skip
            for option in items:
                together = option.coding_id in found_together
                st.checkbox(_label(option, together, show_code), key=_key(scope, option.coding_id))
    return ticked
