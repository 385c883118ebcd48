"""Agreement service on SQLite and PostgreSQL: the hand-made project's figures, coders, units,
configurations, and who may compare (blind studies count too)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.integration.agreement_project import ALICE, BOB, CAROL, DAVE, ERIN, OWNER, SAM, build
from workbench.domain.agreement import Counts
from workbench.domain.configurations import CodingMode
from workbench.services import agreement
from workbench.services.errors import Invalid, NotFound, PermissionDenied
from workbench.store import queries
from workbench.store.enums import CodingOrigin
from workbench.store.models import Coding, Excerpt, Project, User


@pytest.fixture
def review(store):
    return build(store)


def test_character_agreement_is_counted_over_the_shared_document_only(store, review):
    result = agreement.compute(store, ALICE, review.project_id)
    assert result.coders == (ALICE, BOB) and result.documents == 1
    # see tests/unit/test_agreement.py for the arithmetic of the same 20 characters
    assert [(c.path, c.counts) for c in result.codes] == [
        ("Contexts/Peer", Counts(both=5, only_a=5, only_b=5, neither=5)),
        ("Outcomes/Hope", Counts(both=2, only_a=2, only_b=4, neither=12)),
    ]
    assert result.overall == Counts(both=7, only_a=7, only_b=9, neither=17)
    assert result.overall.kappa == pytest.approx(7 / 47)
    assert [c.path for c in result.worst_first()] == ["Contexts/Peer", "Outcomes/Hope"]  # kappa 0 < 4/19


def test_excerpt_agreement_counts_each_distinct_excerpt_span_once(store, review):
    result = agreement.compute(store, OWNER, review.project_id, unit="excerpt")
    # units: [0,10) [0,4) [5,15) [0,2) [16,20)
    # Peer (A [0,10), B [5,15)): both on [0,10) [5,15); only A on [0,4) [0,2); neither on [16,20)
    # Hope (A [0,4), B [0,2) [16,20)): both on [0,10) [0,4) [0,2); only B on [16,20); neither [5,15)
    assert [c.counts for c in result.codes] == [Counts(2, 2, 0, 1), Counts(3, 0, 1, 1)]
    # Hope: agreement 4/5; chance (3*4 + 2*1)/25 = 0.56; kappa 0.24/0.44 = 6/11
    assert result.codes[1].kappa == pytest.approx(6 / 11)


def test_the_study_matrix_has_one_row_per_shared_study_with_counts_per_code(store, review):
    (row,) = agreement.per_study(store, ALICE, review.project_id)
    assert row.study_id == review.studies["s01"] and row.documents == 1
    assert row.codes[review.codes["Peer"]].kappa == 0
    assert row.overall == Counts(both=7, only_a=7, only_b=9, neither=17)


def test_chosen_coders_are_compared_in_the_order_given(store, review):
    result = agreement.compute(store, ALICE, review.project_id, coders=[CAROL, ALICE])
    assert result.coders == (CAROL, ALICE)
    # carol coded all 20 characters with Peer, alice [0, 10): 10 both, 10 only carol; Hope only alice
    assert [(c.path, c.counts) for c in result.codes] == [
        ("Contexts/Peer", Counts(both=10, only_a=10, only_b=0, neither=0)),
        ("Outcomes/Hope", Counts(both=0, only_a=0, only_b=4, neither=16)),
    ]


@pytest.mark.parametrize(
    ("coders", "error", "message"),
    [
        (["nobody", ALICE], NotFound, "no user 'nobody'"),
        ([DAVE, ALICE], Invalid, "dave has no codings"),
        ([ALICE, ALICE], Invalid, "two different coders"),
    ],
)
def test_a_coder_who_cannot_be_compared_is_refused_with_a_reason(store, review, coders, error, message):
    with pytest.raises(error, match=message):
        agreement.compute(store, ALICE, review.project_id, coders=coders)


def test_consensus_codings_never_make_a_default_coder(store, review):
    with store.transaction() as session:
        consensus = queries.consensus_user(session)
        owner = session.scalars(select(User).where(User.username == OWNER)).one()
        excerpt = session.scalars(
            select(Excerpt).where(Excerpt.document_id == review.documents["s01"])
        ).first()
        for code_id in review.codes.values():  # 7 consensus codings, more than alice's 4
            session.add(
                Coding(
                    excerpt_id=excerpt.id, code_id=code_id, coder_id=consensus.id, mode=CodingMode.INDUCTIVE,
                    origin=CodingOrigin.HUMAN, settled_by_id=owner.id, settled_at=excerpt.created_at,
                )
            )  # fmt: skip
    assert agreement.compute(store, ALICE, review.project_id).coders == (ALICE, BOB)
    assert queries.CONSENSUS_USERNAME not in [
        c.username for c in agreement.coders(store, ALICE, review.project_id)
    ]


def test_a_stakeholder_may_not_compare_coders(store, review):
    with pytest.raises(PermissionDenied):
        agreement.compute(store, SAM, review.project_id)


def test_agreement_covers_studies_still_coded_blind(store, review):
    with store.transaction() as session:
        session.execute(update(Project).where(Project.id == review.project_id).values(blind_coding=True))
    result = agreement.compute(store, ALICE, review.project_id)
    assert result.documents == 1 and result.overall == Counts(both=7, only_a=7, only_b=9, neither=17)


def test_configurations_match_exactly_and_leave_the_extra_one_unmatched(store, review):
    comparison = agreement.configuration_agreement(store, ALICE, review.project_id)
    assert comparison.configurations == (1, 2) and comparison.exact == 1
    assert [(r.label_a != "", r.label_b != "", r.exact) for r in comparison.rows] == [
        (True, True, True),
        (False, True, False),
    ]
    assert comparison.score == pytest.approx(2 / 3)  # 2 * 1 / (1 + 2)


def test_the_project_coders_are_listed_most_codings_first(store, review):
    assert [(c.username, c.codings) for c in agreement.coders(store, BOB, review.project_id)] == [
        (ALICE, 4),
        (BOB, 3),
        (CAROL, 1),
        (ERIN, 1),
    ]
