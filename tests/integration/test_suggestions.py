"""Suggestion services on SQLite and PostgreSQL: accept, reject, train, retrain, queue, access."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.domain.configurations import CodingMode
from workbench.domain.spans import SpanError
from workbench.domain.suggestions import is_covered, labelled_as, mostly_overlaps
from workbench.nlp.learning import LearnedModel
from workbench.services import demo, projects, suggestion_jobs
from workbench.services.access import ensure_user
from workbench.services.coding import code_span, undo
from workbench.services.errors import NotFound, PermissionDenied
from workbench.services.studies import list_studies
from workbench.services.suggestions import (
    accept_suggestion,
    current_model,
    project_codes,
    reject_suggestion,
    suggest_for_study,
    suggestion_queue,
    suggestion_revision,
    train_model,
)
from workbench.store.enums import CodingOrigin, Decision, Role
from workbench.store.models import (
    AuditEntry,
    Coding,
    Document,
    Excerpt,
    Membership,
    SuggestionDecision,
    SuggestionModel,
)

OWNER = "owner"


@pytest.fixture
def store(demo_clone):
    """In this module every store starts as a fresh copy of the demo project (owned by "owner")."""
    return demo_clone


@pytest.fixture
def project(store):
    return projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)


def study_ids(store, project_id):
    return [row.id for row in list_studies(store, OWNER, project_id)]


def test_accepting_a_suggestion_codes_it_as_made_by_that_model_version(store, project):
    info = train_model(store, OWNER, project)
    study = study_ids(store, project)[0]
    [s] = suggest_for_study(store, OWNER, study, top=1)
    assert s.model_version == info.version == 1
    chosen = [c.code_id for c in s.codes[:2]]
    action = accept_suggestion(
        store, OWNER, s.document_id, s.start, s.end, chosen, "deductive", s.model_version
    )
    ids = list(action.coding_ids)
    with store.transaction() as session:
        model = session.scalar(select(SuggestionModel).where(SuggestionModel.project_id == project))
        codings = list(session.scalars(select(Coding).where(Coding.id.in_(ids))))
        assert {c.code_id for c in codings} == set(chosen)
        assert {(c.origin, c.suggestion_model_id, c.mode.value) for c in codings} == {
            (CodingOrigin.SUGGESTION, model.id, "deductive")
        }
        excerpt = session.get(Excerpt, codings[0].excerpt_id)
        assert (excerpt.start, excerpt.end, excerpt.text) == (s.start, s.end, s.text)
        decision = session.scalar(
            select(SuggestionDecision).where(SuggestionDecision.document_id == s.document_id)
        )
        assert (decision.decision, decision.model_id, decision.coding_id) == (
            Decision.ACCEPTED,
            model.id,
            ids[0],
        )
        audit = list(session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "coding")))
        assert sorted(a.entity_id for a in audit) == sorted(ids)
        # the same audit shape as a coding made by hand, plus the model it came from
        after = {
            (a.after["excerpt_id"], a.after["document_id"], a.after["suggestion_model_id"]) for a in audit
        }
        assert after == {(excerpt.id, s.document_id, model.id)}
        assert {a.after["origin"] for a in audit} == {"suggestion"}
        assert {a.after["code_id"] for a in audit} == set(chosen)
    again = suggest_for_study(store, OWNER, study)
    assert not any(mostly_overlaps((x.start, x.end), (s.start, s.end)) for x in again)


def test_a_rejected_span_is_never_suggested_again_even_by_a_new_model(store, project):
    study = study_ids(store, project)[1]
    s = suggest_for_study(store, OWNER, study)[0]
    reject_suggestion(store, OWNER, s.document_id, s.start, s.end, reason="background, not evidence")
    train_model(store, OWNER, project)
    for found in (
        suggest_for_study(store, OWNER, study),
        suggestion_queue(store, OWNER, project, limit=10_000),
    ):
        assert not any(
            x.document_id == s.document_id and mostly_overlaps((x.start, x.end), (s.start, s.end))
            for x in found
        )
    with store.transaction() as session:
        decision = session.scalar(select(SuggestionDecision))
        assert (decision.decision, decision.reason, decision.coding_id) == (
            Decision.REJECTED,
            "background, not evidence",
            None,
        )


def test_training_stores_numbered_versions_with_held_out_precision_and_recall(store, project):
    assert current_model(store, OWNER, project) is None
    progress: list[float] = []
    first = train_model(store, OWNER, project, progress=lambda fraction, _message: progress.append(fraction))
    second = train_model(store, OWNER, project)
    assert (first.version, second.version) == (1, 2)
    assert current_model(store, OWNER, project).version == 2
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert first.metrics["held_out"]["studies"] >= 1
    for kind in ("context", "mechanism", "outcome"):
        figures = first.metrics["kinds"][kind]
        assert 0 <= figures["precision"] <= 1 and 0 <= figures["recall"] <= 1 and figures["support"] > 0
    assert first.trained_on == 216 and first.pipeline.startswith("blank English")
    with store.transaction() as session:
        rows = list(session.scalars(select(SuggestionModel).order_by(SuggestionModel.version)))
        assert [r.version for r in rows] == [1, 2]
        assert LearnedModel.from_bytes(rows[1].model_bytes).trained_on > 0


def test_retraining_starts_by_itself_after_the_configured_number_of_new_decisions(
    store, project, monkeypatch
):
    monkeypatch.setenv(suggestion_jobs.RETRAIN_ENV, "2")
    first, second, third = suggestion_queue(store, OWNER, project, limit=3)
    reject_suggestion(store, OWNER, first.document_id, first.start, first.end)
    assert suggestion_jobs.training_job(store, project) is None
    reject_suggestion(store, OWNER, second.document_id, second.start, second.end)
    job = suggestion_jobs.training_job(store, project)
    assert job is not None and job.status.reason == "after 2 new decisions"
    status = job.wait(timeout=120)
    assert status.state == "done", status.error
    assert status.result.version == 1 and status.result.metrics["decisions"] == 2
    reject_suggestion(store, OWNER, third.document_id, third.start, third.end)
    assert suggestion_jobs.training_job(store, project) is job


def test_suggestions_leave_out_spans_already_coded(store, project):
    with store.transaction() as session:
        coded: dict[int, list[tuple[int, int]]] = {}
        for document_id, start, end in session.execute(
            select(Excerpt.document_id, Excerpt.start, Excerpt.end)
        ):
            coded.setdefault(document_id, []).append((start, end))
    queue = suggestion_queue(store, OWNER, project, limit=10_000)
    assert queue
    assert not any(is_covered((s.start, s.end), coded.get(s.document_id, [])) for s in queue)


def test_the_queue_ranks_across_studies_and_filters_by_kind_and_code(store, project):
    queue = suggestion_queue(store, OWNER, project, limit=10_000)
    assert [s.score for s in queue] == sorted((s.score for s in queue), reverse=True)
    assert len({s.study_id for s in queue}) == 13
    assert len(suggestion_queue(store, OWNER, project, limit=7)) == 7
    mechanisms = suggestion_queue(store, OWNER, project, kind="mechanism", limit=10_000)
    assert 0 < len(mechanisms) < len(queue)
    assert all(labelled_as(s.labels, "mechanism") for s in mechanisms)
    code = queue[0].codes[0].code_id
    with_code = suggestion_queue(store, OWNER, project, code=code, limit=10_000)
    assert with_code and all(any(c.code_id == code for c in s.codes) for s in with_code)


def test_an_edited_span_is_coded_as_edited(store, project):
    s = suggestion_queue(store, OWNER, project, limit=1)[0]
    start, end = s.start + 4, s.end + 10
    [coding_id] = accept_suggestion(
        store, OWNER, s.document_id, start, end, [s.codes[0].code_id], "inductive", None
    ).coding_ids
    with store.transaction() as session:
        coding = session.get(Coding, coding_id)
        excerpt, document = coding.excerpt, session.get(Document, s.document_id)
        assert (excerpt.start, excerpt.end, excerpt.text) == (start, end, document.text[start:end])
        assert (coding.origin, coding.suggestion_model_id) == (CodingOrigin.SUGGESTION, None)


def test_the_suggestion_revision_changes_with_every_decision_coding_and_model(store, project):
    study, other = study_ids(store, project)[:2]
    first, second = suggest_for_study(store, OWNER, study, top=2)
    code = project_codes(store, OWNER, project)[0].code_id
    seen, elsewhere = [suggestion_revision(store, OWNER, study)], suggestion_revision(store, OWNER, other)
    assert suggestion_revision(store, OWNER, study) == seen[0]  # nothing changed: nothing to read again
    reject_suggestion(store, OWNER, first.document_id, first.start, first.end)
    seen.append(suggestion_revision(store, OWNER, study))
    accept_suggestion(store, OWNER, second.document_id, second.start, second.end, [code], "inductive", None)
    seen.append(suggestion_revision(store, OWNER, study))
    assert suggestion_revision(store, OWNER, other) == elsewhere  # another study's decisions
    train_model(store, OWNER, project)
    seen.append(suggestion_revision(store, OWNER, study))
    assert len(set(seen)) == 4
    with pytest.raises(NotFound):
        suggestion_revision(store, OWNER, 10_000)


def test_only_editors_may_decide_or_look(store, project):
    with store.transaction() as session:
        session.add(
            Membership(project_id=project, user_id=ensure_user(session, "sam").id, role=Role.STAKEHOLDER)
        )
        ensure_user(session, "stranger")
    s = suggestion_queue(store, OWNER, project, limit=1)[0]
    with pytest.raises(PermissionDenied):
        accept_suggestion(
            store, "sam", s.document_id, s.start, s.end, [s.codes[0].code_id], "inductive", None
        )
    with pytest.raises(PermissionDenied):
        reject_suggestion(store, "sam", s.document_id, s.start, s.end)
    with pytest.raises(PermissionDenied):
        train_model(store, "sam", project)
    for look in (
        lambda: suggestion_queue(store, "stranger", project),
        lambda: current_model(store, "stranger", project),
        lambda: suggestion_revision(store, "stranger", s.study_id),
        lambda: suggestion_queue(store, "sam", project),
    ):
        with pytest.raises(PermissionDenied):
            look()


def test_accepting_refuses_a_span_past_the_text_an_unknown_code_or_model(store, project):
    s = suggestion_queue(store, OWNER, project, limit=1)[0]
    code = s.codes[0].code_id
    with pytest.raises(ValueError, match="past its end"):
        accept_suggestion(store, OWNER, s.document_id, s.start, 10**9, [code], "inductive", None)
    with pytest.raises(NotFound):
        accept_suggestion(store, OWNER, s.document_id, s.start, s.end, [10**6], "inductive", None)
    with pytest.raises(NotFound):
        accept_suggestion(store, OWNER, s.document_id, s.start, s.end, [code], "inductive", 99)
    with pytest.raises(ValueError, match="at least one code"):
        accept_suggestion(store, OWNER, s.document_id, s.start, s.end, [], "inductive", None)


def test_accepting_a_blank_span_is_refused_like_coding_it_by_hand(store, project):
    study = study_ids(store, project)[0]
    [s] = suggest_for_study(store, OWNER, study, top=1)
    with store.transaction() as session:
        text = session.get_one(Document, s.document_id).text
    gap = text.index("  ") if "  " in text else text.index("\n\n")
    codes = [c.code_id for c in s.codes[:1]]
    with pytest.raises(SpanError, match="white space"):
        accept_suggestion(store, OWNER, s.document_id, gap, gap + 2, codes, "inductive", None)
    with pytest.raises(SpanError, match="white space"):
        code_span(store, OWNER, s.document_id, gap, gap + 2, codes, CodingMode.INDUCTIVE)
    with store.transaction() as session:
        assert session.scalar(select(Excerpt).where(Excerpt.start == gap, Excerpt.end == gap + 2)) is None
        assert session.scalar(select(SuggestionDecision).where(SuggestionDecision.start == gap)) is None
        assert not session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "coding")).all()


def _audit_shapes(store, entity_ids):
    """(action, entity type, keys of ``after``) of the audit entries of the given codings and excerpts."""
    with store.transaction() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity_type.in_(["coding", "excerpt"])))
        return sorted(
            (e.action.value, e.entity_type, tuple(sorted(e.after or {})))
            for e in entries
            if (e.entity_type, e.entity_id) in entity_ids
        )


def test_an_accepted_suggestion_leaves_the_same_audit_entries_as_coding_by_hand(store, project):
    first, second = suggest_for_study(store, OWNER, study_ids(store, project)[0], top=2)
    code = first.codes[0].code_id
    accepted = accept_suggestion(store, OWNER, first.document_id, first.start, first.end, [code],
                                 "inductive", None)  # fmt: skip
    by_hand = code_span(
        store, OWNER, second.document_id, second.start, second.end, [code], CodingMode.INDUCTIVE
    )
    shapes = [
        _audit_shapes(store, {*(("coding", c.coding_id) for c in made.codings),
                              *(("excerpt", c.excerpt_id) for c in made.codings)})
        for made in (accepted, by_hand)
    ]  # fmt: skip
    assert shapes[0] == shapes[1] and len(shapes[0]) == 2  # an excerpt and a coding, alike


def test_undo_takes_out_an_accepted_suggestions_coding_and_redo_puts_it_back(store, project):
    s = suggest_for_study(store, OWNER, study_ids(store, project)[0], top=1)[0]
    action = accept_suggestion(store, OWNER, s.document_id, s.start, s.end, [s.codes[0].code_id],
                               "inductive", None)  # fmt: skip
    [coding_id] = action.coding_ids
    undone = undo(store, OWNER, action)
    with store.transaction() as session:
        assert session.get(Coding, coding_id) is None
        assert session.scalar(select(Excerpt).where(Excerpt.start == s.start, Excerpt.end == s.end)) is None
        decision = session.scalar(select(SuggestionDecision).where(SuggestionDecision.start == s.start))
        assert (decision.decision, decision.coding_id) == (Decision.ACCEPTED, None)  # kept for training
    redone = undo(store, OWNER, undone)
    with store.transaction() as session:
        [again] = redone.codings
        assert session.get_one(Coding, again.coding_id).origin is CodingOrigin.SUGGESTION
        decision = session.scalar(select(SuggestionDecision).where(SuggestionDecision.start == s.start))
        assert decision.coding_id == again.coding_id
