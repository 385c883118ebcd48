"""How pages show a failure: a ServiceError's message, never a traceback or a server path."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from workbench.services.errors import ServiceError
from workbench.ui.text import plain

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on the server; nothing was saved. The error has been logged."
# tests and developers set WORKBENCH_DEBUG=1 so that a bug fails loudly instead of showing UNEXPECTED
DEBUG_ENV = "WORKBENCH_DEBUG"


@contextmanager
def reported(where: st.delta_generator.DeltaGenerator | None = None) -> Iterator[None]:
    """Run a service call; show a ``ServiceError`` as an error box (in ``where``, else the page)."""
    target = where if where is not None else st
    try:
        yield
    except ServiceError as exc:
        target.error(plain(str(exc)), icon=":material/error:")
    except Exception:  # a bug: log it whole, show the reviewer no internals
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        log.exception("unexpected error in a page")
        target.error(UNEXPECTED, icon=":material/error:")
