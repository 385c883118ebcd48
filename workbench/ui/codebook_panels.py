"""Panels of the Codebook page: the tree table, code forms, merge, delete with undo, and YAML files."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from workbench.domain.codebook import DEFAULT_COLOURS, CodebookError, CodeKind
from workbench.services import codebook
from workbench.services.access import NotFound, PermissionDenied
from workbench.services.codebook import CodeNode
from workbench.ui import resources, state
from workbench.ui.text import plain

PROBLEMS = (CodebookError, codebook.StaleCode, PermissionDenied, NotFound)
TOP = 0  # the "top level" choice in parent pickers (code ids start at 1)


def act(action: Callable[[], str]) -> None:
    """Run a codebook change; on success say what it did on the next run, else show the problem."""
    try:
        message = action()
    except PROBLEMS as exc:
        st.error(plain(str(exc)))
        return
    state.set_codebook_notice("success", message)
    st.rerun()


def notice() -> None:
    """Show the outcome of the last action, once."""
    found = state.take_codebook_notice()
    if found is not None:
        level, message = found
        (st.success if level == "success" else st.error)(plain(message))


def undo_bar(project_id: int) -> None:
    """After a delete: what went, and an Undo button that puts it all back."""
    snapshot = state.last_deleted_code()
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
            state.set_last_deleted_code(None)
            return f"Restored {impact.code!r} with its {impact.codings} codings."

        act(restore)


def tree_table(nodes: list[CodeNode]) -> None:
    """The codes, indented under their parents, with colour, kind and how much they were used."""
    frame = pd.DataFrame(
        [
            {"Colour": n.colour, "Code": "\u2003" * n.depth + n.name, "Kind": n.kind.value,
             "Codings": n.codings, "Studies": n.studies, "Description": n.description}
            for n in nodes
        ],
        columns=["Colour", "Code", "Kind", "Codings", "Studies", "Description"],
    )  # fmt: skip
    swatches = frame.style.map(lambda c: f"background-color: {c}; color: {c}", subset=["Colour"])
    columns = {
        "Colour": st.column_config.TextColumn("Colour", width="small"),
        "Code": st.column_config.TextColumn("Code", width="medium"),
    }
    height = min(38 + 35 * len(nodes), 700)
    st.dataframe(swatches, hide_index=True, width="stretch", height=height, column_config=columns)


def pick_code(label: str, nodes: list[CodeNode], key: str) -> CodeNode | None:
    """A selectbox of codes shown by their path; returns the chosen node."""
    by_id = {n.id: n for n in nodes}
    chosen = st.selectbox(
        label, list(by_id), index=None, key=key, placeholder="Choose a code",
        format_func=lambda i: f"{by_id[i].label} ({by_id[i].kind.value})",
    )  # fmt: skip
    return by_id.get(chosen) if chosen is not None else None


def _parent(label: str, nodes: list[CodeNode], key: str) -> int | None:
    names = {TOP: "(top level)"} | {n.id: f"{n.label} ({n.kind.value})" for n in nodes}
    chosen = st.selectbox(label, list(names), format_func=lambda i: names[i], key=key)
    return None if chosen == TOP else chosen


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def add_form(project_id: int, tree: list[CodeNode]) -> None:
    """Create a code under a parent (or at the top level)."""
    flat = codebook.flatten(tree)
    kind = (
        st.selectbox("Kind", list(CodeKind), format_func=lambda k: k.value, key="new_code_kind")
        or CodeKind.OTHER
    )
    parent_id = _parent("Under", flat, "new_code_parent")
    parent = next((n for n in flat if n.id == parent_id), None)
    with st.form("new_code", clear_on_submit=True):
        name = st.text_input("Name", key="new_code_name")
        colour = st.color_picker(
            "Colour",
            parent.colour if parent else DEFAULT_COLOURS[kind],
            key=f"new_code_colour_{parent_id}_{kind}",
        )
        description = st.text_area("Description", key="new_code_description", height=80)
        examples = st.text_area("Examples (one per line)", key="new_code_examples", height=80)
        if st.form_submit_button("Add code", type="primary", key="add_code"):
            act(lambda: _create(project_id, name, kind, parent_id, colour, description, examples))


def _create(
    project_id: int,
    name: str,
    kind: CodeKind,
    parent_id: int | None,
    colour: str,
    description: str,
    examples: str,
) -> str:
    codebook.create_code(
        resources.store(), resources.username(), project_id, name, kind, parent_id=parent_id,
        colour=colour, description=description, examples=_lines(examples),
    )  # fmt: skip
    return f"Added the code {name.strip()!r}."


def edit_form(tree: list[CodeNode]) -> None:
    """Rename, describe and recolour one code."""
    code = pick_code("Code to edit", codebook.flatten(tree), "edit_code")
    if code is None:
        return
    with st.form(f"edit_code_{code.id}_{code.version}"):
        name = st.text_input("Name", code.name, key="edit_code_name")
        colour = st.color_picker("Colour", code.colour, key="edit_code_colour")
        description = st.text_area("Description", code.description, key="edit_code_description", height=80)
        examples = st.text_area("Examples (one per line)", "\n".join(code.examples), key="edit_code_examples")
        if st.form_submit_button("Save changes", type="primary", key="save_code"):

            def save() -> str:
                codebook.update_code(
                    resources.store(), resources.username(), code.id, expected_version=code.version,
                    name=name, description=description, examples=_lines(examples), colour=colour,
                )  # fmt: skip
                return f"Saved {name.strip()!r}."

            act(save)


def move_form(tree: list[CodeNode]) -> None:
    """Put a code (with its sub-codes) under another parent, at a position among its siblings."""
    code = pick_code("Code to move", codebook.flatten(tree), "move_code")
    if code is None:
        return
    parent_id = _parent("New parent", codebook.parent_choices(tree, code.id), f"move_parent_{code.id}")
    siblings = [n for n in codebook.flatten(tree) if n.parent_id == parent_id and n.id != code.id]
    position = st.number_input(
        "Position among its new siblings",
        1,
        len(siblings) + 1,
        len(siblings) + 1,
        key=f"move_position_{code.id}",
    )
    if st.button("Move code", key="move_code_button"):

        def move() -> str:
            codebook.move_code(
                resources.store(), resources.username(), code.id, parent_id, position=int(position) - 1,
                expected_version=code.version,
            )  # fmt: skip
            return f"Moved {code.name!r}."

        act(move)


def merge_form(tree: list[CodeNode]) -> None:
    """Fold one code into another of the same kind."""
    flat = codebook.flatten(tree)
    source = pick_code("Merge this code…", flat, "merge_source")
    if source is None:
        return
    target = pick_code(
        "…into this code", [n for n in flat if n.kind is source.kind and n.id != source.id], "merge_target"
    )
    st.caption(
        f"Its {source.codings} codings, configuration elements, sub-codes and memos go to the target, "
        "then it is deleted. A coding the same coder also made with the target is dropped, its evidence kept."
    )
    if target is not None and st.button("Merge codes", type="primary", key="merge_codes"):

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
            f"Deleting {impact.code!r} also deletes {impact.sub_codes} sub-codes, {impact.codings} codings, "
            f"{impact.excerpts} excerpts left without codes, {impact.memos} memos and "
            f"{impact.configuration_elements} configuration elements{configs}. You can undo it afterwards."
        )
    )
    if st.button(f"Delete it with {impact.codings} codings", type="primary", key="delete_code_button"):

        def delete() -> str:
            snapshot = codebook.delete_code(
                resources.store(), resources.username(), code.id, expected_version=code.version
            )
            state.set_last_deleted_code(snapshot)
            return f"Deleted {impact.code!r}."

        act(delete)


def files_panel(project_id: int) -> None:
    """Download the codebook as YAML, or add the codes of an uploaded codebook file."""
    store, user = resources.store(), resources.username()
    st.download_button(
        "Download codebook.yaml", codebook.export_codebook_yaml(store, user, project_id), "codebook.yaml",
        "application/x-yaml", key="download_codebook",
    )  # fmt: skip
    upload = st.file_uploader("Upload a codebook (YAML)", type=["yaml", "yml"], key="codebook_upload")
    st.caption("Codes already at the same place in the tree are kept; the others are added.")
    if upload is not None and st.button("Import codebook", key="import_codebook"):

        def load() -> str:
            added = codebook.import_codebook_text(store, user, project_id, upload.getvalue())
            return f"Imported {upload.name!r}: {added} codes added."

        act(load)
