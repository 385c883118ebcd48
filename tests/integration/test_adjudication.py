"""Adjudication: disagreements between two coders settled into consensus codings, undone, agreements
accepted, and configurations and graphs drawn from consensus codings only."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from workbench.domain.adjudication import Decision
from workbench.domain.codebook import CodeKind, CodeSpec
from workbench.domain.configurations import CodingMode
from workbench.domain.studies import Reference
from workbench.importers.text_types import ExtractedText
from workbench.services import adjudication, coding, configurations, evidence, figures, projects
from workbench.services.access import ensure_user
from workbench.services.codebook import add_codes
from workbench.services.errors import Conflict, PermissionDenied
from workbench.services.evidence_source import consensus_only, set_consensus_only
from workbench.services.rows.studies import attach_document, new_study
from workbench.store import queries
from workbench.store.enums import AuditAction, Role
from workbench.store.models import Adjudication, AuditEntry, Coding, Excerpt, Membership, Project, Study

OWNER, RITA, BOB = "owner", "rita", "bob"
PAIR = (RITA, BOB)
TEXT = (
    "Because she had been there herself, I trusted her. The cafe talks made me hopeful again. Nobody judged."
)


@dataclass
class Review:
    project_id: int
    studies: list[int]
    documents: list[int]
    codes: dict[str, int]


@pytest.fixture
def review(store) -> Review:
    project_id = projects.create_project(store, OWNER, "Adjudicated review")
    with store.transaction() as session:
        for name in (RITA, BOB):
            session.add(
                Membership(project_id=project_id, user_id=ensure_user(session, name).id, role=Role.REVIEWER)
            )
        studies, documents = [], []
        for key, year in (("s01", 2023), ("s02", 2024)):
            study = new_study(session, project_id, key, Reference(title=f"Peer support {key}", year=year))
            document = attach_document(session, study, f"{key}.txt", ExtractedText(TEXT, "text/plain", []))
            studies.append(study.id)
            documents.append(document.id)
        specs = [
            CodeSpec("Lived experience", CodeKind.CONTEXT),
            CodeSpec("Trust", CodeKind.MECHANISM),
            CodeSpec("Hope", CodeKind.OUTCOME),
        ]
        codes = {name: code.id for name, code in add_codes(session, project_id, specs).items()}
    return Review(project_id, studies, documents, codes)


def span_of(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def code(store, review, phrase, name, user, document=0):
    start, end = span_of(phrase)
    action = coding.code_span(
        store, user, review.documents[document], start, end, [review.codes[name]], CodingMode.INDUCTIVE
    )
    return action.codings[0].coding_id


@pytest.fixture
def coded(store, review) -> Review:
    """Rita and Bob agree on one Trust span, differ on another, and only Rita coded Hope."""
    code(store, review, "I trusted her", "Trust", RITA)
    code(store, review, "I trusted her", "Trust", BOB)
    code(store, review, "The cafe talks made me hopeful", "Trust", RITA)
    code(store, review, "made me hopeful again", "Trust", BOB)
    code(store, review, "made me hopeful", "Hope", RITA)
    return review


def consensus_spans(store, document_id: int) -> set[tuple[int, int, int]]:
    with store.transaction() as session:
        user = queries.consensus_user(session)
        rows = session.execute(
            select(Excerpt.start, Excerpt.end, Coding.code_id)
            .join(Coding.excerpt)
            .where(Coding.coder_id == user.id, Excerpt.document_id == document_id)
        )
        return {tuple(r) for r in rows}


def test_disagreements_are_the_regions_where_two_coders_differ(store, coded):
    found = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)
    assert [(d.study_key, d.code_name, d.text) for d in found] == [
        ("s01", "Hope", "made me hopeful"),
        ("s01", "Trust", "The cafe talks made me hopeful again"),
    ]
    hope, trust = found
    assert [s.text for s in trust.a_spans] == ["The cafe talks made me hopeful"]
    assert [s.text for s in trust.b_spans] == ["made me hopeful again"]
    assert hope.b_spans == () and hope.settled is None and (hope.coder_a, hope.coder_b) == PAIR
    assert TEXT[hope.window_start :].startswith(hope.window_text)


def test_only_documents_both_coders_coded_are_compared(store, coded):
    code(store, coded, "Nobody judged", "Lived experience", RITA, document=1)
    found = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)
    assert {d.study_key for d in found} == {"s01"}


def test_a_code_only_one_coder_applied_is_a_disagreement_when_asked_for_that_code(store, coded):
    found = adjudication.disagreements(
        store, OWNER, coded.project_id, coders=PAIR, code_id=coded.codes["Hope"]
    )
    assert [(d.code_name, d.text, d.b_spans) for d in found] == [("Hope", "made me hopeful", ())]
    other = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR, study_id=coded.studies[1])
    assert other == []


@pytest.mark.parametrize(
    ("decision", "edited", "expected"),
    [
        (Decision.KEEP_A, None, ["The cafe talks made me hopeful"]),
        (Decision.KEEP_B, None, ["made me hopeful again"]),
        (Decision.KEEP_BOTH, None, ["The cafe talks made me hopeful", "made me hopeful again"]),
        (Decision.NEITHER, None, []),
        (Decision.EDITED, span_of("cafe talks"), ["cafe talks"]),
    ],
)
def test_settling_a_disagreement_makes_consensus_codings_settled_by_whom_and_when(
    store, coded, decision, edited, expected
):
    (trust,) = [
        d
        for d in adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)
        if d.code_name == "Trust"
    ]
    adjudication_id = adjudication.settle(
        store, OWNER, coded.project_id, trust.key, decision, edited, "agreed in meeting"
    )
    document = coded.documents[0]
    assert sorted(TEXT[s:e] for s, e, _ in consensus_spans(store, document)) == sorted(expected)
    with store.transaction() as session:
        owner = queries.user_by_name(session, OWNER)
        settled = session.scalars(
            select(Coding).where(Coding.coder_id == queries.consensus_user(session).id)
        ).all()
        assert all(c.settled_by_id == owner.id and c.settled_at is not None for c in settled)
        row = session.get_one(Adjudication, adjudication_id)
        assert (row.decision, row.note, row.settled_by_id, row.start, row.end) == (
            decision.value, "agreed in meeting", owner.id, trust.start, trust.end,
        )  # fmt: skip
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_type == "adjudication", AuditEntry.entity_id == adjudication_id
            )
        ).one()
        assert entry.action is AuditAction.CREATE and entry.user_id == owner.id
        assert len(entry.after["coding_ids"]) == len(expected)
    (again,) = [
        d
        for d in adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)
        if d.code_name == "Trust"
    ]
    assert (
        again.settled is not None and again.settled.decision is decision and again.settled.settled_by == OWNER
    )
    assert sorted(s.text for s in again.settled.spans) == sorted(expected)


def test_undoing_a_settlement_removes_its_consensus_codings_and_is_audited(store, coded):
    found = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)
    ids = [adjudication.settle(store, OWNER, coded.project_id, d.key, Decision.KEEP_A) for d in found]
    assert len(consensus_spans(store, coded.documents[0])) == 2
    adjudication.undo_settlement(store, OWNER, coded.project_id, ids[1])
    assert {TEXT[s:e] for s, e, _ in consensus_spans(store, coded.documents[0])} == {"made me hopeful"}
    with store.transaction() as session:
        assert session.get(Adjudication, ids[1]) is None
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "adjudication", AuditEntry.entity_id == ids[1]
            )
        ).all()
        assert sorted(actions) == sorted([AuditAction.CREATE, AuditAction.DELETE])
    after = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)
    assert [d.settled is None for d in after] == [False, True]


def test_settling_a_settled_disagreement_again_is_refused(store, coded):
    first = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)[0]
    adjudication.settle(store, OWNER, coded.project_id, first.key, Decision.KEEP_A)
    with pytest.raises(Conflict, match="already settled"):
        adjudication.settle(store, OWNER, coded.project_id, first.key, Decision.NEITHER)


def test_a_region_that_changed_since_it_was_shown_is_not_settled(store, coded):
    first = adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)[1]
    code(store, coded, "talks made", "Trust", BOB)
    with pytest.raises(Conflict, match="changed"):
        adjudication.settle(store, OWNER, coded.project_id, first.key, Decision.KEEP_B)
    assert consensus_spans(store, coded.documents[0]) == set()


def test_accepting_agreements_makes_identical_spans_consensus_once(store, coded):
    assert adjudication.accept_agreements(store, OWNER, coded.project_id, PAIR) == 1
    assert adjudication.accept_agreements(store, OWNER, coded.project_id, PAIR) == 0
    start, end = span_of("I trusted her")
    assert consensus_spans(store, coded.documents[0]) == {(start, end, coded.codes["Trust"])}
    with store.transaction() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "agreements_accepted")
        ).all()
        assert len(entries) == 1


def test_a_reviewer_compares_but_cannot_settle(store, coded):
    found = adjudication.disagreements(store, RITA, coded.project_id, coders=PAIR)
    with pytest.raises(PermissionDenied):
        adjudication.settle(store, RITA, coded.project_id, found[0].key, Decision.KEEP_A)
    with pytest.raises(PermissionDenied):
        adjudication.accept_agreements(store, RITA, coded.project_id, PAIR)
    with pytest.raises(PermissionDenied):
        set_consensus_only(store, RITA, coded.project_id, True)


def test_a_reviewer_compares_a_blind_study_only_once_released(store, coded):
    with store.transaction() as session:
        session.get_one(Project, coded.project_id).blind_coding = True
    assert adjudication.disagreements(store, RITA, coded.project_id, coders=PAIR) == []
    assert len(adjudication.disagreements(store, OWNER, coded.project_id, coders=PAIR)) == 2
    with store.transaction() as session:
        session.get_one(Study, coded.studies[0]).released_at = session.get_one(
            Project, coded.project_id
        ).created_at
    assert len(adjudication.disagreements(store, RITA, coded.project_id, coders=PAIR)) == 2


def test_consensus_only_evidence_changes_graph_and_configuration_counts(store, coded):
    """Study 1 has a consensus Trust coding once settled; study 2 only Rita's: N papers 2, then 1."""
    rita_s2 = code(store, coded, "I trusted her", "Trust", RITA, document=1)
    context = code(store, coded, "Nobody judged", "Lived experience", RITA)
    adjudication.accept_agreements(store, OWNER, coded.project_id, PAIR)
    with store.transaction() as session:
        consensus = queries.consensus_user(session).id
        agreed = session.scalars(select(Coding.id).where(Coding.coder_id == consensus)).one()
    c = coded.codes
    config_id = configurations.create_configuration(
        store, OWNER, coded.project_id, "With lived experience, trust grows, giving hope",
        [c["Lived experience"]], [c["Trust"]], [c["Hope"]],
        evidence={c["Trust"]: [agreed, rita_s2], c["Lived experience"]: [context]},
    )  # fmt: skip

    def counts() -> tuple[int, int, int, int]:
        data = figures.programme(store, OWNER, coded.project_id)
        (row,) = configurations.list_configurations(store, OWNER, coded.project_id)
        trust = next(e for e in row.elements if e.code == "Trust")
        picker = evidence.candidate_evidence(store, OWNER, coded.project_id, [c["Trust"]])[c["Trust"]]
        return len(data.codings), row.n_studies, trust.n_studies, len(picker)

    everyone = counts()
    assert everyone == (8, 2, 2, 6) and consensus_only(store, RITA, coded.project_id) is False
    assert set_consensus_only(store, OWNER, coded.project_id, True) is True
    assert counts() == (1, 1, 1, 1) and consensus_only(store, RITA, coded.project_id) is True
    assert set_consensus_only(store, OWNER, coded.project_id, True) is False
    set_consensus_only(store, OWNER, coded.project_id, False)
    assert counts() == everyone
    assert configurations.get_configuration(store, OWNER, config_id).n_studies == 2
