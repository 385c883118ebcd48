"""Resources shared across reruns and sessions (the store), created once per server process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from workbench.services import auth, database
from workbench.services.access import current_username
from workbench.services.errors import PermissionDenied
from workbench.store.db import Store, database_url
from workbench.ui.text import plain

_BACKUP_SHOWN = "_workbench_upgrade_backup_shown"
SIGNED_IN = "_workbench_signed_in"  # the username the sign-in gate (ui/auth_gate.py) found for this run


@dataclass(frozen=True)
class _Opened:
    store: Store
    backup: Path | None  # where the SQLite file was copied before the automatic upgrade on start


@st.cache_resource(show_spinner="Opening the store…")
def _open_store(url: str) -> _Opened:
    opened = Store.open(url)
    return _Opened(opened, database.upgrade_database(opened))


def store() -> Store:
    """The store, upgraded to the newest schema on first use (an SQLite file is backed up first)."""
    return _open_store(database_url()).store


def announce_upgrade() -> None:
    """Tell each browser session once where the backup is, when the store was upgraded on start."""
    backup = _open_store(database_url()).backup
    if backup is None or st.session_state.get(_BACKUP_SHOWN):
        return
    st.session_state[_BACKUP_SHOWN] = True
    message = f"The database was upgraded to the newest version. A copy from before is kept at {backup}"
    st.toast(plain(message), icon=":material/backup:", duration="long")
    st.sidebar.info(plain(message), icon=":material/backup:")


def username() -> str:
    """The acting user: the signed-in user (``password``, ``oidc``), else ``WORKBENCH_USER`` or the login."""
    if auth.mode() == "local":
        return current_username()
    signed_in = st.session_state.get(SIGNED_IN)
    if not signed_in:
        raise PermissionDenied("Sign in first.")
    return str(signed_in)
