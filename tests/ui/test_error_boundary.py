"""No page shows a traceback or a server path: each kind of ServiceError reaches the user as its message."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.services import projects
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.ui import permissions, widgets

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.stem for p in (ROOT / "workbench/ui/pages").glob("*.py") if p.stem != "__init__")
KINDS = [NotFound, PermissionDenied, Conflict, Invalid]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_page_shows_a_service_error_as_its_message_without_a_traceback(kind, tmp_path, monkeypatch):
    message = f"{kind.__name__}: the review 'APPEAR' cannot do that"

    def failing(*_args, **_kwargs):
        raise kind(message)

    # every page lists the user's projects first (the sidebar picker); make that service fail
    monkeypatch.setattr(projects, "list_projects", failing)
    monkeypatch.setattr(widgets, "list_projects", failing)
    monkeypatch.setattr(permissions, "take_projects", lambda: None)  # the picker reads them itself
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'errors.db'}")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for page in PAGES:
        at.switch_page(f"workbench/ui/pages/{page}.py").run()
        assert not at.exception, page
        shown = [e.value for e in at.error]
        assert any("the review" in text and "APPEAR" in text for text in shown), (page, shown)
        assert not any("Traceback" in text or str(ROOT) in text for text in shown), page


def test_an_unexpected_failure_shows_a_plain_notice_and_no_server_path(tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError(f"database file {tmp_path} is corrupt")

    monkeypatch.setattr(projects, "list_projects", broken)
    monkeypatch.setattr(widgets, "list_projects", broken)
    monkeypatch.setattr(permissions, "take_projects", lambda: None)
    monkeypatch.setenv("WORKBENCH_DEBUG", "0")  # as served to reviewers
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'errors.db'}")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    assert "Something went wrong" in error.value
    assert str(tmp_path) not in error.value
