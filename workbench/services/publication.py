"""Publication use cases: tables and figure files of a project, and the zip bundle of them all."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from workbench.domain.codebook import CodeKind
from workbench.domain.figures import ProgrammeData, drawable_contexts, tree_order
from workbench.domain.tables import TABLES, build_table
from workbench.exporters.bundle import write_bundle
from workbench.exporters.office import to_xlsx
from workbench.exporters.tables import TABLE_FORMATS, write_table
from workbench.graphs.export import FORMATS as FIGURE_FORMATS
from workbench.graphs.export import render
from workbench.graphs.infographic import context_infographic
from workbench.graphs.overview import overview_figures
from workbench.services.access import Action
from workbench.services.errors import Invalid, NotFound
from workbench.services.figures import FigureFilters, programme
from workbench.services.projects import list_projects
from workbench.store.db import Store

Progress = Callable[[int, int, str], None]
DEFINITIONS = """\
## What the numbers mean
Every count is a number of distinct studies, unless it says excerpts.
- Infographic of a context: the configurations whose context is that context or one of its sub-factors.
  Box border width of a mechanism or outcome = studies whose coded evidence supports it there; line
  width = studies supporting both ends within one configuration (united over configurations).
- Sankey: link width = studies supporting both ends within one configuration.
- Context x outcome matrix: studies supporting that context and that outcome in one configuration.
- Study x code matrix: excerpts of the study coded with the code.
- Configurations table: N studies = studies whose codings support any element of the configuration.
"""


@dataclass(frozen=True)
class FigureFile:
    """A rendered figure and the file name it should be saved under."""

    name: str
    data: bytes


def slug(text: str) -> str:
    """A file-name-safe form of a name: "Personalised Practice" -> "personalised-practice"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "figure"


def context_stem(code_id: int, name: str) -> str:
    """The file stem of a context's figure: its slug and code id, "context-accepting-12", unique even
    when names have no Latin letters to slug ("context-figure-7", "context-figure-8")."""
    return f"context-{slug(name)}-{code_id}"


def export_table(
    store: Store, username: str, project_id: int, name: str, fmt: str, filters: FigureFilters | None = None
) -> bytes:
    """One publication table as a file in ``fmt`` (docx, xlsx, csv, md or tex)."""
    if name not in TABLES:
        raise Invalid(f"unknown table {name!r}; choose one of: {', '.join(TABLES)}")
    if fmt not in TABLE_FORMATS:
        raise Invalid(f"unknown table format {fmt!r}; choose one of: {', '.join(TABLE_FORMATS)}")
    return write_table(build_table(programme(store, username, project_id, filters, Action.EXPORT), name), fmt)


def find_context(data: ProgrammeData, name: str) -> int:
    """The id of the context code named ``name`` (case-insensitive); NotFound lists the choices."""
    contexts = [c for c in tree_order(data.codes) if c.kind is CodeKind.CONTEXT]
    for code in contexts:
        if code.name.casefold() == name.strip().casefold():
            return code.id
    drawable = ", ".join(c.name for c in drawable_contexts(data)) or "none yet"
    raise NotFound(f"no context code named {name!r}; contexts with configurations: {drawable}")


def context_figure_files(
    data: ProgrammeData, fmt: str, context_ids: Sequence[int] | None = None, counts: bool = True
) -> list[FigureFile]:
    """Rendered infographics of the given contexts (default: every context with configurations)."""
    ids = list(context_ids) if context_ids is not None else [c.id for c in drawable_contexts(data)]
    files = []
    for context_id in ids:
        figure, _ = context_infographic(data, context_id, counts)
        stem = context_stem(context_id, data.code(context_id).name)
        files.append(FigureFile(f"{stem}.{fmt}", render(figure, fmt)))
    return files


def figure_files(
    store: Store,
    username: str,
    project_id: int,
    fmt: str,
    context: str | None = None,
    filters: FigureFilters | None = None,
    counts: bool = True,
) -> list[FigureFile]:
    """The infographic of the context named ``context``, or of every context when it is None."""
    if fmt not in FIGURE_FORMATS:
        raise Invalid(f"unknown figure format {fmt!r}; choose one of: {', '.join(FIGURE_FORMATS)}")
    data = programme(store, username, project_id, filters, Action.EXPORT)
    ids = [find_context(data, context)] if context is not None else None
    return context_figure_files(data, fmt, ids, counts)


def _readme(project: str, filters: FigureFilters, data: ProgrammeData, names: list[str]) -> str:
    lines = [
        f"# Publication bundle: {project}",
        f"Built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from {len(data.studies)} studies and "
        f"{len(data.configurations)} configurations.",
        "",
        "Filters: " + ("; ".join(filters.describe()) or "none"),
        *(f"Note: {note}" for note in data.notes),
        "",
        DEFINITIONS,
        "## Files",
        *(f"- {name}" for name in names),
    ]
    return "\n".join(lines) + "\n"


def _project_name(store: Store, username: str, project_id: int) -> str:
    return next((p.name for p in list_projects(store, username) if p.id == project_id), str(project_id))


def bundle(
    store: Store,
    username: str,
    project_id: int,
    filters: FigureFilters | None = None,
    figure_formats: Sequence[str] = FIGURE_FORMATS,
    progress: Progress | None = None,
) -> bytes:
    """A zip of every table (DOCX, CSV, Markdown, LaTeX, and one XLSX workbook with a sheet each) and
    every figure (each context's infographic, Sankey, matrices, chains) in each figure format."""
    filters = filters or FigureFilters()
    data = programme(store, username, project_id, filters, Action.EXPORT)
    tables = [build_table(data, name) for name in TABLES]
    files: dict[str, bytes] = {"tables/tables.xlsx": to_xlsx(tables)}
    for table in tables:
        for fmt in ("docx", "csv", "md", "tex"):
            files[f"tables/{table.name}.{fmt}"] = write_table(table, fmt)
    figures = {
        context_stem(c.id, c.name): context_infographic(data, c.id)[0] for c in drawable_contexts(data)
    }
    figures.update(overview_figures(data))
    steps = len(figures) * len(figure_formats)
    for i, (stem, figure) in enumerate(figures.items()):
        for j, fmt in enumerate(figure_formats):
            if progress:
                progress(i * len(figure_formats) + j, steps, f"{stem}.{fmt}")
            files[f"figures/{stem}.{fmt}"] = render(figure, fmt)
    if progress:
        progress(steps, steps, "done")
    readme = _readme(_project_name(store, username, project_id), filters, data, sorted(files))
    return write_bundle(files, readme)
