"""Memos under blind coding: another reviewer's excerpt memo stays hidden until the study is released."""

from tests.integration.blind_project import ALICE, ALPHA, BOB, BRAVO, CAROL, OWNER, TEXT, Blind, build
from workbench.domain.configurations import CodingMode
from workbench.services import assignments, audit, coding, memos
from workbench.store.db import Store
from workbench.store.enums import MemoTarget

BOBS_NOTE = "Bravo reads as trust, not peers"


def _excerpt(store: Store, user: str, b: Blind, text: str) -> int:
    return next(e.id for e in coding.document_view(store, user, b.s01).excerpts if e.text == text)


def _bobs_note(store: Store) -> Blind:
    """The blind project, with bob's memo on his Bravo excerpt."""
    b = build(store)
    bravo = _excerpt(store, BOB, b, BRAVO)
    memos.create_memo(store, BOB, b.project_id, MemoTarget.EXCERPT, bravo, BOBS_NOTE)
    return b


def _listed(store: Store, user: str, b: Blind) -> list[str]:
    return [m.body for m in memos.list_memos(store, user, b.project_id)]


def test_another_reviewers_excerpt_memo_is_hidden_from_the_assignee_until_release(store: Store):
    b = _bobs_note(store)
    assert BOBS_NOTE not in _listed(store, ALICE, b)
    assert BOBS_NOTE in _listed(store, BOB, b), "a memo's author always sees it"
    assignments.release(store, OWNER, b.s01)
    assert BOBS_NOTE in _listed(store, ALICE, b)


def test_the_owner_who_is_not_assigned_sees_every_excerpt_memo_of_a_blind_study(store: Store):
    b = _bobs_note(store)
    assert BOBS_NOTE in _listed(store, OWNER, b)


def test_a_reviewer_who_is_not_assigned_does_not_see_it_either(store: Store):
    b = _bobs_note(store)
    assert BOBS_NOTE not in _listed(store, CAROL, b)


def test_an_excerpt_both_reviewers_coded_does_not_show_the_other_ones_memo_on_the_coding_page(store: Store):
    b = _bobs_note(store)
    start = TEXT.index(BRAVO)
    coding.code_span(
        store, ALICE, b.document, start, start + len(BRAVO), [b.codes["Peer"]], CodingMode.INDUCTIVE
    )
    shared = next(e for e in coding.document_view(store, ALICE, b.s01).excerpts if e.text == BRAVO)
    assert shared.memo == ""
    assert BOBS_NOTE not in [m.body for m in memos.list_memos(store, ALICE, b.project_id, search="trust")]
    assignments.release(store, OWNER, b.s01)
    shared = next(e for e in coding.document_view(store, ALICE, b.s01).excerpts if e.text == BRAVO)
    assert shared.memo == BOBS_NOTE


def test_memos_about_the_project_or_the_viewers_own_excerpts_stay_visible_in_a_blind_study(store: Store):
    b = _bobs_note(store)
    memos.create_memo(store, BOB, b.project_id, MemoTarget.PROJECT, None, "Project-wide note")
    alpha = _excerpt(store, ALICE, b, ALPHA)
    memos.create_memo(store, ALICE, b.project_id, MemoTarget.EXCERPT, alpha, "My own note")
    assert {"Project-wide note", "My own note"} <= set(_listed(store, ALICE, b))
    assert "My own note" not in _listed(store, BOB, b)


def _quoted_in_audit(store: Store, user: str, b: Blind) -> bool:
    return any(BOBS_NOTE in str(row.after) for row in audit.audit_entries(store, user, b.project_id))


def test_the_audit_log_does_not_quote_another_reviewers_excerpt_memo_before_release(store: Store):
    b = _bobs_note(store)
    assert not _quoted_in_audit(store, ALICE, b)
    assert _quoted_in_audit(store, OWNER, b) and _quoted_in_audit(store, BOB, b)
    assignments.release(store, OWNER, b.s01)
    assert _quoted_in_audit(store, ALICE, b)
