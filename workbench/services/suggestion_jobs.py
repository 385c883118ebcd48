"""Train suggestion models in the background: on demand, and after every N new decisions
(``WORKBENCH_RETRAIN_AFTER``, default 25; 0 turns automatic retraining off)."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field, replace

from workbench.services.access import Action, require
from workbench.services.errors import Invalid, ServiceError
from workbench.services.suggestion_training import ModelInfo, decision_count, latest_model, train_model
from workbench.store.db import Store

log = logging.getLogger(__name__)

RETRAIN_ENV = "WORKBENCH_RETRAIN_AFTER"
DEFAULT_RETRAIN_AFTER = 25


def retrain_after() -> int:
    """How many new decisions trigger a retraining (0: never automatically)."""
    raw = os.environ.get(RETRAIN_ENV, "").strip()
    try:
        return max(0, int(raw)) if raw else DEFAULT_RETRAIN_AFTER
    except ValueError:
        raise Invalid(f"{RETRAIN_ENV} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class TrainingStatus:
    """Where a training job stands, for a progress bar: ``state`` is running, done or failed."""

    project_id: int
    state: str
    fraction: float
    message: str
    started: float
    reason: str  # "requested" or "after N new decisions"
    result: ModelInfo | None = None
    error: str = ""


@dataclass
class TrainingJob:
    """A model being trained in a background thread; poll :attr:`status`, or :meth:`wait`."""

    status: TrainingStatus
    thread: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, **changes: object) -> None:
        """Replace some fields of the status (called from the training thread)."""
        with self.lock:
            self.status = replace(self.status, **changes)  # type: ignore[arg-type]

    @property
    def running(self) -> bool:
        """True until the job has finished or failed."""
        return self.status.state == "running"

    def wait(self, timeout: float | None = None) -> TrainingStatus:
        """Block until the job ends (or the timeout passes) and return its status."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.status


_jobs: dict[tuple[str, int], TrainingJob] = {}
_jobs_lock = threading.Lock()


def _key(store: Store, project_id: int) -> tuple[str, int]:
    return (store.engine.url.render_as_string(hide_password=True), project_id)


def training_job(store: Store, project_id: int) -> TrainingJob | None:
    """The project's current or last training job in this process, if any."""
    with _jobs_lock:
        return _jobs.get(_key(store, project_id))


def start_training(store: Store, username: str, project_id: int, reason: str = "requested") -> TrainingJob:
    """Train a new model version in a background thread (or return the job already running)."""
    with store.transaction() as session:
        require(session, project_id, username, Action.SUGGEST)
    with _jobs_lock:
        key = _key(store, project_id)
        running = _jobs.get(key)
        if running is not None and running.running:
            return running
        job = TrainingJob(TrainingStatus(project_id, "running", 0.0, "starting", time.time(), reason))
        _jobs[key] = job
        job.thread = threading.Thread(
            target=_run,
            args=(job, store, username, project_id),
            name=f"train-suggestions-{project_id}",
            daemon=True,
        )
        job.thread.start()
        return job


def _run(job: TrainingJob, store: Store, username: str, project_id: int) -> None:
    try:
        info = train_model(
            store, username, project_id, lambda f, m: job.update(fraction=min(f, 0.99), message=m)
        )
    except ServiceError as exc:  # e.g. another server is training this project: its message as it is
        job.update(state="failed", message="training failed", error=str(exc))
    except Exception:  # the thread must not die silently; details go to the server log, not the page
        log.exception("training the suggestion model of project %s failed", project_id)
        job.update(
            state="failed", message="training failed", error="an unexpected error (see the server log)"
        )
    else:
        job.update(state="done", fraction=1.0, message=f"version {info.version} stored", result=info)


def maybe_retrain(store: Store, username: str, project_id: int) -> TrainingJob | None:
    """Start training when the team has made ``WORKBENCH_RETRAIN_AFTER`` decisions since the
    newest model was trained; returns the job started, if any."""
    after = retrain_after()
    if not after:
        return None
    current = training_job(store, project_id)
    if current is not None and current.running:
        return None
    with store.transaction() as session:
        latest = latest_model(session, project_id)
        seen = int(latest.metrics.get("decisions", 0)) if latest else 0
        new = decision_count(session, project_id) - seen
    if new < after:
        return None
    return start_training(store, username, project_id, reason=f"after {new} new decisions")
