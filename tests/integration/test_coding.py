"""Coding: exact spans, overlaps, excerpt reuse, undo and redo, stale edits, roles and the audit log."""

from dataclasses import dataclass, replace

import pytest
from sqlalchemy import event, select

from workbench.domain.codebook import CodeKind, CodeSpec
from workbench.domain.configurations import CodingMode
from workbench.domain.spans import SpanError
from workbench.domain.studies import Reference
from workbench.importers.text_types import ExtractedText
from workbench.services import coding, demo, projects
from workbench.services.access import ensure_user
from workbench.services.codebook import add_codes
from workbench.services.coding import ActionKind
from workbench.services.errors import Conflict, NotFound, PermissionDenied
from workbench.services.rows.studies import attach_document, new_study
from workbench.store.enums import AuditAction, Role
from workbench.store.models import (
    AuditEntry,
    Code,
    Coding,
    ConfigurationElement,
    ElementEvidence,
    Excerpt,
    Membership,
    Memo,
)

OWNER, RITA, BOB, SAM = "owner", "rita", "bob", "sam"
TEXT = (
    "Page one: she never judged me 😀 at all.\r\n"
    "Because she had been there herself, I trusted her.\r\n"
    "Page two: Cafe\u0301 talks made me hopeful 👨\u200d👩\u200d👧 again."
)


@dataclass
class Review:
    project_id: int
    study_id: int
    document_id: int
    codes: dict[str, int]


@pytest.fixture
def review(store) -> Review:
    project_id = projects.create_project(store, OWNER, "Coding review")
    with store.transaction() as session:
        for name, role in ((RITA, Role.REVIEWER), (BOB, Role.REVIEWER), (SAM, Role.STAKEHOLDER)):
            session.add(Membership(project_id=project_id, user_id=ensure_user(session, name).id, role=role))
        study = new_study(session, project_id, "s01", Reference(title="Trust on the ward", year=2024))
        pages = [0, TEXT.index("Page two")]
        document = attach_document(session, study, "s01.pdf", ExtractedText(TEXT, "application/pdf", pages))
        specs = [
            CodeSpec(
                "Contexts", CodeKind.CONTEXT, children=(CodeSpec("Non-judgemental stance", CodeKind.CONTEXT),)
            ),
            CodeSpec("Mechanisms", CodeKind.MECHANISM, children=(CodeSpec("Trust", CodeKind.MECHANISM),)),
            CodeSpec("Outcomes", CodeKind.OUTCOME, children=(CodeSpec("Hope", CodeKind.OUTCOME),)),
        ]
        codes = {name: code.id for name, code in add_codes(session, project_id, specs).items()}
        return Review(project_id, study.id, document.id, codes)


def span_of(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def code(store, review, phrase, *names, user=RITA, mode=CodingMode.INDUCTIVE, **extra):
    start, end = span_of(phrase)
    ids = [review.codes[n] for n in names]
    return coding.code_span(store, user, review.document_id, start, end, ids, mode, **extra)


def test_coding_a_span_stores_the_exact_characters_and_their_page(store, review):
    action = code(store, review, "Cafe\u0301 talks made me hopeful 👨\u200d👩\u200d👧", "Hope",
                  memo="hope after CRLF and emoji")  # fmt: skip
    assert action.kind is ActionKind.CODED and len(action.codings) == 1 and len(action.memos) == 1
    view = coding.document_view(store, RITA, review.study_id)
    (excerpt,) = view.excerpts
    assert (excerpt.start, excerpt.end) == span_of("Cafe\u0301 talks made me hopeful 👨\u200d👩\u200d👧")
    assert excerpt.text == TEXT[excerpt.start : excerpt.end] and excerpt.page == 2
    assert excerpt.memo == "hope after CRLF and emoji"
    (only,) = excerpt.codings
    assert (only.code_name, only.code_kind, only.coder, only.mode) == (
        "Hope",
        CodeKind.OUTCOME,
        RITA,
        "inductive",
    )
    assert only.origin == "human" and view.text == TEXT and view.page_starts == (0, TEXT.index("Page two"))


def test_overlapping_and_nested_excerpts_keep_their_own_codings(store, review):
    code(store, review, "she never judged me 😀 at all", "Non-judgemental stance")
    code(store, review, "judged me 😀 at all.\r\nBecause she had been there", "Trust", user=BOB)
    code(store, review, "never judged", "Trust", mode=CodingMode.DEDUCTIVE, theory_reference="IPT 1: trust")
    view = coding.document_view(store, OWNER, review.study_id)
    spans = [(e.text, [c.code_name for c in e.codings]) for e in view.excerpts]
    assert spans == [
        ("she never judged me 😀 at all", ["Non-judgemental stance"]),
        ("never judged", ["Trust"]),
        ("judged me 😀 at all.\r\nBecause she had been there", ["Trust"]),
    ]
    nested = view.excerpts[1].codings[0]
    assert (nested.mode, nested.theory_reference) == (CodingMode.DEDUCTIVE, "IPT 1: trust")


def test_coding_the_same_span_again_reuses_its_excerpt_and_skips_codes_already_applied(store, review):
    code(store, review, "I trusted her", "Trust")
    again = code(store, review, "I trusted her", "Trust", "Hope")
    assert [c.code_name for c in again.codings] == ["Hope"]
    assert code(store, review, "I trusted her", "Trust").empty
    code(store, review, "I trusted her", "Trust", user=BOB)
    (excerpt,) = coding.document_view(store, RITA, review.study_id).excerpts
    assert sorted((c.code_name, c.coder) for c in excerpt.codings) == [
        ("Hope", RITA),
        ("Trust", BOB),
        ("Trust", RITA),
    ]


def test_undo_takes_codings_out_and_undoing_the_undo_puts_them_back_with_the_same_ids(store, review):
    action = code(store, review, "I trusted her", "Trust", "Hope", memo="why trust")
    undone = coding.undo(store, RITA, action)
    assert undone.kind is ActionKind.REMOVED and undone.coding_ids == action.coding_ids
    assert coding.document_view(store, RITA, review.study_id).excerpts == ()
    redone = coding.undo(store, RITA, undone)
    assert redone.kind is ActionKind.CODED and redone.coding_ids == action.coding_ids
    (excerpt,) = coding.document_view(store, RITA, review.study_id).excerpts
    assert excerpt.memo == "why trust" and excerpt.id == action.codings[0].excerpt_id
    assert coding.undo(store, RITA, coding.undo(store, RITA, redone)).coding_ids == action.coding_ids


def test_removing_the_last_coding_deletes_the_excerpt_and_undo_restores_it_with_its_memo(store, review):
    action = code(store, review, "she never judged me", "Non-judgemental stance", memo="the first quote")
    removed = coding.remove_codings(store, RITA, action.coding_ids)
    assert [m.body for m in removed.memos] == ["the first quote"]
    with store.transaction() as s:
        assert s.scalars(select(Excerpt)).all() == [] and s.scalars(select(Memo)).all() == []
    coding.undo(store, RITA, removed)
    (excerpt,) = coding.document_view(store, RITA, review.study_id).excerpts
    assert excerpt.text == "she never judged me" and excerpt.memo == "the first quote"


def test_removing_one_of_two_codings_keeps_the_excerpt(store, review):
    action = code(store, review, "I trusted her", "Trust", "Hope")
    coding.remove_codings(store, RITA, action.coding_ids[:1])
    (excerpt,) = coding.document_view(store, RITA, review.study_id).excerpts
    assert [c.code_name for c in excerpt.codings] == ["Hope"]


def test_an_edit_made_on_a_stale_version_is_refused(store, review):
    (made,) = code(store, review, "I trusted her", "Trust").codings
    first = coding.document_view(store, RITA, review.study_id).excerpts[0].codings[0]
    updated = coding.update_coding(
        store, OWNER, made.coding_id, CodingMode.RETRODUCTIVE, "IPT 2", first.version
    )
    assert (updated.mode, updated.theory_reference, updated.version) == (
        "retroductive",
        "IPT 2",
        first.version + 1,
    )
    with pytest.raises(Conflict, match="changed by someone else"):
        coding.update_coding(store, RITA, made.coding_id, CodingMode.DEDUCTIVE, "mine", first.version)
    again = coding.document_view(store, RITA, review.study_id).excerpts[0].codings[0]
    assert again.theory_reference == "IPT 2"


def test_people_outside_the_project_and_stakeholders_cannot_code(store, review):
    with pytest.raises(PermissionDenied, match="not a member"):
        code(store, review, "I trusted her", "Trust", user="eve")
    with pytest.raises(PermissionDenied, match="stakeholder"):
        code(store, review, "I trusted her", "Trust", user=SAM)
    with pytest.raises(PermissionDenied, match="not a member"):
        coding.document_view(store, "eve", review.study_id)
    with pytest.raises(PermissionDenied, match="stakeholder"):  # stakeholders read theory, not texts
        coding.document_view(store, SAM, review.study_id)


def test_reviewers_change_only_their_own_codings_and_owners_any(store, review):
    action = code(store, review, "I trusted her", "Trust", user=BOB)
    with pytest.raises(PermissionDenied, match="work by bob; only a project owner"):
        coding.remove_codings(store, RITA, action.coding_ids)
    with pytest.raises(PermissionDenied, match="work by bob; only a project owner"):
        coding.undo(store, RITA, action)
    removed = coding.remove_codings(store, OWNER, action.coding_ids)
    assert removed.codings[0].coder_id == action.codings[0].coder_id


@pytest.mark.parametrize(
    ("start", "end", "names", "error"),
    [
        (5, 5, ["Trust"], SpanError),
        (0, 10_000, ["Trust"], SpanError),
        (TEXT.index("\r\n"), TEXT.index("\r\n") + 2, ["Trust"], SpanError),  # only white space
        (0, 4, [], ValueError),
        (0, 4, ["missing"], NotFound),
    ],
)
def test_impossible_codings_are_refused_and_leave_nothing(store, review, start, end, names, error):
    ids = [review.codes.get(n, 99_999) for n in names]
    with pytest.raises(error):
        coding.code_span(store, RITA, review.document_id, start, end, ids, CodingMode.INDUCTIVE)
    assert coding.document_view(store, RITA, review.study_id).excerpts == ()


def test_every_change_to_a_coding_is_audited_with_before_and_after(store, review):
    action = code(store, review, "I trusted her", "Trust", memo="m")
    (made,) = action.codings
    coding.update_coding(store, RITA, made.coding_id, CodingMode.DEDUCTIVE, "IPT 3", 1)
    coding.undo(store, RITA, action)
    with store.transaction() as s:
        entries = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type.in_(["coding", "excerpt", "memo"]))
            .order_by(AuditEntry.id)
        ).all()
        log = [(e.action, e.entity_type) for e in entries]
        assert log == [
            (AuditAction.CREATE, "excerpt"), (AuditAction.CREATE, "coding"), (AuditAction.CREATE, "memo"),
            (AuditAction.UPDATE, "coding"),
            (AuditAction.DELETE, "coding"), (AuditAction.DELETE, "memo"), (AuditAction.DELETE, "excerpt"),
        ]  # fmt: skip
        update = entries[3]
        assert (update.before["mode"], update.after["mode"], update.after["theory_reference"]) == (
            "inductive", "deductive", "IPT 3",
        )  # fmt: skip
        assert entries[1].after["start"] == span_of("I trusted her")[0] and entries[4].after is None
        assert {e.project_id for e in entries} == {review.project_id}


def test_code_options_give_paths_and_put_the_coders_recent_codes_first(store, review):
    code(store, review, "I trusted her", "Hope")
    code(store, review, "she never judged me", "Trust")
    options = coding.code_options(store, RITA, review.project_id)
    assert [o.path for o in options[:2]] == ["Mechanisms / Trust", "Outcomes / Hope"]
    assert [o.path for o in options[2:]] == sorted(o.path for o in options[2:])
    assert "Contexts / Non-judgemental stance" in [o.path for o in options]
    assert (options[0].uses, options[0].kind) == (1, CodeKind.MECHANISM)
    assert all(o.uses == 0 for o in coding.code_options(store, BOB, review.project_id))


def test_the_document_view_takes_the_same_few_queries_however_many_codings(store, review):
    def count_queries(study_id):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(store.engine, "before_cursor_execute", listener)
        try:
            coding.document_view(store, OWNER, study_id)
        finally:
            event.remove(store.engine, "before_cursor_execute", listener)
        return len(statements)

    code(store, review, "I trusted her", "Trust")
    few = count_queries(review.study_id)
    for user in (RITA, BOB, OWNER):
        for phrase in ("she never judged me", "Because she had been there herself", "made me hopeful"):
            code(store, review, phrase, "Trust", "Hope", user=user, memo=f"{user} memo")
    assert count_queries(review.study_id) == few <= 9  # 9: which studies are coded blind (visibility.py)


def test_removing_configuration_evidence_and_undoing_puts_the_evidence_back(demo_clone):
    store = demo_clone
    project_id = projects.project_id_by_name(store, OWNER, demo.DEMO_PROJECT)
    with store.transaction() as s:
        evidence = s.scalars(select(ElementEvidence)).first()
        coding_id, element_id = evidence.coding_id, evidence.element_id
        assert s.get(ConfigurationElement, element_id).configuration.project_id == project_id
    removed = coding.remove_codings(store, OWNER, [coding_id])
    with store.transaction() as s:
        assert s.get(Coding, coding_id) is None
    coding.undo(store, OWNER, removed)
    with store.transaction() as s:
        assert s.get(Coding, coding_id) is not None
        back = s.scalars(
            select(ElementEvidence.element_id).where(ElementEvidence.coding_id == coding_id)
        ).all()
        assert element_id in back


def test_undo_leaves_alone_a_coding_that_took_the_id_of_one_already_gone(store, review):
    mine = code(store, review, "I trusted her", "Trust")
    coding.remove_codings(store, RITA, mine.coding_ids)
    theirs = code(store, review, "made me hopeful", "Hope", user=BOB)
    (record,) = mine.codings
    reused = replace(
        mine, codings=(replace(record, coding_id=theirs.coding_ids[0]),)
    )  # as if the id came back
    assert coding.undo(store, RITA, reused).empty
    (excerpt,) = coding.document_view(store, RITA, review.study_id).excerpts
    assert [c.coder for c in excerpt.codings] == [BOB]


def test_the_document_revision_changes_with_every_change_the_view_shows_and_only_then(store, review):
    def revision():
        return coding.document_revision(store, RITA, review.study_id)

    seen = [revision()]
    assert revision() == seen[0]
    action = code(store, review, "I trusted her", "Trust")
    seen.append(revision())
    (made,) = action.codings
    coding.update_coding(store, RITA, made.coding_id, CodingMode.DEDUCTIVE, "IPT 1", 1)
    seen.append(revision())
    code(store, review, "I trusted her", "Hope", memo="a memo")
    seen.append(revision())
    removed = coding.undo(store, RITA, action)
    seen.append(revision())
    coding.undo(store, RITA, removed)
    seen.append(revision())
    with store.transaction() as s:
        s.get(Code, review.codes["Trust"]).colour = "#123456"
    seen.append(revision())
    assert len(set(seen)) == len(seen)
    assert revision() == seen[-1]
