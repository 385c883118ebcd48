"""Publication tables as plain rows of text: configurations, codes per study, data examples, characteristics.

* **configurations**: one row per configuration, ordered by figure context then label. Context names
  a sub-factor with its figure context in brackets; Supporting studies and N studies are the distinct
  studies whose codings support any element; the example quote is the excerpt supporting the most
  elements of the configuration (ties: the shorter quote, then the earlier citation).
* **codes-by-study**: one row per study; each code of a kind with the number of distinct excerpts of
  the study coded with it; Excerpts counts the study's distinct coded excerpts.
* **data-examples**: one row per excerpt cited as evidence by a configuration, with the context,
  mechanism and outcome codes on that excerpt and the configurations citing it.
* **study-characteristics**: one row per study; Themes are the figure contexts (e.g. the APPEAR
  contexts) under which the study has at least one coding.

Cells are plain text here; each exporter makes them inert for its own format.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Table:
    """A titled table of text cells; ``weights`` are relative column widths for page layouts."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    weights: tuple[float, ...]
    note: str = ""

    @property
    def wide(self) -> bool:
        """Wide tables are laid out on landscape pages."""
        return len(self.columns) > 5


def cite(evidence: Evidence) -> str:
    """ "Okafor et al., 2024, p. 3" (the page only when known)."""
    return f"{evidence.citation}, p. {evidence.page}" if evidence.page else evidence.citation


def _joined(names: list[str]) -> str:
    return "; ".join(dict.fromkeys(names))


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
    """The configurations table: Context | Mechanism | Outcome | Statement | studies | quote."""
    names = _Names(data)
    citations = {s.id: s.citation for s in data.studies}

    def order(config: ConfigurationData) -> tuple[int, int, str]:
        first = config.of_role(ElementRole.CONTEXT)[0].code_id if config.of_role(ElementRole.CONTEXT) else 0
        return names.top_rank(first), names.order.get(first, 0), config.label

    rows = []
    for config in sorted(data.configurations, key=order):
        studies = sorted({citations.get(s, str(s)) for s in config.studies})
        rows.append((
            _joined([names.context(e.code_id) for e in config.of_role(ElementRole.CONTEXT)]),
            _joined([names.name(e.code_id) for e in config.of_role(ElementRole.MECHANISM)]),
            _joined([names.name(e.code_id) for e in config.of_role(ElementRole.OUTCOME)]),
            config.statement,
            "; ".join(studies),
            str(len(studies)),
            _example(config),
        ))  # fmt: skip
    return Table(
        "configurations",
        "Context-mechanism-outcome configurations",
        ("Context", "Mechanism", "Outcome", "Statement", "Supporting studies", "N studies", "Example quote"),
        tuple(rows),
        (1.4, 1.4, 1.3, 3.2, 2.2, 0.6, 3.0),
        "N studies: distinct studies whose coded excerpts support any element of the configuration.",
    )


def codes_by_study_table(data: ProgrammeData) -> Table:
    """Which codes were found in which study, with the number of excerpts coded."""
    names = _Names(data)
    per_study: dict[int, dict[int, set[int]]] = {}
    for coding in data.codings:
        per_study.setdefault(coding.study_id, {}).setdefault(coding.code_id, set()).add(coding.excerpt_id)
    rows = []
    for study in sorted(data.studies, key=lambda s: (s.citation, s.key)):
        found = per_study.get(study.id, {})

        def of_kind(kind: CodeKind, found: dict[int, set[int]] = found) -> str:
            codes = sorted((c for c in found if names.codes[c].kind is kind), key=names.order.__getitem__)
            return "; ".join(f"{names.name(c)} ({len(found[c])})" for c in codes)

        excerpts = {x for ids in found.values() for x in ids}
        kinds = (CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME)
        rows.append((study.citation, *(of_kind(k) for k in kinds), str(len(excerpts))))
    return Table(
        "codes-by-study",
        "Codes found in each study",
        ("Study", "Contexts", "Mechanisms", "Outcomes", "Excerpts"),
        tuple(rows),
        (1.2, 3.0, 2.6, 2.2, 0.7),
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

    rows = []
    for excerpt_id, (e, labels) in sorted(cited.items(), key=lambda i: _place(i[1][0])):
        rows.append((
            e.quote, e.citation, str(e.page or ""), of_kind(excerpt_id, CodeKind.CONTEXT, names.context),
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
    themes: dict[int, set[int]] = {}
    for coding in data.codings:
        if names.codes[coding.code_id].kind is CodeKind.CONTEXT:
            themes.setdefault(coding.study_id, set()).add(names.rollup.get(coding.code_id, coding.code_id))
    rows = []
    for s in sorted(data.studies, key=lambda s: (s.citation, s.key)):
        appraisal = [f"relevance {s.relevance}" if s.relevance else ""]
        appraisal.append(f"rigour {s.rigour}" if s.rigour else "")
        appraisal.append(f"CASP {s.casp}" if s.casp else "")
        found = sorted(themes.get(s.id, set()), key=names.order.__getitem__)
        rows.append((
            s.citation, s.reference, s.country, s.discipline,
            "" if s.participants is None else str(s.participants), s.method,
            "; ".join(a for a in appraisal if a), "; ".join(names.name(t) for t in found),
        ))  # fmt: skip
    return Table(
        "study-characteristics",
        "Characteristics of the included studies",
        ("Study", "Reference", "Country", "Discipline", "Participants", "Method", "Appraisal", "Themes"),
        tuple(rows),
        (1.1, 3.2, 1.0, 1.0, 0.8, 1.8, 1.3, 1.6),
        "Themes: the contexts under which the study's excerpts were coded.",
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
