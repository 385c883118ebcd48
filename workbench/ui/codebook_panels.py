"""Panels of the Codebook page: the tree table, merge, delete with undo, and YAML files."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from workbench.services import codebook
from workbench.services.access import Action
from workbench.services.codebook import CodeNode
from workbench.ui import resources, state
from workbench.ui.errors import reported
from workbench.ui.permissions import can
from workbench.ui.text import plain
from workbench.ui.widgets import paged

TOP = 0  # the "top level" choice in parent pickers (code ids start at 1)


def act(action: Callable[[], str]) -> None:
    """Run a codebook change; on success say what it did on the next run, else show the problem."""
    message = None
    with reported():
        message = action()
    if message is not None:
        state.notify(state.CODEBOOK_NOTICE, "success", message)
        st.rerun()


def notice() -> None:
    """Show the outcome of the last action, once."""
    state.show_notice(state.CODEBOOK_NOTICE)


def undo_bar(project_id: int) -> None:
    """After a delete: what went, and an Undo button that puts it all back."""
    snapshot = state.LAST_DELETED_CODE.get()
    if snapshot is None or snapshot.project_id != project_id:
        return
    impact = snapshot.impact
    left, right = st.columns([4, 1])
    left.info(
        plain(f"Deleted {impact.code!r} with {impact.codings} codings and {impact.sub_codes} sub-codes.")
    )
    if right.button("Undo delete", key="undo_delete", icon=":material/undo:"):

        def restore() -> str:
            codebook.restore_code(resources.store(), resources.username(), snapshot)
            state.LAST_DELETED_CODE.set(None)
            return f"Restored {impact.code!r} with its {impact.codings} codings."

        act(restore)


TREE_ROWS = 50  # a codebook is read as a whole: a longer page before it pages


def with_sub_codes(own: int, rolled_up: int) -> str:
    """A count as the table shows it: ``3``, or ``3 (12 with sub-codes)`` when sub-codes add to it."""
    return str(own) if rolled_up == own else f"{own} ({rolled_up} with sub-codes)"


def tree_rows(nodes: list[CodeNode]) -> list[dict[str, str]]:
    """The table rows of the tree: indented names, and counts with those of the sub-codes."""
    return [
        {"Colour": n.colour, "Code": "\u2003" * n.depth + n.name, "Kind": n.kind.value,
         "Codings": with_sub_codes(n.codings, n.codings_with_sub_codes),
         "Studies": with_sub_codes(n.studies, n.studies_with_sub_codes), "Description": n.description}
        for n in nodes
    ]  # fmt: skip


def tree_table(nodes: list[CodeNode]) -> None:
    """The codes, indented under their parents, with colour, kind and how much they were used."""
    shown = paged(nodes, "codebook_tree", TREE_ROWS, noun="codes")
    frame = pd.DataFrame(
        tree_rows(list(shown)), columns=["Colour", "Code", "Kind", "Codings", "Studies", "Description"]
    )
    swatches = frame.style.map(lambda c: f"background-color: {c}; color: {c}", subset=["Colour"])
    # at 1280 px the name and both counts fit beside the sidebar; the description takes what is left
    columns = {
        "Colour": st.column_config.TextColumn("", width=28),
        "Code": st.column_config.TextColumn("Code", width=250),
        "Kind": st.column_config.TextColumn("Kind", width=80),
        "Codings": st.column_config.TextColumn("Codings", width=165),
        "Studies": st.column_config.TextColumn("Studies", width=165),
    }
    st.dataframe(swatches, hide_index=True, width="stretch", height="content", column_config=columns)


def pick_code(label: str, nodes: list[CodeNode], key: str) -> CodeNode | None:
    """A selectbox of codes shown by their path; returns the chosen node."""
    by_id = {n.id: n for n in nodes}
    chosen = st.selectbox(
        label, list(by_id), index=None, key=key, placeholder="Choose a code",
        format_func=lambda i: f"{by_id[i].label} ({by_id[i].kind.value})",
    )  # fmt: skip
    return by_id.get(chosen) if chosen is not None else None


def parent_picker(label: str, nodes: list[CodeNode], key: str) -> int | None:
    names = {TOP: "(top level)"} | {n.id: f"{n.label} ({n.kind.value})" for n in nodes}
    chosen = st.selectbox(label, list(names), format_func=lambda i: names[i], key=key)
    return None if chosen == TOP else chosen


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def refusal(others: tuple[str, ...], verb: str) -> str | None:
    """Why the acting user may not remove a code carrying these other members' codings (None if they may):
    said before the form is sent, not after."""
    if not others or can(Action.DELETE_CODES_OF_OTHERS):
        return None
    return f"Carries codings by {', '.join(others)}: only a project owner may {verb} it."


def why(refused: str | None) -> str | None:
    """The refusal as a disabled button's tooltip (Markdown, so escaped)."""
    return plain(refused) if refused else None


def whose(others: tuple[str, ...]) -> str:
    """`` (some by olga, bob)`` when other members' codings are among them, else nothing."""
    return f" (some by {', '.join(others)})" if others else ""


def merge_form(tree: list[CodeNode]) -> None:
    """Fold one code into another of the same kind."""
    flat = codebook.flatten(tree)
    source = pick_code("Merge this code…", flat, "merge_source")
    if source is None:
        return
    target = pick_code(
        "…into this code", [n for n in flat if n.kind is source.kind and n.id != source.id], "merge_target"
    )
    impact = codebook.merge_impact(resources.store(), resources.username(), source.id)
    st.caption(
        plain(
            f"Its {impact.codings} codings, its sub-codes' included{whose(impact.others)}, its configuration "
            "elements, sub-codes and memos go to the target, then it is deleted. A coding the same coder "
            "also made with the target is dropped, its evidence kept."
        )
    )
    refused = refusal(impact.others, "merge")
    if refused:
        st.info(plain(refused))
    if target is not None and st.button(
        "Merge codes", type="primary", key="merge_codes", disabled=bool(refused), help=why(refused)
    ):

        def merge() -> str:
            result = codebook.merge_codes(
                resources.store(), resources.username(), source.id, target.id,
                source_version=source.version, target_version=target.version,
            )  # fmt: skip
            elements = result.elements_moved + result.elements_merged
            return (
                f"Merged {result.source!r} into {result.target!r}: {result.codings_moved} codings moved, "
                f"{result.duplicates_dropped} duplicates dropped, {elements} configuration elements and "
                f"{result.children_moved} sub-codes moved."
            )

        act(merge)


def delete_form(tree: list[CodeNode]) -> None:
    """Delete a code after saying what goes with it; Undo brings it back."""
    code = pick_code("Code to delete", codebook.flatten(tree), "delete_code")
    if code is None:
        return
    impact = codebook.deletion_impact(resources.store(), resources.username(), code.id)
    configs = f" (in {', '.join(impact.configurations)})" if impact.configurations else ""
    st.warning(
        plain(
            f"Deleting {impact.code!r} also deletes {impact.sub_codes} sub-codes, "
            f"{impact.codings} codings{whose(impact.others)}, "
            f"{impact.excerpts} excerpts left without codes, {impact.memos} memos and "
            f"{impact.configuration_elements} configuration elements{configs}. You can undo it afterwards."
        )
    )
    refused = refusal(impact.others, "delete")
    if refused:
        st.info(plain(refused))
    label = f"Delete it with {impact.codings} codings"
    if st.button(label, type="primary", key="delete_code_button", disabled=bool(refused), help=why(refused)):

        def delete() -> str:
            snapshot = codebook.delete_code(
                resources.store(), resources.username(), code.id, expected_version=code.version
            )
            state.LAST_DELETED_CODE.set(snapshot)
            return f"Deleted {impact.code!r}."

        act(delete)


def files_panel(project_id: int) -> None:
    """Download the codebook as YAML, or add the codes of an uploaded codebook file."""
    store, user = resources.store(), resources.username()
    st.download_button(  # the file is written when clicked, not on every run of the page
        "Download codebook.yaml", lambda: codebook.export_codebook_yaml(store, user, project_id),
        "codebook.yaml", "application/x-yaml", key="download_codebook",
    )  # fmt: skip
    upload = st.file_uploader("Upload a codebook (YAML)", type=["yaml", "yml"], key="codebook_upload")
    st.caption("Codes already at the same place in the tree are kept; the others are added.")
    if upload is not None and st.button("Import codebook", key="import_codebook"):

        def load() -> str:
            added = codebook.import_codebook_text(store, user, project_id, upload.getvalue())
            return f"Imported {upload.name!r}: {added} codes added."

        act(load)
