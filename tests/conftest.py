"""Shared fixtures: real stores on SQLite and on the throwaway PostgreSQL cluster from `make test`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workbench.services import database
from workbench.services.demo import load_demo
from workbench.store.db import Store, sqlite_path

POSTGRES_ENV = "WORKBENCH_TEST_POSTGRES_URL"
# a bug in a page fails its test with the traceback instead of the reviewer's "something went wrong"
os.environ.setdefault("WORKBENCH_DEBUG", "1")
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
    yield from _postgres_database("wb_test")


def _postgres_database(prefix: str, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on the test cluster (a copy of ``template`` if given), dropped after."""
    admin_url = _postgres_admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
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
def store(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Store]:
    """A store at the newest schema, empty, on SQLite and on PostgreSQL (a clone of an upgraded one)."""
    for url in templates.clone(request.param, tmp_path, demo=False):
        opened = Store.open(url)
        yield opened
        opened.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def demo_store(
    request: pytest.FixtureRequest, templates: Templates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store holding the demo project, shared by tests that only read it (a clone of the template)."""
    for url in templates.clone(request.param, tmp_path_factory.mktemp("demo")):
        opened = Store.open(url)
        yield opened
        opened.dispose()


DEMO_OWNER = "owner"  # owns the demo project in every clone


class Templates:
    """Databases built once per backend per test session (upgraded to head, and with the demo
    project), cloned for each test: an SQLite online backup of the template file, or ``CREATE
    DATABASE ... TEMPLATE`` on PostgreSQL. A fraction of a second instead of migrating (and loading
    the demo) again.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.urls: dict[tuple[str, bool], str] = {}
        self.built: dict[tuple[str, str], tuple[str, Any]] = {}
        self._cleanups: list[Iterator[str]] = []

    def template_url(self, backend: str, demo: bool) -> str:
        if (backend, demo) not in self.urls:
            folder = self.folder / f"{backend}-{'demo' if demo else 'empty'}"
            folder.mkdir(exist_ok=True)
            databases = _new_database(backend, folder)
            url = next(databases)
            self._cleanups.append(databases)
            store = _open_upgraded(url)
            if demo:
                load_demo(store, DEMO_OWNER)
            store.dispose()  # PostgreSQL copies a template only while nobody is connected to it
            self.urls[backend, demo] = url
        return self.urls[backend, demo]

    def built_template(self, backend: str, name: str, build: Callable[[Store], Any]) -> tuple[str, Any]:
        """A template of a test module's own: an empty database ``build`` filled once per backend
        (through the services); returns its URL and what ``build`` returned (ids stay the same in
        every clone)."""
        if (backend, name) not in self.built:
            folder = self.folder / f"{backend}-{name}"
            folder.mkdir(exist_ok=True)
            databases = _new_database(backend, folder)
            url = next(databases)
            self._cleanups.append(databases)
            store = _open_upgraded(url)
            result = build(store)
            store.dispose()
            self.built[backend, name] = (url, result)
        return self.built[backend, name]

    def clone(
        self, backend: str, folder: Path, demo: bool = True, source: str | None = None
    ) -> Iterator[str]:
        """The URL of a fresh copy of the template database (or of ``source``), dropped afterwards."""
        source = source or self.template_url(backend, demo)
        if backend == "sqlite":
            target = folder / "demo-clone.db"
            with sqlite3.connect(str(sqlite_path(source))) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            yield f"sqlite:///{target}"
            return
        yield from _postgres_database("wb_clone", template=make_url(source).database)

    def close(self) -> None:
        for databases in self._cleanups:
            next(databases, None)


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


@pytest.fixture(params=BACKENDS)
def demo_clone(request: pytest.FixtureRequest, templates: Templates, tmp_path: Path) -> Iterator[Store]:
    """A store of its own holding the demo project (owned by ``DEMO_OWNER``), on SQLite and PostgreSQL."""
    for url in templates.clone(request.param, tmp_path):
        opened = Store.open(url)
        yield opened
        opened.dispose()


@pytest.fixture
def demo_sqlite_url(templates: Templates, tmp_path: Path) -> Iterator[str]:
    """The URL of an SQLite file of its own holding the demo project: for AppTest and the CLI."""
    yield from templates.clone("sqlite", tmp_path)


def run_workbench(url: str, *args: str, user: str = "cli-user") -> subprocess.CompletedProcess[str]:
    """Run the ``workbench`` command as a script would, against the store at ``url``."""
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_USER": user}
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
