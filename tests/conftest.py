"""Shared fixtures: real stores on SQLite and on the throwaway PostgreSQL cluster from `make test`."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workbench.services import database
from workbench.services.demo import load_demo
from workbench.store.db import Store

POSTGRES_ENV = "WORKBENCH_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]
ROOT = Path(__file__).resolve().parents[1]


def _postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run the tests with `make test` (or "
            "scripts/with_postgres.sh pytest ...), which starts a throwaway PostgreSQL cluster"
        )
    return url


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a brand-new empty database on the backend named by the test's parameter."""
    yield from _new_database(request.param, tmp_path)


def _new_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'workbench.db'}"
        return
    admin_url = _postgres_admin_url()
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _open_upgraded(url: str) -> Store:
    store = Store.open(url)
    database.upgrade_database(store, backup=False)
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store at the newest schema, empty, on SQLite and on PostgreSQL."""
    for url in _new_database(request.param, tmp_path):
        opened = _open_upgraded(url)
        yield opened
        opened.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def demo_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store holding the demo project, shared by tests that only read it."""
    for url in _new_database(request.param, tmp_path_factory.mktemp("demo")):
        opened = _open_upgraded(url)
        load_demo(opened, "owner")
        yield opened
        opened.dispose()


def run_workbench(url: str, *args: str, user: str = "cli-user") -> subprocess.CompletedProcess[str]:
    """Run the ``workbench`` command as a script would, against the store at ``url``."""
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_USER": user}
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
