"""A trained model names passages also by the project's decisions: an accepted excerpt names a similar
passage in another study, a rejected one pushes its code away, and a blind study's codings stay out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from workbench.domain.codebook import CodeKind
from workbench.importers.archive import from_bytes
from workbench.nlp.learning import LearnedModel
from workbench.nlp.naming import Exemplars
from workbench.services import codebook, coding, importing, projects, studies
from workbench.services.suggestion_cache import clear
from workbench.services.suggestions import (
    Suggestion,
    accept_suggestion,
    reject_suggestion,
    suggest_for_study,
    train_model,
)
from workbench.store.db import Store
from workbench.store.models import Project, Study, SuggestionModel

OWNER = "owner"
FILLER = (
    "The study was conducted over two years. Ethics approval was obtained from the board. "
    "Interviews lasted about an hour and were transcribed verbatim.\n\n"
)
LOCUM = (
    "Because the practice relied on locum agency cover and ever-changing rotas, patients said they "
    "felt that nobody knew their history and they stopped coming back."
)
LOCUM_AGAIN = (
    "Patients explained that because locum agency cover and rotas kept changing, they felt that nobody "
    "knew their history, so they stopped coming back."
)
WAITING = (
    "Because the waiting room was crowded and the queue was long, parents felt anxious and left "
    "before they were seen."
)
WAITING_AGAIN = (
    "Parents described a crowded waiting room and a long queue; because of it they felt anxious and "
    "left before they were seen."
)
CODES = (
    ("Rural distance", CodeKind.CONTEXT, "Living far from services in remote villages."),
    ("Staffing continuity", CodeKind.CONTEXT, "Seeing the same clinician at every appointment."),
    ("Crowded waiting", CodeKind.CONTEXT, "A crowded waiting room and a long queue before being seen."),
    ("Feeling known", CodeKind.MECHANISM, "Patients feel known and remembered by the people who treat them."),
    ("Anxiety", CodeKind.MECHANISM, "Parents felt anxious and worried."),
    ("Returning", CodeKind.OUTCOME, "Patients keep coming back to the service."),
)


@dataclass
class Review:
    project_id: int
    studies: dict[str, int]
    documents: dict[str, int]
    texts: dict[str, str]
    codes: dict[str, int]


def build(store: Store) -> Review:
    """Three studies: s1 holds LOCUM and WAITING, s2 and s3 each a passage like them."""
    project_id = projects.create_project(store, OWNER, "Memory review")
    texts = {
        "s1": "Continuity in general practice\n\n"
        + FILLER
        + LOCUM
        + "\n\n"
        + FILLER
        + WAITING
        + "\n\n"
        + FILLER,
        "s2": "Locum cover and patient loyalty\n\n" + FILLER + LOCUM_AGAIN + "\n\n" + FILLER,
        "s3": "Queues in paediatric clinics\n\n" + FILLER + WAITING_AGAIN + "\n\n" + FILLER,
    }
    files = [from_bytes(f"{key}.txt", text.encode()) for key, text in texts.items()]
    importing.import_files(store, OWNER, project_id, files)
    rows = sorted(studies.list_studies(store, OWNER, project_id), key=lambda r: r.id)
    study_ids = dict(zip(texts, [r.id for r in rows], strict=True))
    documents = {k: coding.document_view(store, OWNER, i).document_id for k, i in study_ids.items()}
    codes = {
        name: codebook.create_code(store, OWNER, project_id, name, kind, description=description)
        for name, kind, description in CODES
    }
    return Review(project_id, study_ids, documents, texts, codes)


def covering(store: Store, review: Review, study: str, passage: str) -> Suggestion | None:
    """The suggestion over ``passage`` of ``study``, if there is one."""
    start = review.texts[study].index(passage)
    end = start + len(passage)
    for s in suggest_for_study(store, OWNER, review.studies[study]):
        if s.start < end and start < s.end and min(s.end, end) - max(s.start, start) >= len(passage) // 2:
            return s
    return None


def first_context(s: Suggestion | None) -> int | None:
    contexts = [c for c in (s.codes if s else ()) if c.kind == CodeKind.CONTEXT.value]
    return max(contexts, key=lambda c: c.score).code_id if contexts else None


def score_of(s: Suggestion | None, code_id: int) -> float:
    return max((c.score for c in (s.codes if s else ()) if c.code_id == code_id), default=0.0)


def reviewed(store: Store) -> Review:
    clear()  # another test's model of the same (store, project, version) must not be served
    return build(store)


def accept(store: Store, review: Review, study: str, passage: str, names: list[str]) -> None:
    start = review.texts[study].index(passage)
    ids = [review.codes[n] for n in names]
    accept_suggestion(
        store, OWNER, review.documents[study], start, start + len(passage), ids, "deductive", None
    )


def test_after_accepting_a_passage_with_a_code_a_similar_passage_elsewhere_is_named_by_it_first(store):
    review = reviewed(store)
    continuity = review.codes["Staffing continuity"]
    assert first_context(covering(store, review, "s2", LOCUM_AGAIN)) != continuity  # the codebook alone
    accept(store, review, "s1", LOCUM, ["Staffing continuity", "Feeling known", "Returning"])
    accept(store, review, "s1", WAITING, ["Crowded waiting", "Anxiety"])
    train_model(store, OWNER, review.project_id)
    named = covering(store, review, "s2", LOCUM_AGAIN)
    assert named is not None and named.model_version == 1
    assert first_context(named) == continuity


def test_rejecting_a_passage_pushes_its_code_away_from_similar_passages(store):
    review = reviewed(store)
    crowded = review.codes["Crowded waiting"]
    before = covering(store, review, "s3", WAITING_AGAIN)
    assert first_context(before) == crowded  # the codebook's own words name it
    accept(store, review, "s1", LOCUM, ["Staffing continuity"])
    start = review.texts["s1"].index(WAITING)
    reject_suggestion(store, OWNER, review.documents["s1"], start, start + len(WAITING), "not evidence")
    train_model(store, OWNER, review.project_id)
    after = covering(store, review, "s3", WAITING_AGAIN)
    assert score_of(after, crowded) < score_of(before, crowded)


def test_a_blind_studys_codings_are_not_remembered_until_it_is_released(store):
    review = reviewed(store)
    with store.transaction() as session:
        session.get(Project, review.project_id).blind_coding = True
        for key in ("s1", "s3"):
            session.get(Study, review.studies[key]).released_at = datetime.now(UTC)
    accept(store, review, "s1", WAITING, ["Crowded waiting"])
    accept(store, review, "s2", LOCUM_AGAIN, ["Staffing continuity"])  # s2 stays blind
    train_model(store, OWNER, review.project_id)
    with store.transaction() as session:
        row = session.scalar(select(SuggestionModel).where(SuggestionModel.project_id == review.project_id))
        exemplars = Exemplars.from_bytes(LearnedModel.from_bytes(row.model_bytes).remembered)
        keys = LearnedModel.from_bytes(row.model_bytes).remembered_keys
    remembered = {keys[j] for j in exemplars.codes.nonzero()[1]}
    assert exemplars.codes.shape[0] == 1 and remembered == {str(review.codes["Crowded waiting"])}
    assert first_context(covering(store, review, "s1", LOCUM)) != review.codes["Staffing continuity"]
