"""Publication tables as rows of cells: configurations, codes per study, data examples, characteristics.

* **configurations**: one row per configuration, ordered by figure context then label. CMOC is the
  configuration's label (A01...), the one the figures cite. Context names
  a sub-factor with its figure context in brackets; Supporting studies and N studies are the distinct
  studies whose codings support any element; the example quote is the excerpt supporting the most
  elements of the configuration (ties: the shorter quote, then the earlier citation).
* **codes-by-study**: one row per study; each code of a kind with the number of distinct excerpts of
  the study coded with it; Excerpts counts the study's distinct coded excerpts; CMOCs lists the
  configurations the study's coded evidence supports.
* **data-examples**: one row per excerpt cited as evidence by a configuration, with the context,
  mechanism and outcome codes on that excerpt and the configurations citing it.
* **study-characteristics**: one row per study; Themes are the figure contexts (e.g. the APPEAR
  contexts) under which the study has at least one coding; CMOCs as in codes-by-study.

Cells are text, or numbers (counts, years, pages, CASP scores) so that spreadsheets get numeric
cells; an unknown number is an empty string. Each exporter makes text inert for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import ElementRole
from workbench.domain.figures import (
    ConfigurationData,
    Evidence,
    ProgrammeData,
    figure_contexts,
    rollup_map,
    tree_order,
)

TABLES = ("configurations", "codes-by-study", "data-examples", "study-characteristics")
TABLE_FORMATS = ("docx", "xlsx", "csv", "md", "tex")

Cell = str | int | float
_CONFIGURATION_COLUMNS = (
    "CMOC", "Context", "Mechanism", "Outcome", "Statement", "Supporting studies", "N studies",
    "Example quote",
)  # fmt: skip
_CHARACTERISTICS_COLUMNS = (
    "Study", "Reference", "Year", "Country", "Discipline", "Participants", "Method", "Relevance", "Rigour",
    "CASP yes (of 10)", "Themes", "CMOCs",
)  # fmt: skip


@dataclass(frozen=True)
class Table:
    """A titled table of text and number cells; ``weights`` are relative column widths for page layouts."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    weights: tuple[float, ...]
    note: str = ""

    @property
    def wide(self) -> bool:
        """Wide tables are laid out on landscape pages."""
        return len(self.columns) > 5


def text(cell: Cell) -> str:
    """A cell as text, for formats without number cells."""
    return cell if isinstance(cell, str) else str(cell)


def cite(evidence: Evidence) -> str:
    """ "Okafor et al., 2024, p. 3" (the page only when known)."""
    return f"{evidence.citation}, p. {evidence.page}" if evidence.page else evidence.citation


def _joined(names: list[str]) -> str:
    return "; ".join(dict.fromkeys(names))


def _labels_by_study(data: ProgrammeData) -> dict[int, str]:
    """The labels of the configurations each study's evidence supports: "A01, A03"."""
    labels: dict[int, set[str]] = {}
    for config in data.configurations:
        for study_id in config.studies:
            labels.setdefault(study_id, set()).add(config.label)
    return {study_id: ", ".join(sorted(found)) for study_id, found in labels.items()}


def _casp_score(summary: str) -> Cell:
    """The number of CASP questions answered yes, from "7/10 yes"; empty when not appraised."""
    found = re.match(r"(\d+)/", summary)
    return int(found.group(1)) if found else ""


class _Names:
    def __init__(self, data: ProgrammeData) -> None:
        self.codes = {c.id: c for c in data.codes}
        self.order = {c.id: i for i, c in enumerate(tree_order(data.codes))}
        self.rollup = rollup_map(data.codes)
        self.tops = [c.id for c in figure_contexts(data.codes)]

    def name(self, code_id: int) -> str:
        return self.codes[code_id].name

    def context(self, code_id: int) -> str:
        top = self.rollup.get(code_id, code_id)
        name = self.name(code_id)
        return name if top == code_id else f"{name} ({self.name(top)})"

    def top_rank(self, code_id: int) -> int:
        top = self.rollup.get(code_id, code_id)
        return self.tops.index(top) if top in self.tops else len(self.tops)


def _example(config: ConfigurationData) -> str:
    support: dict[int, tuple[int, Evidence]] = {}
    for element in config.elements:
        for e in element.evidence:
            count = support.get(e.excerpt_id, (0, e))[0]
            support[e.excerpt_id] = (count + 1, e)
    if not support:
        return ""
    _, best = min(support.values(), key=lambda item: (-item[0], len(item[1].quote), item[1].citation))
    return f"“{best.quote}” ({cite(best)})"


def configurations_table(data: ProgrammeData) -> Table:
    """The configurations table: CMOC | Context | Mechanism | Outcome | Statement | studies | quote."""
    names = _Names(data)
    citations = {s.id: s.citation for s in data.studies}

    def order(config: ConfigurationData) -> tuple[int, int, str]:
        first = config.of_role(ElementRole.CONTEXT)[0].code_id if config.of_role(ElementRole.CONTEXT) else 0
        return names.top_rank(first), names.order.get(first, 0), config.label

    rows: list[tuple[Cell, ...]] = []
    for config in sorted(data.configurations, key=order):
        studies = sorted({citations.get(s, str(s)) for s in config.studies})
        rows.append((
            config.label,
            _joined([names.context(e.code_id) for e in config.of_role(ElementRole.CONTEXT)]),
            _joined([names.name(e.code_id) for e in config.of_role(ElementRole.MECHANISM)]),
            _joined([names.name(e.code_id) for e in config.of_role(ElementRole.OUTCOME)]),
            config.statement,
            "; ".join(studies),
            len(studies),
            _example(config),
        ))  # fmt: skip
    return Table(
        "configurations",
        "Context-mechanism-outcome configurations",
        _CONFIGURATION_COLUMNS,
        tuple(rows),
        (0.5, 1.4, 1.4, 1.3, 3.2, 2.2, 0.6, 3.0),
        "N studies: distinct studies whose coded excerpts support any element of the configuration.",
    )


def codes_by_study_table(data: ProgrammeData) -> Table:
    """Which codes were found in which study, with the number of excerpts coded."""
    names = _Names(data)
    labels = _labels_by_study(data)
    per_study: dict[int, dict[int, set[int]]] = {}
    for coding in data.codings:
        per_study.setdefault(coding.study_id, {}).setdefault(coding.code_id, set()).add(coding.excerpt_id)
    rows: list[tuple[Cell, ...]] = []
    for study in sorted(data.studies, key=lambda s: (s.citation, s.key)):
        found = per_study.get(study.id, {})

        def of_kind(kind: CodeKind, found: dict[int, set[int]] = found) -> str:
            codes = sorted((c for c in found if names.codes[c].kind is kind), key=names.order.__getitem__)
            return "; ".join(f"{names.name(c)} ({len(found[c])})" for c in codes)

        excerpts = {x for ids in found.values() for x in ids}
        kinds = (CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME)
        rows.append((study.citation, *(of_kind(k) for k in kinds), len(excerpts), labels.get(study.id, "")))
    return Table(
        "codes-by-study",
        "Codes found in each study",
        ("Study", "Contexts", "Mechanisms", "Outcomes", "Excerpts", "CMOCs"),
        tuple(rows),
        (1.2, 3.0, 2.6, 2.2, 0.7, 1.0),
        "In brackets: the number of excerpts of the study coded with that code.",
    )


def _place(e: Evidence) -> tuple[str, int, int]:
    return e.citation, e.page or 0, e.start


def data_examples_table(data: ProgrammeData) -> Table:
    """Excerpts cited as configuration evidence, with their context, mechanism and outcome codes."""
    names = _Names(data)
    cited: dict[int, tuple[Evidence, set[str]]] = {}
    for config in data.configurations:
        for element in config.elements:
            for e in element.evidence:
                cited.setdefault(e.excerpt_id, (e, set()))[1].add(config.label)
    codes: dict[int, list[int]] = {}
    for coding in data.codings:
        codes.setdefault(coding.excerpt_id, []).append(coding.code_id)

    def of_kind(excerpt_id: int, kind: CodeKind, show: Callable[[int], str]) -> str:
        ids = {c for c in codes.get(excerpt_id, []) if names.codes[c].kind is kind}
        return _joined([show(c) for c in sorted(ids, key=names.order.__getitem__)])

    rows: list[tuple[Cell, ...]] = []
    for excerpt_id, (e, labels) in sorted(cited.items(), key=lambda i: _place(i[1][0])):
        rows.append((
            e.quote, e.citation, e.page or "", of_kind(excerpt_id, CodeKind.CONTEXT, names.context),
            of_kind(excerpt_id, CodeKind.MECHANISM, names.name),
            of_kind(excerpt_id, CodeKind.OUTCOME, names.name), ", ".join(sorted(labels)),
        ))  # fmt: skip
    return Table(
        "data-examples",
        "Data examples and their CMOC coding",
        ("Quote", "Study", "Page", "Context", "Mechanism", "Outcome", "CMOCs"),
        tuple(rows),
        (4.0, 1.3, 0.5, 1.6, 1.6, 1.4, 0.8),
    )


def study_characteristics_table(data: ProgrammeData) -> Table:
    """Study characteristics with the appraisal and the themes (figure contexts) coded in each."""
    names = _Names(data)
    labels = _labels_by_study(data)
    themes: dict[int, set[int]] = {}
    for coding in data.codings:
        if names.codes[coding.code_id].kind is CodeKind.CONTEXT:
            themes.setdefault(coding.study_id, set()).add(names.rollup.get(coding.code_id, coding.code_id))
    rows: list[tuple[Cell, ...]] = []
    for s in sorted(data.studies, key=lambda s: (s.citation, s.key)):
        found = sorted(themes.get(s.id, set()), key=names.order.__getitem__)
        rows.append((
            s.citation, s.reference, "" if s.year is None else s.year, s.country, s.discipline,
            "" if s.participants is None else s.participants, s.method, s.relevance, s.rigour,
            _casp_score(s.casp), "; ".join(names.name(t) for t in found), labels.get(s.id, ""),
        ))  # fmt: skip
    return Table(
        "study-characteristics",
        "Characteristics of the included studies",
        _CHARACTERISTICS_COLUMNS,
        tuple(rows),
        (1.1, 3.2, 0.5, 1.0, 1.0, 0.8, 1.8, 0.8, 0.8, 0.6, 1.6, 1.0),
        "Themes: the contexts under which the study's excerpts were coded. "
        "CMOCs: the configurations the study's coded evidence supports.",
    )


BUILDERS: dict[str, Callable[[ProgrammeData], Table]] = {
    "configurations": configurations_table,
    "codes-by-study": codes_by_study_table,
    "data-examples": data_examples_table,
    "study-characteristics": study_characteristics_table,
}


def build_table(data: ProgrammeData, name: str) -> Table:
    """The named publication table (one of :data:`TABLES`)."""
    if name not in BUILDERS:
        raise ValueError(f"unknown table {name!r}; choose one of: {', '.join(TABLES)}")
    return BUILDERS[name](data)
