"""Context-mechanism-outcome configurations (CMOCs): what makes one valid, and how evidence counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from workbench.domain.codebook import CodeKind
from workbench.domain.errors import Invalid


class ConfigurationError(Invalid):
    """A configuration whose parts do not form a context-mechanism-outcome configuration."""


class ElementRole(StrEnum):
    """The part a code plays in a configuration."""

    CONTEXT = "context"
    MECHANISM = "mechanism"
    OUTCOME = "outcome"


class ConfigurationStatus(StrEnum):
    """Where a configuration stands as the programme theory is tested."""

    PROPOSED = "proposed"
    SUPPORTED = "supported"
    REVISED = "revised"
    REFUTED = "refuted"


class CodingMode(StrEnum):
    """How a code was arrived at for an excerpt."""

    INDUCTIVE = "inductive"
    DEDUCTIVE = "deductive"
    RETRODUCTIVE = "retroductive"


_ROLE_KIND = {
    ElementRole.CONTEXT: CodeKind.CONTEXT,
    ElementRole.MECHANISM: CodeKind.MECHANISM,
    ElementRole.OUTCOME: CodeKind.OUTCOME,
}


@dataclass(frozen=True)
class Element:
    """One code in a configuration, in a role."""

    role: ElementRole
    code: str
    kind: CodeKind


def check_elements(elements: Iterable[Element]) -> None:
    """Refuse a configuration lacking a context, a mechanism or an outcome, or with a code in the
    wrong role (a mechanism code used as the context, say)."""
    elements = list(elements)
    for element in elements:
        if element.kind is not _ROLE_KIND[element.role]:
            raise ConfigurationError(
                f"code {element.code!r} is a {element.kind.value} and cannot be the "
                f"{element.role.value} of a configuration"
            )
    missing = [role.value for role in ElementRole if not any(e.role is role for e in elements)]
    if missing:
        raise ConfigurationError(f"a configuration needs at least one {' and '.join(missing)}")


def count_studies(evidence_studies: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Distinct studies behind each key (an element or a whole configuration): "coded in N papers"."""
    return {key: len(set(studies)) for key, studies in evidence_studies.items()}


def is_nested(excerpt_kinds: Iterable[set[CodeKind]]) -> bool:
    """A configuration is nested when one excerpt alone carries a context, a mechanism and an outcome."""
    needed = {CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME}
    return any(needed <= kinds for kinds in excerpt_kinds)


@dataclass(frozen=True)
class CodedItem:
    """A coding as the co-occurrence search sees it: where it is and what code it carries."""

    coding_id: int
    study: str
    group: str  # the excerpt or paragraph the coding falls in
    code: str
    kind: CodeKind
    code_id: int


@dataclass(frozen=True)
class Candidate:
    """A context, mechanism and outcome found together, proposed as a configuration."""

    context: str
    mechanism: str
    outcome: str
    studies: tuple[str, ...]
    coding_ids: tuple[int, ...]
    code_ids: tuple[int, int, int]  # the context, mechanism and outcome codes

    @property
    def n_studies(self) -> int:
        """Distinct studies in which the three were found together."""
        return len(self.studies)


def co_occurrences(items: Iterable[CodedItem]) -> list[Candidate]:
    """Every context-mechanism-outcome triple coded together within one group (excerpt or
    paragraph), with the studies and codings behind it; most widely found first."""
    groups: dict[str, list[CodedItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    found: dict[tuple[int, int, int], tuple[tuple[str, str, str], set[str], set[int]]] = {}
    for members in groups.values():
        by_kind = {kind: [m for m in members if m.kind is kind] for kind in CodeKind}
        for c in by_kind[CodeKind.CONTEXT]:
            for m in by_kind[CodeKind.MECHANISM]:
                for o in by_kind[CodeKind.OUTCOME]:
                    key = (c.code_id, m.code_id, o.code_id)
                    _names, studies, codings = found.setdefault(key, ((c.code, m.code, o.code), set(), set()))
                    studies.add(c.study)
                    codings.update((c.coding_id, m.coding_id, o.coding_id))
    candidates = [
        Candidate(*names, tuple(sorted(studies)), tuple(sorted(codings)), key)
        for key, (names, studies, codings) in found.items()
    ]
    return sorted(
        candidates, key=lambda x: (-x.n_studies, -len(x.coding_ids), x.context, x.mechanism, x.outcome)
    )


def paragraph_bounds(text: str) -> list[int]:
    """Start offsets of the paragraphs of a text (separated by blank lines)."""
    starts = [0]
    index = text.find("\n\n")
    while index != -1:
        end = index
        while end < len(text) and text[end] in "\r\n":
            end += 1
        if end < len(text):
            starts.append(end)
        index = text.find("\n\n", end)
    return starts


def find_cycles(links: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Feedback loops in configuration chains (outcome of one feeding the context of another)."""
    graph: dict[int, list[int]] = {}
    for a, b in links:
        graph.setdefault(a, []).append(b)
    cycles: list[list[int]] = []
    seen: set[tuple[int, ...]] = set()

    def visit(node: int, path: list[int]) -> None:
        for nxt in graph.get(node, []):
            if nxt in path:
                cycle = path[path.index(nxt) :]
                key = tuple(sorted(cycle))
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle)
            else:
                visit(nxt, [*path, nxt])

    for start in sorted(graph):
        visit(start, [start])
    return cycles
