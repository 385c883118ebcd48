"""Whole-programme views: the Sankey, the context × outcome and study × code matrices, and chains.

Counts (distinct studies unless said otherwise; see :mod:`workbench.domain.figures`):

* **Sankey** nodes are contexts (rolled up to their figure context, or each context code as used),
  mechanisms and outcomes; a node's count is the union of the studies of its elements; a link's width
  is the number of studies supporting both ends within one configuration (union over configurations).
  Links without a study are left out, since a Sankey cannot draw them.
* **Context × outcome** cell: for each configuration holding the context (rolled up or as used) and
  the outcome, the studies of the context element intersected with those of the outcome element,
  united over configurations.
* **Study × code** cell: the number of distinct excerpts of that study coded with that code (any
  coding, whether or not it is a configuration's evidence); columns are codes with at least one coding.
* **Chains**: configurations linked outcome → context; a link is in a feedback loop when it lies on a
  cycle. Each configuration gets a layer (longest path from a configuration with no incoming link,
  ignoring the links that close loops) and a row within its layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import ElementRole, find_cycles
from workbench.domain.figures import (
    CodeRef,
    Edge,
    Evidence,
    Node,
    ProgrammeData,
    collect_flows,
    make_edges,
    make_node,
    rollup_map,
    tree_order,
)


@dataclass(frozen=True)
class Sankey:
    """Context → mechanism → outcome flows across the programme theory."""

    nodes: tuple[Node, ...]
    links: tuple[Edge, ...]

    def find(self, key: str) -> Node | Edge | None:
        """The node or link with this key."""
        found: list[Node | Edge] = [*self.nodes, *self.links]
        return next((x for x in found if x.key == key), None)


def _ordered(codes: Iterable[CodeRef]) -> list[CodeRef]:
    return tree_order(codes)


def _context_mapper(data: ProgrammeData, rollup: bool) -> dict[int, int]:
    mapping = rollup_map(data.codes)
    return mapping if rollup else {code: code for code in mapping}


def sankey(data: ProgrammeData, rollup: bool = True) -> Sankey:
    """The overview Sankey; with ``rollup`` contexts are counted for their figure context."""
    mapping = _context_mapper(data, rollup)
    flows = collect_flows(data.configurations, mapping.get)
    nodes = [
        make_node(code, role, flows.nodes[(role, code.id)])
        for role in ElementRole
        for code in _ordered(data.codes)
        if (role, code.id) in flows.nodes
    ]
    links = tuple(e for e in make_edges(flows) if e.n_studies)
    return Sankey(tuple(nodes), links)


@dataclass(frozen=True)
class Cell:
    """One matrix cell: its value, the studies behind it and their evidence."""

    row: str
    column: str
    value: int
    studies: frozenset[int]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Matrix:
    """A matrix with labelled rows and columns; cells absent from ``cells`` are zero."""

    title: str
    rows: tuple[tuple[str, str], ...]  # (key, label)
    columns: tuple[tuple[str, str], ...]
    cells: tuple[Cell, ...]

    def cell(self, row: str, column: str) -> Cell | None:
        """The cell at a row and column key, if not empty."""
        return next((c for c in self.cells if c.row == row and c.column == column), None)

    def values(self) -> list[list[int]]:
        """The cell values row by row (zeros included)."""
        found = {(c.row, c.column): c.value for c in self.cells}
        return [[found.get((r, c), 0) for c, _ in self.columns] for r, _ in self.rows]


ROLE_C, ROLE_O = ElementRole.CONTEXT, ElementRole.OUTCOME


def context_outcome_matrix(data: ProgrammeData, rollup: bool = False) -> Matrix:
    """Contexts (as used, or rolled up) by outcomes; each cell counts studies supporting both."""
    mapping = _context_mapper(data, rollup)
    flows = collect_flows(data.configurations, mapping.get, ((ElementRole.CONTEXT, ElementRole.OUTCOME),))
    ordered = _ordered(data.codes)
    rows = [make_node(c, ROLE_C, None) for c in ordered if (ROLE_C, c.id) in flows.nodes]
    columns = [make_node(c, ROLE_O, None) for c in ordered if (ROLE_O, c.id) in flows.nodes]
    place = {n.key: i for i, n in enumerate([*rows, *columns])}
    edges = sorted(
        (e for e in make_edges(flows) if e.n_studies), key=lambda e: (place[e.source], place[e.target])
    )
    cells = tuple(Cell(e.source, e.target, e.n_studies, e.studies, e.evidence) for e in edges)
    return Matrix(
        "Studies supporting context and outcome together",
        tuple((n.key, n.name) for n in rows),
        tuple((n.key, n.name) for n in columns),
        cells,
    )


def study_code_matrix(data: ProgrammeData) -> Matrix:
    """Studies by codes: how many excerpts of each study carry each code."""
    grouped: dict[tuple[int, int], list[Evidence]] = {}
    for coding in data.codings:
        grouped.setdefault((coding.study_id, coding.code_id), []).append(coding)
    used = {code for _, code in grouped}
    kinds = list(CodeKind)
    columns = [c for c in _ordered(data.codes) if c.id in used]
    columns.sort(key=lambda c: kinds.index(c.kind))
    studies = sorted(data.studies, key=lambda s: (s.citation, s.key))
    cells = tuple(
        Cell(
            f"s{study_id}",
            f"k{code_id}",
            len({e.excerpt_id for e in found}),
            frozenset({study_id}),
            tuple(sorted(found, key=lambda e: e.start)),
        )
        for (study_id, code_id), found in sorted(grouped.items())
    )
    return Matrix(
        "Excerpts coded, by study and code",
        tuple((f"s{s.id}", s.citation) for s in studies),
        tuple((f"k{c.id}", c.name) for c in columns),
        cells,
    )


@dataclass(frozen=True)
class ChainNode:
    """A configuration in the chain graph, with its layer (column) and row."""

    id: int
    label: str
    statement: str
    layer: int
    row: int


@dataclass(frozen=True)
class ChainLink:
    """A link: the outcome of ``source`` acting as the context of ``target``."""

    source: int
    target: int
    in_loop: bool


@dataclass(frozen=True)
class ChainGraph:
    """Chained configurations, their links and the feedback loops (as label cycles)."""

    nodes: tuple[ChainNode, ...]
    links: tuple[ChainLink, ...]
    loops: tuple[tuple[str, ...], ...]


def _layers(ids: list[int], links: list[tuple[int, int]], back: set[tuple[int, int]]) -> dict[int, int]:
    forward = [(a, b) for a, b in links if (a, b) not in back]
    layer = dict.fromkeys(ids, 0)
    for _ in ids:  # longest path by relaxation; the forward links form a DAG
        changed = False
        for a, b in forward:
            if layer[b] < layer[a] + 1:
                layer[b] = layer[a] + 1
                changed = True
        if not changed:
            break
    return layer


def _back_links(ids: list[int], links: list[tuple[int, int]]) -> set[tuple[int, int]]:
    graph: dict[int, list[int]] = {}
    for a, b in links:
        graph.setdefault(a, []).append(b)
    state: dict[int, int] = {}
    back: set[tuple[int, int]] = set()

    def visit(node: int) -> None:
        state[node] = 1
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                visit(nxt)
        state[node] = 2

    for node in ids:
        if node not in state:
            visit(node)
    return back


def chain_graph(data: ProgrammeData) -> ChainGraph:
    """The chained configurations laid out in layers, loops marked."""
    configs = {c.id: c for c in data.configurations}
    links = sorted({(a, b) for a, b in data.links if a in configs and b in configs})
    ids = sorted({i for link in links for i in link}, key=lambda i: configs[i].label)
    cycles = find_cycles(links)
    on_loop = {(c[i], c[(i + 1) % len(c)]) for c in cycles for i in range(len(c))}
    layer = _layers(ids, links, _back_links(ids, links))
    rows: dict[int, int] = {}
    nodes = []
    for i in ids:
        row = rows.get(layer[i], 0)
        rows[layer[i]] = row + 1
        nodes.append(ChainNode(i, configs[i].label, configs[i].statement, layer[i], row))
    return ChainGraph(
        tuple(nodes),
        tuple(ChainLink(a, b, (a, b) in on_loop) for a, b in links),
        tuple(tuple(configs[i].label for i in c) for c in cycles),
    )
