"""Two app servers (`streamlit run`) on one PostgreSQL: a coding made in one shows in the other,
a model trained in one is used by the other, and only one process trains a project at a time."""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy
from tests.e2e.test_coding import FORUM, drag_select, open_study
from tests.integration import trainers
from workbench.services import demo, projects
from workbench.services.studies import list_studies
from workbench.services.suggestion_training import TRAINING_RUNNING
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
OWNER = "owner"  # owns the demo project in every clone (tests/conftest.py)
PHRASE = "The moderation policy mattered here."


@pytest.fixture
def shared_url(demo_clone: Store) -> str:
    """One PostgreSQL database holding the demo project, for every server and process of a test."""
    return demo_clone.engine.url.render_as_string(hide_password=False)


def serve(url: str, folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`streamlit run app.py` on a free loopback port against the store at ``url``."""
    port = _free_port()
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_AUTH": "local", "WORKBENCH_USER": OWNER}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
        "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = folder / f"streamlit-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    _wait_healthy(address, process, log)
    return process, address


@pytest.fixture
def two_servers(shared_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    started = [serve(shared_url, tmp_path) for _ in range(2)]
    try:
        yield started[0][1], started[1][1]
    finally:
        for process, _address in started:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.e2e
@pytest.mark.parametrize("demo_clone", ["postgresql"], indirect=True)
def test_a_coding_made_through_one_server_shows_in_the_other_on_its_next_rerun(two_servers, browser):
    first, second = two_servers
    watcher = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_study(watcher, second, FORUM)  # the second server has read the study and keeps its view
    expect(watcher.locator(".reader .text")).to_contain_text(PHRASE)
    expect(watcher.locator(".seg.hl", has_text=PHRASE)).to_have_count(0)

    coder = browser.new_page(viewport={"width": 1400, "height": 1000})
    open_study(coder, first, FORUM)
    drag_select(coder, PHRASE)
    expect(coder.get_by_test_id("stText").filter(has_text=PHRASE)).to_be_visible()
    coder.keyboard.press("1")  # code it with the first shortcut code, on the first server
    expect(coder.locator(".seg.hl", has_text=PHRASE)).to_have_count(1)

    watcher.get_by_text("Show character offsets").click()  # any rerun of the second server's page
    expect(watcher.locator(".seg.hl", has_text=PHRASE)).to_have_count(1)
    expect(watcher.get_by_role("combobox", name="Study")).to_have_value(re.compile(FORUM.pattern))


@pytest.mark.parametrize("demo_clone", ["postgresql"], indirect=True)
def test_two_processes_training_at_once_one_trains_the_other_is_told_and_both_then_use_that_model(
    shared_url, demo_clone
):
    project_id = projects.project_id_by_name(demo_clone, OWNER, demo.DEMO_PROJECT)
    study_id = list_studies(demo_clone, OWNER, project_id)[0].id
    context = mp.get_context("spawn")
    started, may_finish, results = context.Event(), context.Event(), context.Queue()
    holder = context.Process(
        target=trainers.train_holding_on, args=(shared_url, OWNER, project_id, started, may_finish, results)
    )
    second = context.Process(
        target=trainers.train_once_the_other_started, args=(shared_url, OWNER, project_id, started, results)
    )
    holder.start()
    second.start()
    try:
        assert results.get(timeout=180) == (
            "conflict",
            TRAINING_RUNNING,
        )  # the second, while the first trains
        may_finish.set()
        assert results.get(timeout=180) == ("trained", 1)
    finally:
        may_finish.set()
        for process in (holder, second):
            process.join(60)

    other = context.Process(
        target=trainers.model_in_use, args=(shared_url, OWNER, project_id, study_id, results)
    )
    other.start()
    other.join(120)
    version, suggested_by = results.get(timeout=10)
    assert version == 1
    assert suggested_by == {1}  # the other process suggests with the model the first one trained
