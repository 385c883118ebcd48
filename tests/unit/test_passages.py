"""Passages and coding actions named in a reviewer's words, never by character offsets."""

from __future__ import annotations

from workbench.domain.configurations import CodingMode
from workbench.services.coding import ActionKind, CodingAction
from workbench.services.rows.coding_actions import CodingRecord
from workbench.store.enums import CodingOrigin
from workbench.ui.coding.passages import describe, passage

TEXT = "Intro.\nOthers are safe, trusted or like me, said the peer worker.\nEnd."
START = TEXT.index("Others")
END = TEXT.index("\nEnd")


def record(code: str, start: int = START, end: int = END) -> CodingRecord:
    return CodingRecord(1, 1, start, end, 1, code, 1, CodingMode.INDUCTIVE, CodingOrigin.HUMAN, "")


def test_a_passage_is_named_by_its_first_words_and_its_page():
    assert passage(TEXT, START, END, page_starts=[0, START]) == "'Others are safe, trusted or…' on page 2"
    assert passage(TEXT, START, END) == "'Others are safe, trusted or…'"
    assert passage(TEXT, 0, 6) == "'Intro.'"


def test_a_passage_whose_text_is_not_at_hand_is_a_passage():
    assert passage(None, START, END) == "a passage"


def test_coding_and_removing_are_described_without_offsets():
    coded = CodingAction(ActionKind.CODED, 1, (record("Trust"), record("Hope")))
    assert describe(coded, TEXT) == "Coded 'Others are safe, trusted or…' with Trust, Hope."
    removed = CodingAction(ActionKind.REMOVED, 1, (record("Trust"), record("Trust", 0, 6)))
    assert describe(removed, TEXT) == "Removed Trust from 2 passages."
    assert str(START) not in describe(coded, TEXT)
