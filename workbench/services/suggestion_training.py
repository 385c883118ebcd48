"""Train a project's suggestion model from its codings, decisions and configurations, and store it as a
new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.domain.configurations import ConfigurationStatus
from workbench.nlp.learning import Progress
from workbench.nlp.pipeline import pipeline_name
from workbench.nlp.training import TrainingDoc, train
from workbench.services import suggestion_cache as cache
from workbench.services.access import Action, require
from workbench.services.visibility import blinded_study_ids, shared_codings
from workbench.store import locks
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, Decision
from workbench.store.models import (
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    Excerpt,
    Study,
    SuggestionDecision,
    SuggestionModel,
)


@dataclass(frozen=True)
class ModelInfo:
    """A stored suggestion model: its version, held-out metrics, size of training data, pipeline."""

    version: int
    metrics: dict[str, Any]
    trained_on: int
    pipeline: str
    created_at: datetime


def latest_model(session: Session, project_id: int) -> SuggestionModel | None:
    """The project's newest stored model, if any."""
    return session.scalar(
        select(SuggestionModel)
        .where(SuggestionModel.project_id == project_id)
        .order_by(SuggestionModel.version.desc())
        .limit(1)
    )


def model_info(row: SuggestionModel) -> ModelInfo:
    """A stored model as a plain dataclass."""
    return ModelInfo(row.version, dict(row.metrics), row.trained_on, row.pipeline, row.created_at)


def decision_count(session: Session, project_id: int) -> int:
    """How many suggestions the project's team has accepted or rejected."""
    return int(
        session.scalar(
            select(func.count(SuggestionDecision.id))
            .join(Document)
            .join(Study)
            .where(Study.project_id == project_id)
        )
        or 0
    )


def _training_docs(session: Session, project_id: int) -> list[TrainingDoc]:
    """Every document with codings or decisions: coded excerpts with their code ids, rejected spans.
    Only what every member may see: a blind study's codings and decisions wait for its release."""
    rows = session.execute(
        select(Excerpt.document_id, Excerpt.start, Excerpt.end, Coding.code_id)
        .join(Coding)
        .join(Document)
        .join(Study)
        .where(Study.project_id == project_id, shared_codings(session, project_id))
    ).all()
    blinded = blinded_study_ids(session, project_id, None)
    spans: dict[int, dict[tuple[int, int], list[str]]] = {}
    for doc_id, start, end, code_id in rows:
        spans.setdefault(doc_id, {}).setdefault((start, end), []).append(str(code_id))
    rejected: dict[int, list[tuple[int, int]]] = {}
    for doc_id, start, end in session.execute(
        select(SuggestionDecision.document_id, SuggestionDecision.start, SuggestionDecision.end)
        .join(Document)
        .join(Study)
        .where(Study.project_id == project_id, SuggestionDecision.decision == Decision.REJECTED)
        .where(Study.id.not_in(blinded))
    ):
        rejected.setdefault(doc_id, []).append((start, end))
    ids = sorted(set(spans) | set(rejected))
    documents = session.scalars(select(Document).where(Document.id.in_(ids)).order_by(Document.id))
    return [
        TrainingDoc(
            str(d.study_id),
            d.text,
            tuple((s, e, tuple(c)) for (s, e), c in sorted(spans.get(d.id, {}).items())),
            tuple(rejected.get(d.id, [])),
        )
        for d in documents
    ]


def _configurations(session: Session, project_id: int) -> list[list[str]]:
    """The code keys each of the project's configurations joins (refuted ones left out): which
    contexts, mechanisms and outcomes the team has found going together."""
    joined: dict[int, list[str]] = {}
    for config_id, code_id in session.execute(
        select(ConfigurationElement.configuration_id, ConfigurationElement.code_id)
        .join(Configuration)
        .where(Configuration.project_id == project_id, Configuration.status != ConfigurationStatus.REFUTED)
        .order_by(ConfigurationElement.configuration_id, ConfigurationElement.position)
    ):
        joined.setdefault(config_id, []).append(str(code_id))
    return list(joined.values())


TRAINING_RUNNING = "training already running for this project (maybe on another server); try again later"


def train_model(store: Store, username: str, project_id: int, progress: Progress | None = None) -> ModelInfo:
    """Train a new model version from the project's codings and decisions and store it. Reading
    and storing are two short transactions, so no transaction stays open while the model learns.
    One trainer per project across every app server: a database lock, else ``Conflict``."""
    with store.transaction() as session:
        require(session, project_id, username, Action.SUGGEST)
    with locks.exclusive(store, "train-suggestions", project_id, TRAINING_RUNNING):
        return _train(store, username, project_id, progress)


def _train(store: Store, username: str, project_id: int, progress: Progress | None) -> ModelInfo:
    with store.transaction() as session:
        require(session, project_id, username, Action.SUGGEST)
        codebook = cache.project_codebook(session, project_id)
        docs, decisions = _training_docs(session, project_id), decision_count(session, project_id)
        configurations = _configurations(session, project_id)
    suggester = cache.suggester_for(codebook)
    result = train(suggester, docs, codebook.kinds, progress=progress, configurations=configurations)
    metrics = {**result.metrics, "decisions": decisions}
    data, name = result.model.to_bytes(), pipeline_name(suggester.nlp)
    excerpts = sum(len(d.excerpts) for d in docs)
    for _attempt in range(3):  # another server may store a version at the same moment
        try:
            return _store_model(store, username, project_id, data, metrics, excerpts, name)
        except IntegrityError:
            continue
    raise RuntimeError("could not store the trained model: versions kept colliding")


def _store_model(
    store: Store,
    username: str,
    project_id: int,
    data: bytes,
    metrics: dict[str, Any],
    trained_on: int,
    pipeline: str,
) -> ModelInfo:
    with store.transaction() as session:
        user = require(session, project_id, username, Action.SUGGEST)
        latest = latest_model(session, project_id)
        row = SuggestionModel(
            project_id=project_id,
            version=(latest.version if latest else 0) + 1,
            pipeline=pipeline[:100],
            model_bytes=data,
            metrics=metrics,
            trained_on=trained_on,
        )
        session.add(row)
        session.flush()
        record(
            session,
            action=AuditAction.CREATE,
            entity_type="suggestion_model",
            entity_id=row.id,
            user_id=user.id,
            project_id=project_id,
            after={"version": row.version, "trained_on": trained_on, "pipeline": row.pipeline},
        )
        return model_info(row)
