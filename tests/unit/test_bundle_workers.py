"""The bundle's worker processes: every file comes back, and a failure in a worker is raised in the caller."""

import os
import sys

import pytest

from workbench.domain.tables import Table
from workbench.exporters.tables import table_files
from workbench.graphs.export import FigureExportError, convert_svg, with_dpi
from workbench.graphs.paint import PaintError
from workbench.services.bundle_workers import (
    MAX_WORKERS,
    NICENESS,
    Workers,
    WorkerStopped,
    prestart,
    worker_count,
)

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    b'<rect width="40" height="20" fill="#1f77b4"/></svg>'
)
TABLE = Table("codes", "Codes", ("Name", "Count"), (("Trust", 3), ("Time", 1)), (2.0, 1.0), "")


def test_workers_write_every_submitted_file_with_the_same_bytes_as_the_caller_would():
    with Workers(2) as workers:
        workers.submit("figures/a.pdf", convert_svg, SVG, "pdf", 1)
        workers.submit("figures/a.png", convert_svg, SVG, "png", 1)
        workers.submit("tables/codes", table_files, TABLE, ("csv", "md"))
        results = dict(workers.results())
    assert set(results) == {"figures/a.pdf", "figures/a.png", "tables/codes"}
    assert results["figures/a.png"] == convert_svg(SVG, "png", 1)
    assert results["tables/codes"] == table_files(TABLE, ("csv", "md"))
    assert results["figures/a.pdf"].startswith(b"%PDF")


def test_workers_run_below_the_callers_priority_so_an_app_server_keeps_serving_its_users():
    with Workers(1) as workers:
        workers.submit("niceness", os.nice, 0)  # adds nothing, says the worker's niceness
        ((_, niceness),) = list(workers.results())
    assert niceness == min(os.nice(0) + NICENESS, 19)


def test_a_service_error_in_a_worker_reaches_the_caller_as_itself():
    with pytest.raises(FigureExportError, match="the renderer did not return a PNG"), Workers(1) as workers:
        workers.submit("figures/a.png", with_dpi, b"GIF89a not a png")
        list(workers.results())


def test_a_figure_the_painter_cannot_draw_fails_with_the_painters_error_naming_the_file():
    circle = b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><circle r="3"/></svg>'
    with pytest.raises(PaintError, match="unknown SVG element 'circle'") as raised, Workers(1) as workers:
        workers.submit("figures/round.png", convert_svg, circle, "png", 1)
        list(workers.results())
    assert any("writing figures/round.png" in note for note in raised.value.__notes__)


def test_a_worker_that_dies_is_a_clear_error_naming_the_file_it_was_writing():
    stopped = r"writing figures/big\.png stopped \(exit status 3\)"
    with pytest.raises(WorkerStopped, match=stopped), Workers(1) as workers:
        workers.submit("figures/big.png", os._exit, 3)
        list(workers.results())


def test_the_number_of_workers_follows_the_setting_or_the_cores(monkeypatch):
    monkeypatch.setenv("WORKBENCH_BUNDLE_WORKERS", "3")
    assert worker_count() == 3
    monkeypatch.setenv("WORKBENCH_BUNDLE_WORKERS", "none")  # not a number: one per core
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert worker_count() == 2
    monkeypatch.delenv("WORKBENCH_BUNDLE_WORKERS")
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert worker_count() == MAX_WORKERS  # at most four, however many cores
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert worker_count() == 1  # cores unknown


def test_the_next_bundle_reuses_idle_workers_but_never_those_killed_after_an_error():
    with Workers(MAX_WORKERS) as workers:
        first = set(workers.pids)
    with Workers(MAX_WORKERS) as workers:
        assert set(workers.pids) == first
    with pytest.raises(FigureExportError), Workers(MAX_WORKERS) as workers:
        workers.submit("figures/a.png", with_dpi, b"not a png")
        list(workers.results())
    with Workers(MAX_WORKERS) as workers:
        assert not set(workers.pids) & first


def loaded(module: str) -> bool:
    """Whether the worker running this job has imported ``module`` (a job for the tests below)."""
    return module in sys.modules


def _stop_idle_workers():
    with pytest.raises(FigureExportError), Workers(MAX_WORKERS) as workers:  # an error kills them all
        workers.submit("figures/a.png", with_dpi, b"not a png")
        list(workers.results())


def test_workers_started_ahead_load_what_they_are_told_and_are_the_ones_the_bundle_takes():
    _stop_idle_workers()
    started = prestart(("colorsys",), 2)
    assert len(started) == 2
    assert prestart(("colorsys",), 2) == started  # already idle: none started
    with Workers(2) as workers:
        assert workers.pids == started
        for name in ("a", "b", "c"):
            workers.submit(name, loaded, "colorsys")
        assert dict(workers.results()) == {"a": True, "b": True, "c": True}


def test_a_worker_skips_what_fails_to_load_and_loads_nothing_it_is_not_told():
    _stop_idle_workers()
    with Workers(1, preload=("no_such_module_anywhere",)) as workers:
        workers.submit("colorsys", loaded, "colorsys")
        workers.submit("tables/codes", table_files, TABLE, ("csv",))
        results = dict(workers.results())
    assert results == {"colorsys": False, "tables/codes": table_files(TABLE, ("csv",))}
