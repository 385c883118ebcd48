"""The codebook: a tree of context, mechanism, outcome and other codes, and its YAML file format."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from workbench.domain.errors import Invalid


class CodeKind(StrEnum):
    """What a code stands for in a context-mechanism-outcome configuration."""

    CONTEXT = "context"
    MECHANISM = "mechanism"
    OUTCOME = "outcome"
    OTHER = "other"


class CodebookError(Invalid):
    """A codebook file that does not follow the format; the message says where."""


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOURS = {
    CodeKind.CONTEXT: "#1f77b4",
    CodeKind.MECHANISM: "#ff7f0e",
    CodeKind.OUTCOME: "#7f7f7f",
    CodeKind.OTHER: "#9e9e9e",
}


@dataclass(frozen=True)
class CodeSpec:
    """One code of a codebook file, with its children."""

    name: str
    kind: CodeKind
    description: str = ""
    colour: str | None = None
    examples: tuple[str, ...] = ()
    children: tuple[CodeSpec, ...] = field(default_factory=tuple)

    def walk(self, parents: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], CodeSpec]]:
        """Yield ``(path of parent names, code)`` for this code and every descendant, depth first."""
        yield parents, self
        for child in self.children:
            yield from child.walk((*parents, self.name))


def parse_codebook(data: Any) -> list[CodeSpec]:
    """Validate the loaded YAML of a codebook file (top key ``codes:``) into code specs."""
    if not isinstance(data, dict) or "codes" not in data:
        raise CodebookError("a codebook needs a top-level 'codes:' list")
    return _parse_list(data["codes"], "codes")


def _parse_list(items: Any, where: str) -> list[CodeSpec]:
    if not isinstance(items, list):
        raise CodebookError(f"{where}: expected a list of codes")
    return [_parse_code(item, f"{where}[{i}]") for i, item in enumerate(items)]


def _parse_code(item: Any, where: str) -> CodeSpec:
    if not isinstance(item, dict):
        raise CodebookError(f"{where}: expected a mapping with at least 'name' and 'kind'")
    unknown = set(item) - {"name", "kind", "description", "colour", "examples", "children"}
    if unknown:
        raise CodebookError(f"{where}: unknown keys {sorted(unknown)}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise CodebookError(f"{where}: 'name' must be a non-empty string")
    where = f"{where} ({name!r})"
    try:
        kind = CodeKind(str(item.get("kind")))
    except ValueError:
        kinds = ", ".join(k.value for k in CodeKind)
        raise CodebookError(f"{where}: 'kind' must be one of {kinds}") from None
    colour = item.get("colour")
    if colour is not None and (not isinstance(colour, str) or not _COLOUR.match(colour)):
        raise CodebookError(f"{where}: 'colour' must look like #1f77b4")
    examples = item.get("examples") or []
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise CodebookError(f"{where}: 'examples' must be a list of strings")
    description = item.get("description") or ""
    if not isinstance(description, str):
        raise CodebookError(f"{where}: 'description' must be a string")
    children = _parse_list(item.get("children") or [], f"{where}.children")
    return CodeSpec(name.strip(), kind, description, colour, tuple(examples), tuple(children))


def dump_codebook(codes: list[CodeSpec]) -> dict[str, Any]:
    """The YAML-ready mapping of a codebook, the inverse of :func:`parse_codebook`."""
    return {"codes": [_dump_code(code) for code in codes]}


def _dump_code(code: CodeSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"name": code.name, "kind": code.kind.value}
    if code.description:
        out["description"] = code.description
    if code.colour:
        out["colour"] = code.colour
    if code.examples:
        out["examples"] = list(code.examples)
    if code.children:
        out["children"] = [_dump_code(child) for child in code.children]
    return out


def iter_codes(codes: list[CodeSpec]) -> Iterator[tuple[tuple[str, ...], CodeSpec]]:
    """Every code in the tree with the names of its parents."""
    for code in codes:
        yield from code.walk()


MAX_NAME_LENGTH = 300


def check_name(name: str) -> str:
    """A code name without surrounding spaces; refuses an empty or overlong name."""
    name = name.strip()
    if not name:
        raise CodebookError("a code needs a name")
    if len(name) > MAX_NAME_LENGTH:
        raise CodebookError(f"a code name has at most {MAX_NAME_LENGTH} characters")
    return name


def check_colour(colour: str) -> str:
    """A colour written as ``#rrggbb``, in lower case; refuses anything else."""
    colour = colour.strip()
    if not _COLOUR.match(colour):
        raise CodebookError(f"{colour!r} is not a colour like #1f77b4")
    return colour.lower()


def _a(kind: CodeKind) -> str:
    return f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value}"


def fits_under(kind: CodeKind, parent_kind: CodeKind | None) -> bool:
    """A sub-code refines its parent, so it has the parent's kind (a sub-context of a context);
    only an ``other`` code is a free grouping that may hold codes of any kind."""
    return parent_kind is None or parent_kind is CodeKind.OTHER or kind is parent_kind


def check_placement(kind: CodeKind, parent_kind: CodeKind | None) -> None:
    """Refuse putting a code under a parent it does not fit (see :func:`fits_under`)."""
    if parent_kind is not None and not fits_under(kind, parent_kind):
        raise CodebookError(f"{_a(kind)} code cannot be a sub-code of {_a(parent_kind)} code")


def check_merge(source: CodeKind, target: CodeKind) -> None:
    """Codings of one code can only be merged into a code of the same kind."""
    if source is not target:
        raise CodebookError(f"{_a(source)} code cannot be merged into {_a(target)} code")


def check_no_cycle(code_id: int, new_parent_id: int | None, parents: dict[int, int | None]) -> None:
    """Refuse moving a code under itself or one of its descendants (``parents``: id -> parent id)."""
    seen: set[int] = set()
    ancestor = new_parent_id
    while ancestor is not None and ancestor not in seen:
        if ancestor == code_id:
            raise CodebookError("a code cannot be moved under itself or one of its sub-codes")
        seen.add(ancestor)
        ancestor = parents.get(ancestor)


# --- the code tree of a project: ids and parent ids, walked here and nowhere else ------------------


def children_by_parent(
    parents: Mapping[int, int | None], order: Iterable[int] | None = None
) -> dict[int | None, list[int]]:
    """Each code's children (key None: the roots, and codes whose parent is not in ``parents``),
    in the order of ``order`` (default: by id)."""
    out: dict[int | None, list[int]] = {}
    for code_id in order if order is not None else sorted(parents):
        parent_id = parents.get(code_id)
        out.setdefault(parent_id if parent_id in parents else None, []).append(code_id)
    return out


def walk_tree(children: Mapping[int | None, list[int]], root: int | None = None) -> Iterator[tuple[int, int]]:
    """(code id, depth) below ``root`` (None: the whole tree), depth first in sibling order; depth 0 is
    a child of ``root``. A code met twice (a cycle) is not walked again."""
    seen: set[int] = {root} if root is not None else set()
    stack = [(child, 0) for child in reversed(children.get(root, []))]
    while stack:
        code_id, depth = stack.pop()
        if code_id in seen:
            continue
        seen.add(code_id)
        yield code_id, depth
        stack.extend((child, depth + 1) for child in reversed(children.get(code_id, [])))


def subtree(parents: Mapping[int, int | None], root_id: int) -> list[int]:
    """The code and all its sub-codes, each parent before its children."""
    return [root_id, *(code_id for code_id, _depth in walk_tree(children_by_parent(parents), root_id))]


def ancestors(parents: Mapping[int, int | None], code_id: int) -> list[int]:
    """The code's parent, grandparent and so on up to its root (a cycle stops the climb)."""
    out: list[int] = []
    parent = parents.get(code_id)
    while parent is not None and parent in parents and parent not in out and parent != code_id:
        out.append(parent)
        parent = parents.get(parent)
    return out


def code_paths(
    names: Mapping[int, str], parents: Mapping[int, int | None], separator: str = " / "
) -> dict[int, str]:
    """Each code's path from its root, e.g. "Mechanisms / Others are safe" (``separator`` between)."""
    return {
        code_id: separator.join([*(names[p] for p in reversed(ancestors(parents, code_id))), name])
        for code_id, name in names.items()
    }


@dataclass(frozen=True)
class CodeUsage:
    """How much a code was used: its own codings and studies, and those of it with all its sub-codes."""

    codings: int = 0
    studies: int = 0
    codings_with_sub_codes: int = 0
    studies_with_sub_codes: int = 0

    @property
    def has_sub_code_use(self) -> bool:
        """Whether the sub-codes add anything to the code's own counts."""
        return (self.codings_with_sub_codes, self.studies_with_sub_codes) != (self.codings, self.studies)


def roll_up_usage(
    parents: Mapping[int, int | None], codings_by_study: Mapping[int, Mapping[int, int]]
) -> dict[int, CodeUsage]:
    """Each code's usage, own and rolled up over its sub-codes (``parents``: code id -> parent id;
    ``codings_by_study``: code id -> study id -> codings). Codings add up down the tree; studies are
    distinct, so a study coded under two sub-codes counts once for their parent. A parent missing from
    ``parents`` makes its child a root; a cycle is cut where it closes."""
    children = children_by_parent(parents)
    usage: dict[int, CodeUsage] = {}
    studies_below: dict[int, set[int]] = {}

    def visit(code_id: int, path: frozenset[int]) -> None:
        own = codings_by_study.get(code_id, {})
        codings, studies = sum(own.values()), set(own)
        for child in children.get(code_id, []):
            if child in path or child in usage:
                continue
            visit(child, path | {child})
            codings += usage[child].codings_with_sub_codes
            studies |= studies_below[child]
        studies_below[code_id] = studies
        usage[code_id] = CodeUsage(sum(own.values()), len(own), codings, len(studies))

    for code_id in parents:
        if code_id not in usage:
            root = _root_of(code_id, parents)
            visit(root, frozenset({root}))
    for code_id in parents:  # codes on a cycle not reached from any root
        if code_id not in usage:
            visit(code_id, frozenset({code_id}))
    return usage


def _root_of(code_id: int, parents: Mapping[int, int | None]) -> int:
    above = ancestors(parents, code_id)
    return above[-1] if above else code_id
