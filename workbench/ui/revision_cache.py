"""Session-state caching of a page's reads, kept while the project's revision fingerprint is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import streamlit as st

from workbench.services.access import Action
from workbench.services.figures import programme_revision
from workbench.services.gc_pause import gc_paused
from workbench.ui import resources

T = TypeVar("T")
_SLOT = "_workbench_revision_cache_"


def revision(project_id: int, action: Action = Action.READ_THEORY) -> tuple[object, ...]:
    """This run's fingerprint of the project's studies, codes, codings, configurations and versions
    (one statement), with the acting user: read once per run, then reused by every ``cached`` call."""
    user = resources.username()
    return (project_id, user, programme_revision(resources.store(), user, project_id, action))


def cached(name: str, key: object, fingerprint: tuple[object, ...], read: Callable[[], T]) -> T:
    """``read()``, or what it returned on an earlier run of this session for the same ``key`` while the
    project's ``fingerprint`` (see ``revision``) is unchanged. One value is kept per ``name``."""
    slot = _SLOT + name
    found = st.session_state.get(slot)
    if isinstance(found, tuple) and len(found) == 2 and found[0] == (fingerprint, key):
        return cast(T, found[1])
    with gc_paused():  # a page's reads build tens of thousands of small objects (services/gc_pause.py)
        value = read()
    st.session_state[slot] = ((fingerprint, key), value)
    return value
