"""The UI tier's one setup: a demo store of its own for each test, and the app opened on it as a user."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER

ROOT = Path(__file__).resolve().parents[2]
OpenApp = Callable[..., AppTest]


@pytest.fixture
def demo_url(demo_sqlite_url: str) -> str:
    """An SQLite store of this test's own holding the demo project (owned by ``DEMO_OWNER``)."""
    return demo_sqlite_url


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> OpenApp:
    """Run app.py in AppTest against the store at ``url`` as ``user``, on ``page`` if given."""

    def opener(url: str, user: str = DEMO_OWNER, page: str | None = None, timeout: float = 90) -> AppTest:
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
        monkeypatch.setenv("WORKBENCH_USER", user)
        monkeypatch.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout).run()
        return at.switch_page(f"workbench/ui/pages/{page}.py").run() if page else at

    return opener
