"""Codebook forms: add, edit (rename, describe, recolour) and move codes."""

from __future__ import annotations

import streamlit as st

from workbench.domain.codebook import DEFAULT_COLOURS, CodeKind
from workbench.services import codebook
from workbench.services.codebook import CodeNode
from workbench.ui import resources
from workbench.ui.codebook_panels import act, parent_picker, pick_code, split_lines


def add_form(project_id: int, tree: list[CodeNode]) -> None:
    """Create a code under a parent (or at the top level)."""
    flat = codebook.flatten(tree)
    kind = (
        st.selectbox("Kind", list(CodeKind), format_func=lambda k: k.value, key="new_code_kind")
        or CodeKind.OTHER
    )
    parent_id = parent_picker("Under", flat, "new_code_parent")
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
        colour=colour, description=description, examples=split_lines(examples),
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
                    name=name, description=description, examples=split_lines(examples), colour=colour,
                )  # fmt: skip
                return f"Saved {name.strip()!r}."

            act(save)


def move_form(tree: list[CodeNode]) -> None:
    """Put a code (with its sub-codes) under another parent, at a position among its siblings."""
    code = pick_code("Code to move", codebook.flatten(tree), "move_code")
    if code is None:
        return
    parent_id = parent_picker("New parent", codebook.parent_choices(tree, code.id), f"move_parent_{code.id}")
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
