"""The app upgrades an older SQLite store on start and tells the user once where the backup is."""

import re
from pathlib import Path

from alembic.script import ScriptDirectory
from streamlit.testing.v1 import AppTest

from workbench.store import migrate
from workbench.store.db import Store

ROOT = Path(__file__).resolve().parents[2]


def _unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_starting_on_an_older_store_upgrades_it_and_says_once_where_the_backup_is(tmp_path, monkeypatch):
    path = tmp_path / "workbench.db"
    url = f"sqlite:///{path}"
    store = Store.open(url)
    first = ScriptDirectory.from_config(migrate.alembic_config(url)).get_base()
    assert isinstance(first, str)
    migrate.upgrade_to(store.engine, url, first)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_USER", "owner")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    backup = path.with_name("workbench.db.bak")
    assert migrate.current_revision(store.engine) == migrate.head_revision(url)
    assert any(str(backup) in _unescaped(i.value) for i in at.sidebar.info)
    assert any(str(backup) in _unescaped(t.value) for t in at.toast)
    at.run()  # the next rerun of the same session does not repeat it
    assert not any(".bak" in _unescaped(i.value) for i in at.sidebar.info)
    store.dispose()
