"""Process-wide caches behind the suggestion services: one suggester per codebook, trained models
by (project, version, codebook), and each document's suggestions, so pages rerun without re-reading."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.suggestions import SpanSuggestion
from workbench.nlp.codebook import CodeProfile
from workbench.nlp.learning import LearnedModel
from workbench.nlp.pipeline import get_pipeline, pipeline_name
from workbench.nlp.suggester import Model, Suggester
from workbench.nlp.training import remembering
from workbench.store.models import Code, SuggestionModel

T = TypeVar("T")


class Lru(Generic[T]):
    """A small thread-safe least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, T] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The cached value for ``key``, made (outside the lock) when missing."""
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self.lock:
            self.items.clear()


@dataclass(frozen=True)
class Codebook:
    """A project's suggestable codes as the suggester sees them, and a fingerprint of them."""

    profiles: tuple[CodeProfile, ...]
    fingerprint: str
    kinds: dict[str, str]  # every code's key (its id as text) -> kind


def project_codebook(session: Session, project_id: int) -> Codebook:
    """The project's codes without sub-codes (the most specific ones) as code profiles."""
    codes = list(session.scalars(select(Code).where(Code.project_id == project_id).order_by(Code.id)))
    by_id = {code.id: code for code in codes}
    parents = {code.parent_id for code in codes if code.parent_id is not None}
    profiles = []
    for code in codes:
        if code.id in parents:
            continue
        parent = by_id.get(code.parent_id) if code.parent_id is not None else None
        background = f"{parent.name}. {parent.description}" if parent else ""
        profiles.append(
            CodeProfile(
                str(code.id), code.name, code.kind.value, code.description, tuple(code.examples), background
            )
        )
    digest = hashlib.sha256(repr(profiles).encode("utf-8")).hexdigest()[:16]
    return Codebook(tuple(profiles), digest, {str(code.id): code.kind.value for code in codes})


_suggesters: Lru[Suggester] = Lru(8)
_models: Lru[Model] = Lru(8)
_documents: Lru[list[SpanSuggestion]] = Lru(1024)


def store_key(session: Session) -> str:
    """Which database a session talks to (caches must not mix two stores' ids)."""
    bind = session.get_bind()
    return bind.engine.url.render_as_string(hide_password=True)


def suggester_for(codebook: Codebook) -> Suggester:
    """A suggester for this codebook on the active pipeline (built once per codebook)."""
    nlp = get_pipeline()
    key = (pipeline_name(nlp), codebook.fingerprint)
    return _suggesters.get(key, lambda: Suggester(nlp, codebook.profiles))


def model_for(store: str, row: SuggestionModel, suggester: Suggester) -> Model:
    """A stored model, read from its bytes once per (store, project, version, codebook): the learned
    weights, naming units also by the project's decided excerpts (neighbours and counter-examples)
    and configurations (priors) it remembered, laid onto ``suggester``'s codes."""

    def load() -> Model:
        model = LearnedModel.from_bytes(row.model_bytes)
        return remembering(model, suggester.code_keys, suggester.index.kinds)

    columns = tuple(zip(suggester.code_keys, suggester.index.kinds.tolist(), strict=True))
    key = (store, row.project_id, row.version, columns)
    return _models.get(key, load)


def document_suggestions(
    store: str, document_id: int, text: str, suggester: Suggester, codebook: Codebook, version: int | None
) -> list[SpanSuggestion]:
    """Every suggestion for a document (documents never change after import, so they are kept)."""
    key = (store, document_id, codebook.fingerprint, version, pipeline_name(suggester.nlp))
    return _documents.get(key, lambda: suggester.suggest(text))


def clear() -> None:
    """Forget every cached suggester, model and suggestion (tests; after deleting a store)."""
    for cache in (_suggesters, _models, _documents):
        cache.clear()
