"""Codebook use cases: the code tree with its counts, editing codes, and the YAML round trip.

Merging lives in ``code_merge`` and deleting (with undo) in ``code_deletion``; both are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.codebook import (
    DEFAULT_COLOURS,
    CodebookError,
    CodeKind,
    CodeSpec,
    check_colour,
    check_name,
    check_no_cycle,
    check_placement,
    children_by_parent,
    fits_under,
    roll_up_usage,
)
from workbench.importers.codebook import read_codebook, write_codebook
from workbench.services.access import Action, require
from workbench.services.code_deletion import (
    DeletedCode,
    DeletionImpact,
    delete_code,
    deletion_impact,
    restore_code,
)
from workbench.services.code_merge import MergeImpact, MergeResult, merge_codes, merge_impact
from workbench.services.errors import NotFound
from workbench.services.rows.codes import (
    StaleCode,
    audit,
    check_version,
    code_dict,
    codings_by_study,
    editing,
    load_code,
    parent_map,
    renumber,
    siblings,
)
from workbench.services.visibility import codings_visible_to
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Code

__all__ = [
    "CodeNode", "DeletedCode", "DeletionImpact", "MergeImpact", "MergeResult", "StaleCode", "add_codes",
    "codebook_tree", "create_code", "delete_code", "deletion_impact", "describe_code", "export_codebook_yaml",
    "flatten", "import_codebook", "import_codebook_text", "merge_codes", "merge_impact", "move_code",
    "parent_choices", "recolour_code", "rename_code", "restore_code", "search_tree", "update_code",
]  # fmt: skip


@dataclass(frozen=True)
class CodeNode:
    """A code in the tree, with how often it was applied and in how many studies: by itself, and
    together with all its sub-codes (codings add up; studies are distinct)."""

    id: int
    name: str
    kind: CodeKind
    colour: str
    description: str
    examples: tuple[str, ...]
    parent_id: int | None
    depth: int
    path: tuple[str, ...]
    codings: int
    studies: int
    codings_with_sub_codes: int
    studies_with_sub_codes: int
    version: int
    children: tuple[CodeNode, ...]

    @property
    def label(self) -> str:
        """The code's names from the root down, e.g. ``Contexts › Accepting``."""
        return " › ".join(self.path)


def flatten(nodes: Iterable[CodeNode]) -> list[CodeNode]:
    """Every node of the tree, depth first, in position order."""
    out: list[CodeNode] = []
    for node in nodes:
        out.append(node)
        out.extend(flatten(node.children))
    return out


def search_tree(nodes: Iterable[CodeNode], query: str) -> list[CodeNode]:
    """The flattened tree, or with a query only the codes whose name, description or examples contain it
    (ignoring case), with their parents for context."""
    flat = flatten(nodes)
    needle = query.strip().casefold()
    if not needle:
        return flat
    by_id = {n.id: n for n in flat}
    keep: set[int] = set()
    for node in flat:
        if any(needle in text.casefold() for text in (node.name, node.description, *node.examples)):
            ancestor: CodeNode | None = node
            while ancestor is not None:
                keep.add(ancestor.id)
                ancestor = by_id.get(ancestor.parent_id) if ancestor.parent_id is not None else None
    return [n for n in flat if n.id in keep]


def parent_choices(nodes: Iterable[CodeNode], code_id: int) -> list[CodeNode]:
    """The codes a code may move under: neither itself nor one of its sub-codes, and of a fitting kind."""
    flat = flatten(nodes)
    code = next(n for n in flat if n.id == code_id)
    own = {n.id for n in flatten([code])}
    return [n for n in flat if n.id not in own and fits_under(code.kind, n.kind)]


def codebook_tree(store: Store, username: str, project_id: int) -> list[CodeNode]:
    """The project's codes as a tree in position order, with codings and studies per code, own and
    rolled up over its sub-codes."""
    with store.transaction() as session:
        user = require(session, project_id, username, Action.READ_STUDIES)
        codes = session.scalars(
            select(Code).where(Code.project_id == project_id).order_by(Code.position, Code.id)
        ).all()
        counts = codings_by_study(session, project_id, codings_visible_to(session, project_id, user.id))
    usage = roll_up_usage({c.id: c.parent_id for c in codes}, counts)
    by_id = {c.id: c for c in codes}
    children = children_by_parent({c.id: c.parent_id for c in codes}, [c.id for c in codes])

    def build(code: Code, path: tuple[str, ...]) -> CodeNode:
        use = usage[code.id]
        kids = tuple(build(by_id[child], (*path, code.name)) for child in children.get(code.id, []))
        return CodeNode(
            code.id, code.name, code.kind, code.colour, code.description, tuple(code.examples),
            code.parent_id, len(path), (*path, code.name), use.codings, use.studies,
            use.codings_with_sub_codes, use.studies_with_sub_codes, code.version_id, kids,
        )  # fmt: skip

    return [build(by_id[code_id], ()) for code_id in children.get(None, [])]


def _unique_among(
    session: Session, project_id: int, parent_id: int | None, name: str, code_id: int | None
) -> None:
    for sibling in siblings(session, project_id, parent_id, without=code_id):
        if sibling.name.casefold() == name.casefold():
            raise CodebookError(f"there is already a code named {sibling.name!r} at that place in the tree")


def _parent(session: Session, project_id: int, parent_id: int | None) -> Code | None:
    if parent_id is None:
        return None
    parent = session.get(Code, parent_id)
    if parent is None or parent.project_id != project_id:
        raise NotFound(f"code {parent_id} is not in this project")
    return parent


def create_code(
    store: Store,
    username: str,
    project_id: int,
    name: str,
    kind: CodeKind,
    *,
    parent_id: int | None = None,
    colour: str | None = None,
    description: str = "",
    examples: Sequence[str] = (),
) -> int:
    """Add a code at the end of its parent's sub-codes (or of the root level); returns its id."""
    name = check_name(name)
    with editing(store) as session:
        user = require(session, project_id, username, Action.EDIT_CODEBOOK)
        parent = _parent(session, project_id, parent_id)
        check_placement(kind, parent.kind if parent else None)
        _unique_among(session, project_id, parent_id, name, None)
        spec = CodeSpec(
            name, kind, description.strip(), check_colour(colour) if colour else None, _clean(examples)
        )
        code = _new_code(project_id, spec, parent, len(siblings(session, project_id, parent_id)))
        session.add(code)
        session.flush()
        audit(session, user, project_id, AuditAction.CREATE, code.id, after=code_dict(code))
        return code.id


def _clean(examples: Iterable[str]) -> tuple[str, ...]:
    return tuple(e.strip() for e in examples if e.strip())


def _edit(
    store: Store, username: str, code_id: int, expected_version: int, change: Callable[[Session, Code], None]
) -> None:
    """Apply one change to a code at the version the user saw, and record it (unless nothing changed)."""
    with editing(store) as session:
        code, user = load_code(session, code_id, username)
        check_version(code, expected_version)
        before = code_dict(code)
        change(session, code)
        if code_dict(code) == before:
            return
        session.flush()
        audit(
            session, user, code.project_id, AuditAction.UPDATE, code.id, before=before, after=code_dict(code)
        )


def rename_code(store: Store, username: str, code_id: int, name: str, *, expected_version: int) -> None:
    """Give a code a new name (unique among its siblings)."""
    update_code(store, username, code_id, expected_version=expected_version, name=name)


def describe_code(
    store: Store,
    username: str,
    code_id: int,
    description: str,
    examples: Sequence[str],
    *,
    expected_version: int,
) -> None:
    """Set a code's description and its example phrases (blank examples are dropped)."""
    update_code(
        store,
        username,
        code_id,
        expected_version=expected_version,
        description=description,
        examples=examples,
    )


def recolour_code(store: Store, username: str, code_id: int, colour: str, *, expected_version: int) -> None:
    """Give a code a new highlight colour (``#rrggbb``)."""
    update_code(store, username, code_id, expected_version=expected_version, colour=colour)


def update_code(
    store: Store,
    username: str,
    code_id: int,
    *,
    expected_version: int,
    name: str | None = None,
    description: str | None = None,
    examples: Sequence[str] | None = None,
    colour: str | None = None,
) -> None:
    """Rename, describe and recolour a code in one change (one audit entry); None leaves a field as is."""
    name = None if name is None else check_name(name)
    colour = None if colour is None else check_colour(colour)

    def change(session: Session, code: Code) -> None:
        if name is not None and name != code.name:
            _unique_among(session, code.project_id, code.parent_id, name, code.id)
            code.name = name
        if description is not None:
            code.description = description.strip()
        if examples is not None:
            code.examples = list(_clean(examples))
        if colour is not None:
            code.colour = colour

    _edit(store, username, code_id, expected_version, change)


def move_code(
    store: Store,
    username: str,
    code_id: int,
    parent_id: int | None,
    *,
    position: int | None = None,
    expected_version: int,
) -> None:
    """Put a code (with its sub-codes) under another parent, or at the root, at ``position``
    among its new siblings (default: last)."""

    def change(session: Session, code: Code) -> None:
        if parent_id != code.parent_id:
            parent = _parent(session, code.project_id, parent_id)
            check_no_cycle(code.id, parent_id, parent_map(session, code.project_id))
            check_placement(code.kind, parent.kind if parent else None)
            _unique_among(session, code.project_id, parent_id, code.name, code.id)
            renumber(siblings(session, code.project_id, code.parent_id, without=code.id))
        new_siblings = siblings(session, code.project_id, parent_id, without=code.id)
        at = len(new_siblings) if position is None else max(0, min(position, len(new_siblings)))
        new_siblings.insert(at, code)
        code.parent_id = parent_id
        renumber(new_siblings)

    _edit(store, username, code_id, expected_version, change)


def _new_code(project_id: int, spec: CodeSpec, parent: Code | None, position: int) -> Code:
    """A code row from a spec; without a colour it takes its parent's, else its kind's default."""
    return Code(
        project_id=project_id,
        parent_id=parent.id if parent else None,
        name=spec.name,
        kind=spec.kind,
        colour=spec.colour or (parent.colour if parent else DEFAULT_COLOURS[spec.kind]),
        description=spec.description,
        examples=list(spec.examples),
        position=position,
    )


def add_codes(session: Session, project_id: int, specs: list[CodeSpec]) -> dict[str, Code]:
    """Insert a codebook tree under a project; returns name -> code of every code added."""
    added: dict[str, Code] = {}

    def add(spec: CodeSpec, parent: Code | None, position: int) -> None:
        code = _new_code(project_id, spec, parent, position)
        session.add(code)
        session.flush()
        added[spec.name] = code
        for i, child in enumerate(spec.children):
            add(child, code, i)

    for i, spec in enumerate(specs):
        add(spec, None, i)
    return added


def _merge_in(
    session: Session, project_id: int, specs: Iterable[CodeSpec], parent: Code | None
) -> list[Code]:
    """Add the specs missing under ``parent``; codes already there (same name) are kept as they are."""
    present = {c.name.casefold(): c for c in siblings(session, project_id, parent.id if parent else None)}
    added: list[Code] = []
    for spec in specs:
        code = present.get(spec.name.casefold())
        if code is None:
            code = _new_code(project_id, spec, parent, len(present))
            session.add(code)
            session.flush()
            present[spec.name.casefold()] = code
            added.append(code)
        added += _merge_in(session, project_id, spec.children, code)
    return added


def _import(store: Store, username: str, project_id: int, specs: list[CodeSpec]) -> int:
    with editing(store) as session:
        user = require(session, project_id, username, Action.EDIT_CODEBOOK)
        added = _merge_in(session, project_id, specs, None)
        for code in added:
            audit(
                session,
                user,
                project_id,
                AuditAction.CREATE,
                code.id,
                after=code_dict(code) | {"imported": True},
            )
        return len(added)


def import_codebook(store: Store, username: str, project_id: int, path: Path) -> int:
    """Add the codes of a codebook YAML file to a project (codes already at the same place in the
    tree are kept); returns how many were added."""
    return _import(store, username, project_id, read_codebook(path.read_bytes()))


def import_codebook_text(store: Store, username: str, project_id: int, data: str | bytes) -> int:
    """Like :func:`import_codebook`, from an upload's text or bytes; CodebookError says what is wrong."""
    return _import(store, username, project_id, read_codebook(data))


def _spec(node: CodeNode) -> CodeSpec:
    children = tuple(_spec(child) for child in node.children)
    return CodeSpec(node.name, node.kind, node.description, node.colour, node.examples, children)


def export_codebook_yaml(store: Store, username: str, project_id: int) -> str:
    """The project's codebook as YAML, in the format of ``sample_corpus/codebook.yaml``."""
    return write_codebook([_spec(node) for node in codebook_tree(store, username, project_id)])
