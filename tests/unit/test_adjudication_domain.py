"""Disagreement regions between two coders, agreements, and the consensus spans each decision keeps."""

import pytest

from workbench.domain.adjudication import Decision, Region, agreements, regions, settled_spans
from workbench.domain.errors import Invalid
from workbench.domain.spans import Span, SpanError

TEXT = "She had been there herself, so I trusted her. The cafe talks made me hopeful again."


def spans(*pairs: tuple[int, int]) -> tuple[Span, ...]:
    return tuple(Span(a, b) for a, b in pairs)


def test_identical_spans_are_an_agreement_not_a_region() -> None:
    a, b = spans((0, 10), (20, 30)), spans((20, 30), (0, 10))
    assert regions(a, b) == []
    assert agreements(a, b) == [Span(0, 10), Span(20, 30)]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # one coder only
        (((0, 10),), (), [((0, 10), ((0, 10),), ())]),
        ((), ((5, 9),), [((5, 9), (), ((5, 9),))]),
        # overlapping spans of different length
        (((0, 10),), ((5, 20),), [((0, 20), ((0, 10),), ((5, 20),))]),
        # touching spans join one stretch; a gap separates two
        (((0, 5),), ((5, 8), (30, 40)), [((0, 8), ((0, 5),), ((5, 8),)), ((30, 40), (), ((30, 40),))]),
        # the same stretch cut differently must still be settled
        (((0, 5), (5, 10)), ((0, 10),), [((0, 10), ((0, 5), (5, 10)), ((0, 10),))]),
        # overlapping spans of the same coder merge into one region
        (((0, 6), (4, 12)), (), [((0, 12), ((0, 6), (4, 12)), ())]),
    ],
)
def test_regions_are_connected_stretches_where_the_coders_differ(a, b, expected) -> None:
    found = regions(spans(*a), spans(*b))
    assert found == [Region(s, e, spans(*ra), spans(*rb)) for (s, e), ra, rb in expected]


def test_an_agreed_span_inside_a_disagreement_stays_out_of_the_region() -> None:
    found = regions(spans((0, 10)), spans((0, 10), (5, 20)))
    assert found == [Region(5, 20, (), spans((5, 20)))]
    assert agreements(spans((0, 10)), spans((0, 10), (5, 20))) == [Span(0, 10)]


def test_a_long_span_keeps_later_spans_in_its_region() -> None:
    found = regions(spans((0, 50)), spans((2, 4), (40, 45)))
    assert [(r.start, r.end) for r in found] == [(0, 50)]


REGION = Region(0, 20, spans((0, 10)), spans((5, 20), (0, 12)))


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (Decision.KEEP_A, ((0, 10),)),
        (Decision.KEEP_B, ((5, 20), (0, 12))),
        (Decision.KEEP_BOTH, ((0, 10), (0, 12), (5, 20))),
        (Decision.NEITHER, ()),
    ],
)
def test_each_decision_keeps_its_spans(decision: Decision, expected) -> None:
    assert settled_spans(REGION, decision, TEXT) == spans(*expected)


def test_keep_both_keeps_a_span_both_coded_once() -> None:
    region = Region(0, 20, spans((0, 10), (3, 20)), spans((0, 10), (5, 20)))
    assert settled_spans(region, Decision.KEEP_BOTH, TEXT) == spans((0, 10), (3, 20), (5, 20))


def test_an_edited_span_is_the_only_consensus_span() -> None:
    assert settled_spans(REGION, Decision.EDITED, TEXT, (4, 26)) == (Span(4, 26),)


@pytest.mark.parametrize("edited", [(10, 5), (-1, 4), (0, len(TEXT) + 1), (3, 4)])
def test_an_edited_span_outside_the_text_or_blank_is_refused(edited: tuple[int, int]) -> None:
    with pytest.raises(SpanError):
        settled_spans(REGION, Decision.EDITED, TEXT, edited)


def test_an_edit_needs_a_span_and_other_decisions_take_none() -> None:
    with pytest.raises(Invalid, match="start and end"):
        settled_spans(REGION, Decision.EDITED, TEXT)
    with pytest.raises(Invalid, match="edited span"):
        settled_spans(REGION, Decision.KEEP_A, TEXT, (0, 4))


def test_decisions_are_stored_by_the_values_the_schema_names() -> None:
    assert {d.value for d in Decision} == {"keep_a", "keep_b", "keep_both", "neither", "edited"}
