"""Training in a process of its own, as a second app server would (run by multiprocessing)."""

from __future__ import annotations

from typing import Any

from workbench.services import suggestions
from workbench.services.errors import Conflict
from workbench.store.db import Store


def train_holding_on(
    url: str, user: str, project_id: int, started: Any, may_finish: Any, results: Any
) -> None:
    """Train, and at the first progress report say so and wait until told to go on."""
    store = Store.open(url)

    def progress(_fraction: float, _message: str) -> None:
        if not started.is_set():
            started.set()
            may_finish.wait(120)

    try:
        results.put(("trained", suggestions.train_model(store, user, project_id, progress).version))
    except Conflict as exc:
        results.put(("conflict", str(exc)))
    finally:
        store.dispose()


def train_once_the_other_started(url: str, user: str, project_id: int, started: Any, results: Any) -> None:
    """Wait until the other process is training, then try to train too."""
    store = Store.open(url)
    started.wait(120)
    try:
        results.put(("trained", suggestions.train_model(store, user, project_id).version))
    except Conflict as exc:
        results.put(("conflict", str(exc)))
    finally:
        store.dispose()


def model_in_use(url: str, user: str, project_id: int, study_id: int, results: Any) -> None:
    """The model version this process reports and suggests with (a store and caches of its own)."""
    store = Store.open(url)
    try:
        model = suggestions.current_model(store, user, project_id)
        offered = suggestions.suggest_for_study(store, user, study_id, top=3)
        results.put((model.version if model else None, {s.model_version for s in offered}))
    finally:
        store.dispose()
