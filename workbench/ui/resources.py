"""Resources shared across reruns and sessions (the store), created once per server process."""

from __future__ import annotations

import streamlit as st

from workbench.services import database
from workbench.services.access import current_username
from workbench.store.db import Store, database_url


@st.cache_resource(show_spinner="Opening the store…")
def _open_store(url: str) -> Store:
    opened = Store.open(url)
    database.upgrade_database(opened)
    return opened


def store() -> Store:
    """The store, upgraded to the newest schema on first use (an SQLite file is backed up first)."""
    return _open_store(database_url())


def username() -> str:
    """The acting user of this app server."""
    return current_username()
