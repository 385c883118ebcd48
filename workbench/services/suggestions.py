"""Suggestion use cases: suggest spans per study and across a project, accept or reject them, and
train the project's model (``train_model``, from ``suggestion_training``) on the team's decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from workbench.domain.configurations import CodingMode
from workbench.domain.spans import codable_span
from workbench.domain.studies import short_citation
from workbench.domain.suggestions import KINDS, SpanSuggestion, TakenSpans, matches_filter
from workbench.nlp.pipeline import get_pipeline, pipeline_name
from workbench.services import suggestion_cache as cache
from workbench.services.access import Action, require
from workbench.services.coding import CodingAction, code_in
from workbench.services.errors import Invalid, NotFound
from workbench.services.suggestion_jobs import maybe_retrain
from workbench.services.suggestion_training import ModelInfo, latest_model, model_info, train_model
from workbench.services.visibility import CodingVisibility, visibility
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, CodingOrigin, Decision
from workbench.store.models import (
    Code,
    Coding,
    Document,
    Excerpt,
    Study,
    SuggestionDecision,
    SuggestionModel,
    User,
)
from workbench.store.queries_fingerprint import one_row

__all__ = [
    "ModelInfo",
    "SuggestedCode",
    "Suggestion",
    "accept_suggestion",
    "active_pipeline",
    "current_model",
    "project_codes",
    "reject_suggestion",
    "span_text",
    "suggest_for_study",
    "suggestion_queue",
    "suggestion_revision",
    "train_model",
]


@dataclass(frozen=True)
class SuggestedCode:
    """A code proposed for a suggested span."""

    code_id: int
    name: str
    kind: str
    score: float


@dataclass(frozen=True)
class Suggestion:
    """A span of a study's document worth coding, with scores, codes, reasons and the model
    version that made it (None: the rules alone)."""

    document_id: int
    study_id: int
    study: str
    start: int
    end: int
    text: str
    score: float
    labels: dict[str, float]
    codes: tuple[SuggestedCode, ...]
    reasons: tuple[str, ...]
    model_version: int | None


def active_pipeline() -> str:
    """The name of the spaCy pipeline suggestions run on (shown in the UI)."""
    return pipeline_name(get_pipeline())


def current_model(store: Store, username: str, project_id: int) -> ModelInfo | None:
    """The project's newest trained model, if any."""
    with store.transaction() as session:
        require(session, project_id, username, Action.SUGGEST)
        row = latest_model(session, project_id)
        return model_info(row) if row else None


@dataclass
class _DocumentData:
    document_id: int
    study_id: int
    study: str
    text: str
    taken: list[tuple[int, int]]  # coded excerpts and rejected spans: never suggested again


def _documents(session: Session, studies: Sequence[Study], seen: CodingVisibility) -> list[_DocumentData]:
    """The studies' documents with the spans the viewer sees coded or rejected (blind: their own only)."""
    ids = [d.id for s in studies for d in s.documents]
    taken: dict[int, list[tuple[int, int]]] = {i: [] for i in ids}
    shown = or_(Excerpt.id.in_(select(Coding.excerpt_id).where(seen.clause)), ~Excerpt.codings.any())
    for doc_id, start, end in session.execute(
        select(Excerpt.document_id, Excerpt.start, Excerpt.end).where(Excerpt.document_id.in_(ids), shown)
    ):
        taken[doc_id].append((start, end))
    for doc_id, start, end, study_id, by in session.execute(
        select(SuggestionDecision.document_id, SuggestionDecision.start, SuggestionDecision.end,
               Document.study_id, SuggestionDecision.decided_by_id)
        .join(Document, SuggestionDecision.document_id == Document.id)
        .where(SuggestionDecision.document_id.in_(ids), SuggestionDecision.decision == Decision.REJECTED)
    ):  # fmt: skip
        if seen.admits(study_id, by if by is not None else -1):
            taken[doc_id].append((start, end))
    return [
        _DocumentData(d.id, s.id, short_citation(s.authors, s.year) or s.key, d.text, taken[d.id])
        for s in studies
        for d in s.documents
    ]


def _suggest(
    store_key: str, codebook: cache.Codebook, model: SuggestionModel | None, documents: list[_DocumentData]
) -> list[Suggestion]:
    suggester = cache.suggester_for(codebook)
    version = model.version if model else None
    if model is not None:
        suggester = suggester.with_model(cache.model_for(store_key, model, suggester))
    out = []
    for doc in documents:
        taken = TakenSpans(doc.taken)
        for s in cache.document_suggestions(
            store_key, doc.document_id, doc.text, suggester, codebook, version
        ):
            if not taken.covers((s.start, s.end)):
                out.append(_wrap(s, doc, version))
    return out


def _wrap(s: SpanSuggestion, doc: _DocumentData, version: int | None) -> Suggestion:
    codes = tuple(SuggestedCode(int(c.key), c.code, c.kind, c.score) for c in s.codes)
    return Suggestion(
        doc.document_id,
        doc.study_id,
        doc.study,
        s.start,
        s.end,
        s.text,
        s.score,
        dict(s.labels),
        codes,
        s.reasons,
        version,
    )


def _named(suggestions: list[Suggestion], names: dict[int, str]) -> list[Suggestion]:
    """Code keys (ids) replaced by the codes' current names (copied only where a name changed)."""
    return [
        s
        if all(names.get(c.code_id, c.name) == c.name for c in s.codes)
        else replace(s, codes=tuple(replace(c, name=names.get(c.code_id, c.name)) for c in s.codes))
        for s in suggestions
    ]


def suggest_for_study(store: Store, username: str, study_id: int, top: int | None = None) -> list[Suggestion]:
    """Ranked suggestions for a study's documents, without spans already coded or rejected."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        user = require(session, study.project_id, username, Action.SUGGEST)
        codebook = cache.project_codebook(session, study.project_id)
        seen = visibility(session, study.project_id, user.id)
        model, documents = latest_model(session, study.project_id), _documents(session, [study], seen)
        names = _code_names(session, study.project_id)
        key = cache.store_key(session)
    ranked = sorted(
        _suggest(key, codebook, model, documents), key=lambda s: (-s.score, s.document_id, s.start)
    )
    return _named(ranked[:top] if top is not None else ranked, names)


def suggestion_revision(store: Store, username: str, study_id: int) -> tuple[object, ...]:
    """A fingerprint of everything :func:`suggest_for_study` depends on (the study's excerpts and
    decisions, the project's codes and newest model) in a few small queries: while it is unchanged,
    suggestions read earlier are still current."""
    with store.transaction() as session:
        study = session.get(Study, study_id)
        if study is None:
            raise NotFound(f"study {study_id} does not exist")
        require(session, study.project_id, username, Action.SUGGEST)
        documents = select(Document.id).where(Document.study_id == study_id)
        queries = [
            select(func.count(Excerpt.id), func.sum(Excerpt.id)).where(Excerpt.document_id.in_(documents)),
            select(func.count(SuggestionDecision.id), func.max(SuggestionDecision.id)).where(
                SuggestionDecision.document_id.in_(documents)
            ),
            select(func.count(Code.id), func.sum(Code.id), func.max(Code.updated_at)).where(
                Code.project_id == study.project_id
            ),
            select(func.max(SuggestionModel.version)).where(SuggestionModel.project_id == study.project_id),
        ]
        # the study's version changes with its release and assignments, which change what is "taken"
        rows = (str(v) for v in one_row(session, queries))  # one statement
        return (study_id, study.version_id, *rows)


def project_codes(store: Store, username: str, project_id: int) -> list[SuggestedCode]:
    """Every code of the project (score 0), for choosing codes to accept a suggestion with."""
    with store.transaction() as session:
        require(session, project_id, username, Action.SUGGEST)
        codes = [
            SuggestedCode(c.id, c.name, c.kind.value, 0.0)
            for c in session.scalars(select(Code).where(Code.project_id == project_id))
        ]
    order = {kind: i for i, kind in enumerate((*KINDS, "other"))}
    return sorted(codes, key=lambda c: (order.get(c.kind, 9), c.name.lower()))


def _code_names(session: Session, project_id: int) -> dict[int, str]:
    rows = session.execute(select(Code.id, Code.name).where(Code.project_id == project_id))
    return {code_id: name for code_id, name in rows}


def suggestion_queue(
    store: Store,
    username: str,
    project_id: int,
    kind: str | None = None,
    code: int | None = None,
    limit: int = 50,
    study: int | None = None,
) -> list[Suggestion]:
    """The project's suggestions across studies (or in the one ``study``), best first; ``kind``
    keeps those labelled with that kind (its score is at least 0.5, or the highest), ``code`` those
    proposing that code."""
    if kind is not None and kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}")
    with store.transaction() as session:
        user = require(session, project_id, username, Action.SUGGEST)
        codebook = cache.project_codebook(session, project_id)
        chosen = select(Study).where(Study.project_id == project_id).options(selectinload(Study.documents))
        if study is not None:
            chosen = chosen.where(Study.id == study)
        studies = list(session.scalars(chosen.order_by(Study.key)))
        if study is not None and not studies:
            raise NotFound("that study is not in this project (deleted meanwhile?)")
        seen = visibility(session, project_id, user.id)
        model, documents = latest_model(session, project_id), _documents(session, studies, seen)
        names = _code_names(session, project_id)
        key = cache.store_key(session)
    found = _suggest(key, codebook, model, documents)
    found = [s for s in found if matches_filter(s.labels, (c.code_id for c in s.codes), kind, code)]
    found.sort(key=lambda s: (-s.score, s.study, s.start))
    return _named(found[:limit], names)


def span_text(store: Store, username: str, document_id: int, start: int, end: int) -> str:
    """The characters ``[start, end)`` of a document (to preview an edited suggestion)."""
    with store.transaction() as session:
        document, _user = _document(session, document_id, username)
        return codable_span(document.text, start, end).slice(document.text)


def _document(session: Session, document_id: int, username: str) -> tuple[Document, User]:
    """The document and the acting user, if the user may work with suggestions in its project."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"document {document_id} does not exist")
    return document, require(session, document.study.project_id, username, Action.SUGGEST)


def _model_row(session: Session, project_id: int, version: int | None) -> SuggestionModel | None:
    if version is None:
        return None
    row = session.scalar(
        select(SuggestionModel).where(
            SuggestionModel.project_id == project_id, SuggestionModel.version == version
        )
    )
    if row is None:
        raise NotFound(f"suggestion model version {version} does not exist in this project")
    return row


def accept_suggestion(
    store: Store,
    username: str,
    document_id: int,
    start: int,
    end: int,
    code_ids: Sequence[int],
    mode: CodingMode | str,
    model_version: int | None,
) -> CodingAction:
    """Code a suggested span (as suggested, or edited) with the chosen codes through the same write
    path as coding a selection (``coding.code_in``: span rule, audit entries, undo); the codings
    record that a suggestion made them and which model version, and the accepted decision (for
    training) is written in the same transaction. Returns the undoable action."""
    with store.transaction() as session:
        document, user = _document(session, document_id, username)
        project_id = document.study.project_id
        model = _model_row(session, project_id, model_version)
        action = code_in(
            session, username, document_id, start, end, code_ids, CodingMode(mode),
            origin=CodingOrigin.SUGGESTION, suggestion_model_id=model.id if model else None,
        )  # fmt: skip
        codes = _codes(session, project_id, code_ids)
        decision = SuggestionDecision(
            document_id=document.id,
            start=start,
            end=end,
            decision=Decision.ACCEPTED,
            labels={"codes": [c.name for c in codes], "kinds": sorted({c.kind.value for c in codes})},
            model_id=model.id if model else None,
            coding_id=action.codings[0].coding_id if action.codings else None,
            decided_by_id=user.id,
        )
        _audit_decision(session, decision, project_id, user.id)
    maybe_retrain(store, username, project_id)
    return action


def _codes(session: Session, project_id: int, code_ids: Sequence[int]) -> list[Code]:
    codes = list(session.scalars(select(Code).where(Code.project_id == project_id, Code.id.in_(code_ids))))
    return sorted(codes, key=lambda c: list(code_ids).index(c.id))


def _audit_decision(session: Session, decision: SuggestionDecision, project_id: int, user_id: int) -> None:
    session.add(decision)
    session.flush()
    after = {
        "document_id": decision.document_id,
        "start": decision.start,
        "end": decision.end,
        "decision": decision.decision.value,
        "reason": decision.reason,
        "coding_id": decision.coding_id,
    }
    record(
        session,
        action=AuditAction.CREATE,
        entity_type="suggestion_decision",
        entity_id=decision.id,
        user_id=user_id,
        project_id=project_id,
        after=after,
    )


def reject_suggestion(
    store: Store, username: str, document_id: int, start: int, end: int, reason: str = ""
) -> int:
    """Reject a suggested span: it (and any span mostly overlapping it) is never suggested again
    in this document; returns the decision's id."""
    with store.transaction() as session:
        document, user = _document(session, document_id, username)
        project_id = document.study.project_id
        codable_span(document.text, start, end)
        decision = SuggestionDecision(
            document_id=document.id,
            start=start,
            end=end,
            decision=Decision.REJECTED,
            reason=reason.strip(),
            decided_by_id=user.id,
        )
        _audit_decision(session, decision, project_id, user.id)
        decision_id = decision.id
    maybe_retrain(store, username, project_id)
    return decision_id
