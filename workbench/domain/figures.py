"""Counting for the graph views: the programme's evidence, context figures, and what each count means.

Definitions (every count is a number of *distinct studies*, never of excerpts or codings):

* The **studies of an element** (a code in a role of one configuration) are the studies of the
  codings attached to it as evidence.
* **Figure contexts** are the context codes just below the codebook's headings. A heading is an
  ``other`` code (a free grouping), or a top-level context code whose tree is more than two levels
  deep, such as APPEAR's "Contexts" → "Accepting" → "Non-judgemental stance". Every code below a
  figure context is one of its **sub-factors**.
* The **figure of a context X** (any context code) covers the configurations that have a context
  element whose code is X or one of X's sub-factors; X's sub-factors are drawn on the left, whether
  or not a configuration uses them. A mechanism or outcome belongs to X's figure when one of those
  configurations has it.
* A **node's count** (the border width of a mechanism or outcome box, and the count of a
  sub-factor) is the number of distinct studies whose evidence supports that code's element in
  those configurations (the union over the configurations). The count of the figure's context
  itself is the union over its own and its sub-factors' context elements.
* An **edge's count** (line width) is the number of distinct studies that support both ends within
  one configuration: for each configuration holding both codes, the studies of the one element
  intersected with the studies of the other, then the union over configurations. Context → mechanism
  and mechanism → outcome edges are counted this way, as are the overview's Sankey links and the
  context × outcome matrix cells (see :mod:`workbench.domain.overview`).
* Filters work on evidence first (studies, reviewer), then on configurations (status, programme
  theory version); with an evidence filter set, configurations left without evidence are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

from workbench.domain.codebook import CodeKind, children_by_parent
from workbench.domain.configurations import ElementRole


@dataclass(frozen=True)
class CodeRef:
    """A code of the codebook as the figures need it."""

    id: int
    name: str
    kind: CodeKind
    parent_id: int | None
    colour: str
    position: int = 0


@dataclass(frozen=True)
class StudyRef:
    """A study with what the tables and filters need."""

    id: int
    key: str
    citation: str
    reference: str = ""
    country: str = ""
    discipline: str = ""
    participants: int | None = None
    method: str = ""
    relevance: str = ""
    rigour: str = ""
    casp: str = ""
    year: int | None = None


@dataclass(frozen=True)
class Evidence:
    """One coding: the code on an excerpt, where the excerpt is, and who coded it."""

    coding_id: int
    excerpt_id: int
    code_id: int
    study_id: int
    citation: str
    page: int | None
    start: int
    quote: str
    coder: str


@dataclass(frozen=True)
class ConfigElement:
    """A code in a role of one configuration, with the codings supporting it."""

    role: ElementRole
    code_id: int
    evidence: tuple[Evidence, ...] = ()

    @property
    def studies(self) -> frozenset[int]:
        """Distinct studies behind this element."""
        return frozenset(e.study_id for e in self.evidence)


@dataclass(frozen=True)
class ConfigurationData:
    """A configuration (CMOC) with its elements."""

    id: int
    label: str
    statement: str
    status: str
    elements: tuple[ConfigElement, ...]
    nested: bool = False

    def of_role(self, role: ElementRole) -> list[ConfigElement]:
        """The elements in one role, in their order."""
        return [e for e in self.elements if e.role is role]

    @property
    def studies(self) -> frozenset[int]:
        """Distinct studies behind any element: "coded in N papers"."""
        return frozenset(s for e in self.elements for s in e.studies)


@dataclass(frozen=True)
class ProgrammeData:
    """Everything the figures and tables are drawn from, already filtered."""

    codes: tuple[CodeRef, ...]
    studies: tuple[StudyRef, ...]
    configurations: tuple[ConfigurationData, ...]
    codings: tuple[Evidence, ...] = ()
    links: tuple[tuple[int, int], ...] = ()
    notes: tuple[str, ...] = ()

    def code(self, code_id: int) -> CodeRef:
        """The code with this id."""
        return _code_index(self.codes)[code_id]

    def study(self, study_id: int) -> StudyRef:
        """The study with this id."""
        return next(s for s in self.studies if s.id == study_id)


def _code_index(codes: Iterable[CodeRef]) -> dict[int, CodeRef]:
    return {c.id: c for c in codes}


# --- the codebook tree -------------------------------------------------------------------------


def children_of(codes: Iterable[CodeRef]) -> dict[int | None, list[CodeRef]]:
    """Each code's children (key None: the roots), in codebook order."""
    ordered = sorted(codes, key=lambda c: (c.position, c.name, c.id))
    by_id = {c.id: c for c in ordered}
    ids = children_by_parent({c.id: c.parent_id for c in ordered}, by_id)
    return {parent: [by_id[i] for i in kids] for parent, kids in ids.items()}


def tree_order(codes: Iterable[CodeRef]) -> list[CodeRef]:
    """Every code depth first, siblings by position: the order the codebook shows them in."""
    kids = children_of(codes)
    out: list[CodeRef] = []

    def visit(parent: int | None) -> None:
        for child in kids.get(parent, []):
            out.append(child)
            visit(child.id)

    visit(None)
    return out


def subfactors(codes: Iterable[CodeRef], code_id: int) -> list[tuple[CodeRef, int]]:
    """Every code below ``code_id``, depth first in codebook order, with its depth (1 = child)."""
    kids = children_of(codes)
    out: list[tuple[CodeRef, int]] = []

    def visit(parent: int, depth: int) -> None:
        for child in kids.get(parent, []):
            out.append((child, depth))
            visit(child.id, depth + 1)

    visit(code_id, 1)
    return out


def figure_contexts(codes: Iterable[CodeRef]) -> list[CodeRef]:
    """The figure contexts, in codebook order (see the module docstring)."""
    kids = children_of(codes)
    out: list[CodeRef] = []

    def deep(code: CodeRef) -> bool:
        return any(kids.get(child.id) for child in kids.get(code.id, []))

    def visit(code: CodeRef, top: bool) -> None:
        if code.kind is CodeKind.OTHER:
            for child in kids.get(code.id, []):
                visit(child, True)
        elif top and code.kind is CodeKind.CONTEXT and deep(code):
            for child in kids.get(code.id, []):
                visit(child, False)
        elif code.kind is CodeKind.CONTEXT:
            out.append(code)

    for root in kids.get(None, []):
        visit(root, True)
    return out


def rollup_map(codes: Iterable[CodeRef]) -> dict[int, int]:
    """Each context code mapped to its figure context (itself when it is one, or above them all)."""
    codes = list(codes)
    tops = {c.id for c in figure_contexts(codes)}
    index = _code_index(codes)
    out: dict[int, int] = {}
    for code in codes:
        if code.kind is not CodeKind.CONTEXT:
            continue
        ancestor: CodeRef | None = code
        while ancestor is not None and ancestor.id not in tops:
            ancestor = index.get(ancestor.parent_id) if ancestor.parent_id is not None else None
        out[code.id] = ancestor.id if ancestor is not None else code.id
    return out


# --- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """What to keep. None keeps everything; an empty set keeps nothing."""

    study_ids: frozenset[int] | None = None
    coders: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    labels: frozenset[str] | None = None

    @property
    def filters_evidence(self) -> bool:
        """True when evidence (studies or reviewers) is filtered."""
        return self.study_ids is not None or self.coders is not None


def apply_selection(data: ProgrammeData, selection: Selection) -> ProgrammeData:
    """The programme with only the evidence, codings and configurations the selection keeps."""
    if selection == Selection():
        return data  # keeps everything

    def keep(e: Evidence) -> bool:
        return (selection.study_ids is None or e.study_id in selection.study_ids) and (
            selection.coders is None or e.coder in selection.coders
        )

    configs = []
    for config in data.configurations:
        if selection.statuses is not None and config.status not in selection.statuses:
            continue
        if selection.labels is not None and config.label not in selection.labels:
            continue
        elements = tuple(replace(e, evidence=tuple(filter(keep, e.evidence))) for e in config.elements)
        if selection.filters_evidence and not any(e.evidence for e in elements):
            continue
        configs.append(replace(config, elements=elements))
    kept = {c.id for c in configs}
    studies = data.studies
    if selection.study_ids is not None:
        studies = tuple(s for s in studies if s.id in selection.study_ids)
    return replace(
        data,
        studies=studies,
        configurations=tuple(configs),
        codings=tuple(filter(keep, data.codings)),
        links=tuple((a, b) for a, b in data.links if a in kept and b in kept),
    )


# --- nodes and edges --------------------------------------------------------------------------

_PREFIX = {ElementRole.CONTEXT: "c", ElementRole.MECHANISM: "m", ElementRole.OUTCOME: "o"}


def node_key(role: ElementRole, code_id: int) -> str:
    """The key of a code's node in a figure: ``c12``, ``m7``, ``o3``."""
    return f"{_PREFIX[role]}{code_id}"


@dataclass(frozen=True)
class Node:
    """A code in a role, with the studies (and their evidence) behind it in a figure."""

    key: str
    role: ElementRole
    code_id: int
    name: str
    colour: str
    studies: frozenset[int] = frozenset()
    evidence: tuple[Evidence, ...] = ()
    depth: int = 0

    @property
    def n_studies(self) -> int:
        """Distinct studies: the box's border width."""
        return len(self.studies)


@dataclass(frozen=True)
class Edge:
    """A line between two nodes, with the studies supporting both ends."""

    key: str
    source: str
    target: str
    studies: frozenset[int] = frozenset()
    evidence: tuple[Evidence, ...] = ()

    @property
    def n_studies(self) -> int:
        """Distinct studies supporting both ends: the line's width."""
        return len(self.studies)


@dataclass
class _Tally:
    studies: set[int] = field(default_factory=set)
    evidence: dict[int, Evidence] = field(default_factory=dict)

    def add(self, evidence: Iterable[Evidence], studies: Collection[int] | None = None) -> None:
        for e in evidence:
            if studies is None or e.study_id in studies:
                self.studies.add(e.study_id)
                self.evidence[e.coding_id] = e

    def frozen(self) -> tuple[frozenset[int], tuple[Evidence, ...]]:
        ordered = sorted(self.evidence.values(), key=lambda e: (e.citation, e.page or 0, e.start))
        return frozenset(self.studies), tuple(ordered)


@dataclass
class Flows:
    """Node and edge tallies over a set of configurations, with context codes mapped by a function."""

    nodes: dict[tuple[ElementRole, int], _Tally] = field(default_factory=dict)
    edges: dict[tuple[str, str], _Tally] = field(default_factory=dict)

    def tally(self, role: ElementRole, code_id: int) -> _Tally:
        return self.nodes.setdefault((role, code_id), _Tally())


_Member = tuple[ElementRole, int, ConfigElement]


def _pair(flows: Flows, a: _Member, b: _Member) -> None:
    both = a[2].studies & b[2].studies
    tally = flows.edges.setdefault((node_key(a[0], a[1]), node_key(b[0], b[1])), _Tally())
    tally.add(a[2].evidence, both)
    tally.add(b[2].evidence, both)


def collect_flows(
    configurations: Iterable[ConfigurationData],
    context_of: Callable[[int], int | None],
    pairs: tuple[tuple[ElementRole, ElementRole], ...] = (
        (ElementRole.CONTEXT, ElementRole.MECHANISM),
        (ElementRole.MECHANISM, ElementRole.OUTCOME),
    ),
) -> Flows:
    """Tally nodes and edges over configurations. ``context_of`` maps a context element's code to the
    node it counts for (None: outside the view); a configuration without such a context is skipped."""
    flows = Flows()
    for config in configurations:
        members: dict[ElementRole, list[_Member]] = {r: [] for r in ElementRole}
        for element in config.elements:
            code = context_of(element.code_id) if element.role is ElementRole.CONTEXT else element.code_id
            if code is not None:
                members[element.role].append((element.role, code, element))
        if not members[ElementRole.CONTEXT]:
            continue
        for role, code, element in (m for group in members.values() for m in group):
            flows.tally(role, code).add(element.evidence)
        for left, right in pairs:
            for a in members[left]:
                for b in members[right]:
                    _pair(flows, a, b)
    return flows


def make_node(code: CodeRef, role: ElementRole, tally: _Tally | None, depth: int = 0) -> Node:
    """A node for ``code`` from its tally (an empty node without one)."""
    studies, evidence = tally.frozen() if tally else (frozenset[int](), ())
    return Node(node_key(role, code.id), role, code.id, code.name, code.colour, studies, evidence, depth)


def make_edges(flows: Flows) -> tuple[Edge, ...]:
    """The tallied edges that have at least one configuration behind them."""
    out = []
    for (source, target), tally in flows.edges.items():
        studies, evidence = tally.frozen()
        out.append(Edge(f"{source}-{target}", source, target, studies, evidence))
    return tuple(out)


# --- the figure of one context ----------------------------------------------------------------


@dataclass(frozen=True)
class ContextFigure:
    """The nested CMOC infographic of one context: its sub-factors, mechanisms, outcomes and lines."""

    context: Node
    subfactors: tuple[Node, ...]
    mechanisms: tuple[Node, ...]
    outcomes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    configurations: tuple[str, ...]

    def nodes(self) -> tuple[Node, ...]:
        """Every node: the context, its sub-factors, mechanisms and outcomes."""
        return (self.context, *self.subfactors, *self.mechanisms, *self.outcomes)

    def find(self, key: str) -> Node | Edge | None:
        """The node or edge with this key."""
        found: list[Node | Edge] = [*self.nodes(), *self.edges]
        return next((x for x in found if x.key == key), None)


def _in_role(codes: Iterable[CodeRef], flows: Flows, role: ElementRole) -> tuple[Node, ...]:
    return tuple(make_node(c, role, flows.nodes[(role, c.id)]) for c in codes if (role, c.id) in flows.nodes)


def context_figure(data: ProgrammeData, context_id: int) -> ContextFigure:
    """The figure of a context code (see the module docstring for what each count means)."""
    context = data.code(context_id)
    below = subfactors(data.codes, context_id)
    scope = {context_id} | {c.id for c, _ in below}
    configs = [
        c for c in data.configurations if any(e.code_id in scope for e in c.of_role(ElementRole.CONTEXT))
    ]
    flows = collect_flows(configs, lambda code_id: code_id if code_id in scope else None)
    ordered = tree_order(data.codes)
    whole = _Tally()
    for (role, _), tally in flows.nodes.items():
        if role is ElementRole.CONTEXT:
            whole.add(tally.evidence.values())
    return ContextFigure(
        context=make_node(context, ElementRole.CONTEXT, whole),
        subfactors=tuple(
            make_node(c, ElementRole.CONTEXT, flows.nodes.get((ElementRole.CONTEXT, c.id)), depth)
            for c, depth in below
            if c.kind is CodeKind.CONTEXT
        ),
        mechanisms=_in_role(ordered, flows, ElementRole.MECHANISM),
        outcomes=_in_role(ordered, flows, ElementRole.OUTCOME),
        edges=make_edges(flows),
        configurations=tuple(c.label for c in configs),
    )


def drawable_contexts(data: ProgrammeData) -> list[CodeRef]:
    """Figure contexts that have at least one configuration (one infographic each)."""
    used = {e.code_id for c in data.configurations for e in c.of_role(ElementRole.CONTEXT)}
    out = []
    for context in figure_contexts(data.codes):
        scope = {context.id} | {c.id for c, _ in subfactors(data.codes, context.id)}
        if scope & used:
            out.append(context)
    return out
