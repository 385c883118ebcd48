"""The codebook: a tree of context, mechanism, outcome and other codes, and its YAML file format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CodeKind(StrEnum):
    """What a code stands for in a context-mechanism-outcome configuration."""

    CONTEXT = "context"
    MECHANISM = "mechanism"
    OUTCOME = "outcome"
    OTHER = "other"


class CodebookError(ValueError):
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
