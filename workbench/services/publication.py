"""Publication use cases: tables and figure files of a project, and the zip bundle of them all."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from workbench.domain.codebook import CodeKind
from workbench.domain.figure_layout import layout
from workbench.domain.figures import ProgrammeData, context_figure, drawable_contexts, tree_order
from workbench.domain.overview import (
    ChainGraph,
    Matrix,
    chain_graph,
    context_outcome_matrix,
    sankey,
    study_code_matrix,
)
from workbench.domain.print_geometry import MAX_PNG_PIXELS, PRINT_CM
from workbench.domain.sankey_layout import sankey_layout
from workbench.domain.tables import TABLES, build_table
from workbench.exporters.bundle import write_bundle
from workbench.exporters.tables import TABLE_FORMATS, table_files, workbook_file, write_table
from workbench.graphs.export import DPI, convert_svg, png_dpi, render
from workbench.graphs.export import FORMATS as FIGURE_FORMATS
from workbench.graphs.infographic import context_infographic
from workbench.graphs.overview import overview_figures
from workbench.graphs.svg import chains_svg, infographic_svg, matrix_svg, sankey_svg
from workbench.services.access import Action
from workbench.services.bundle_workers import Workers
from workbench.services.errors import Invalid, NotFound
from workbench.services.figures import FigureFilters, programme
from workbench.services.gc_pause import gc_paused
from workbench.services.projects import list_projects
from workbench.store.db import Store

if TYPE_CHECKING:
    import plotly.graph_objects as go

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


def _readme(
    project: str, filters: FigureFilters, data: ProgrammeData, names: list[str], scaled: Sequence[str] = ()
) -> str:
    lines = [
        f"# Publication bundle: {project}",
        f"Built {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from {len(data.studies)} studies and "
        f"{len(data.configurations)} configurations.",
        "",
        "Filters: " + ("; ".join(filters.describe()) or "none"),
        *(f"Note: {note}" for note in data.notes),
        "",
        DEFINITIONS,
        *(["## Scaled-down PNGs", *(f"- {line}" for line in scaled), ""] if scaled else []),
        "## Files",
        *(f"- {name}" for name in names),
    ]
    return "\n".join(lines) + "\n"


def _project_name(store: Store, username: str, project_id: int) -> str:
    return next((p.name for p in list_projects(store, username) if p.id == project_id), str(project_id))


ENGINES = ("direct", "kaleido")


@dataclass
class _Steps:
    """Counts the bundle's steps and reports each to the progress callback (from the calling thread)."""

    total: int
    progress: Progress | None
    done: int = 0

    def step(self, label: str) -> None:
        if self.progress:
            self.progress(self.done, self.total, label)
        self.done += 1


def _tables(data: ProgrammeData, steps: _Steps) -> dict[str, bytes]:
    tables = [build_table(data, name) for name in TABLES]
    steps.step("tables/tables.xlsx")
    files: dict[str, bytes] = {"tables/tables.xlsx": workbook_file(tables)}
    for table in tables:
        steps.step(f"tables/{table.name}")
        for fmt in ("docx", "csv", "md", "tex"):
            files[f"tables/{table.name}.{fmt}"] = write_table(table, fmt)
    return files


def _plotly_files(figures: dict[str, go.Figure], formats: Sequence[str]) -> dict[str, bytes]:
    return {f"figures/{stem}.{fmt}": render(fig, fmt) for stem, fig in figures.items() for fmt in formats}


# the matrices of overview_figures drawn directly: the same matrices, in the same colours
MATRICES: dict[str, tuple[Callable[[ProgrammeData], Matrix], str]] = {
    "context-outcome-matrix": (context_outcome_matrix, "#1f77b4"),
    "study-code-matrix": (study_code_matrix, "#2ca02c"),
}


SANKEY = "overview-sankey"
TABLE_FILES = ("docx", "csv", "md", "tex")  # each table's own files; tables.xlsx holds them all


def _direct_svgs(data: ProgrammeData, chains: ChainGraph) -> Iterator[tuple[str, bytes, float | None]]:
    """Each figure's stem, SVG and print width (None: not laid out for print), the quickest first: the
    matrices, the chains and the Sankey, then each context's infographic from its layout."""
    for stem, (build, colour) in MATRICES.items():
        yield stem, matrix_svg(build(data), colour).encode("utf-8"), None
    if chains.nodes:
        yield "chains", chains_svg(chains).encode("utf-8"), None
    placed_sankey = sankey_layout(sankey(data, True))  # printed at 17 cm, like the plotly figure
    yield SANKEY, sankey_svg(placed_sankey).encode("utf-8"), placed_sankey.width
    for context in drawable_contexts(data):
        placed = layout(context_figure(data, context.id))
        yield context_stem(context.id, context.name), infographic_svg(placed).encode("utf-8"), placed.width


def _submit_tables(data: ProgrammeData, workers: Workers) -> None:
    """Each table, handed to a worker as soon as it is built, then the XLSX workbook of them all."""
    tables = []
    for name in TABLES:
        tables.append(build_table(data, name))
        workers.submit(f"tables/{tables[-1].name}", table_files, tables[-1], TABLE_FILES)
    workers.submit("tables/tables.xlsx", workbook_file, tables)


def _direct_files(
    data: ProgrammeData, formats: Sequence[str], steps: _Steps, workers: Workers
) -> dict[str, bytes]:
    """Every table and figure, drawn here as SVG and written (tables) or painted (PNG, PDF) by the worker
    processes; ``steps`` advances as each file is finished."""
    files: dict[str, bytes] = {}
    for index, (stem, svg, width) in enumerate(_direct_svgs(data, chain_graph(data))):
        if index == len(MATRICES):  # the matrices' PNGs, the longest jobs, are painting by now
            _submit_tables(data, workers)
        steps.step(f"figures/{stem}")
        for fmt in formats:
            name = f"figures/{stem}.{fmt}"
            if fmt == "svg":
                files[name] = svg
            elif width is None:  # PNG at 300/96 scale, like kaleido's
                workers.submit(name, convert_svg, svg, fmt, 1)
            else:
                workers.submit(name, convert_svg, svg, fmt, width, PRINT_CM)
    for name, content in workers.results():
        steps.step(name)
        if isinstance(content, dict):  # a table's files
            files.update({f"tables/{file}": data for file, data in content.items()})
        else:
            files[name] = content
    return files


def _direct_steps(data: ProgrammeData, formats: Sequence[str]) -> int:
    """The steps of a direct bundle: each figure drawn (the Sankey too), each worker's job and the zip."""
    figures = len(drawable_contexts(data)) + len(MATRICES) + (1 if chain_graph(data).nodes else 0) + 1
    return figures + 1 + len(TABLES) + figures * len([f for f in formats if f != "svg"]) + 1


def scaled_pngs(files: dict[str, bytes]) -> list[str]:
    """README lines for the PNGs painted at fewer than 300 dpi to stay within the pixel cap."""
    notes = []
    for name, content in sorted(files.items()):
        dpi = png_dpi(content) if name.endswith(".png") else None
        if dpi is not None and dpi < DPI - 0.5:
            width, height = struct.unpack(">II", content[16:24])
            notes.append(
                f"{name} is {width} x {height} pixels ({dpi:.0f} dpi at its full printed size): scaled down "
                f"to stay within {MAX_PNG_PIXELS / 1e6:.0f} megapixels; the SVG and PDF are full size."
            )
    return notes


def bundle(
    store: Store,
    username: str,
    project_id: int,
    filters: FigureFilters | None = None,
    figure_formats: Sequence[str] = FIGURE_FORMATS,
    progress: Progress | None = None,
    engine: str = "direct",
) -> bytes:
    """A zip of every table (DOCX, CSV, Markdown, LaTeX, and one XLSX workbook with a sheet each) and
    every figure (each context's infographic, Sankey, matrices, chains) in each figure format.

    ``progress(done, total, label)`` is called as each step starts or file is finished. With
    ``engine="direct"`` the context infographics, both matrices, the chains and the Sankey are drawn as
    SVG (from their layouts), no browser started; worker processes (:mod:`bundle_workers`, one per core)
    write the tables and paint the PNGs and PDFs with cairo; ``"kaleido"`` renders every figure through
    kaleido, one by one. A worker's ``ServiceError`` is raised here as itself.
    """
    if engine not in ENGINES:
        raise Invalid(f"unknown figure engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    filters = filters or FigureFilters()
    if engine == "kaleido":
        data = programme(store, username, project_id, filters, Action.EXPORT)
        steps, files = _kaleido_files(data, figure_formats, progress)
    else:
        # the workers start first: they load their libraries while the project is read; the tables, layouts
        # and SVGs built here are some 400 collections' worth of small objects, a tenth of this process's time
        with Workers() as workers, gc_paused():
            data = programme(store, username, project_id, filters, Action.EXPORT)
            steps = _Steps(_direct_steps(data, figure_formats), progress)
            files = _direct_files(data, figure_formats, steps, workers)
    steps.step("zip")
    readme = _readme(
        _project_name(store, username, project_id), filters, data, sorted(files), scaled_pngs(files)
    )
    zipped = write_bundle(files, readme)
    if progress:
        progress(steps.total, steps.total, "done")
    return zipped


def _kaleido_files(
    data: ProgrammeData, figure_formats: Sequence[str], progress: Progress | None
) -> tuple[_Steps, dict[str, bytes]]:
    """Every table, and every figure rendered through kaleido one by one (the engine before "direct")."""
    overview = overview_figures(data)
    contexts = drawable_contexts(data)
    steps = _Steps(1 + len(TABLES) + (len(contexts) + len(overview)) * len(figure_formats) + 1, progress)
    files = _tables(data, steps)
    figures = {context_stem(c.id, c.name): context_infographic(data, c.id)[0] for c in contexts}
    figures.update(overview)
    for stem, figure in figures.items():
        for fmt in figure_formats:
            steps.step(f"figures/{stem}.{fmt}")
            files.update(_plotly_files({stem: figure}, [fmt]))
    return steps, files
