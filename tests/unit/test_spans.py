"""Spans are half-open Python string ranges; quotes are found across line breaks."""

import pytest

from workbench.domain.spans import Span, SpanError, locate_quote, page_of


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("She never judged me. Really.", "never judged me", [(4, 19)]),
        ("She never\njudged me.", "never judged me", [(4, 19)]),
        ("a  b\r\n c", "a b c", [(0, 8)]),
        ("😀 hope came back", "hope came", [(2, 11)]),
        ("hope, then hope", "hope", [(0, 4), (11, 15)]),
        ("nothing here", "hope", []),
    ],
)
def test_quotes_are_located_by_their_words_whatever_the_whitespace(text, quote, expected):
    spans = locate_quote(text, quote)
    assert [(s.start, s.end) for s in spans] == expected
    for span in spans:
        assert " ".join(span.slice(text).split()) == " ".join(quote.split())


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (6, 2)])
def test_impossible_spans_are_refused(start, end):
    with pytest.raises(SpanError):
        Span(start, end)


def test_a_span_past_the_end_of_the_text_cannot_be_sliced():
    with pytest.raises(SpanError, match="runs past"):
        Span(2, 10).slice("short")


def test_overlapping_and_nested_spans_are_recognised():
    outer, inner, apart = Span(0, 10), Span(3, 5), Span(10, 12)
    assert outer.overlaps(inner) and outer.contains(inner)
    assert not outer.overlaps(apart)  # half-open: touching is not overlapping
    assert not inner.contains(outer)


@pytest.mark.parametrize(("offset", "page"), [(0, 1), (99, 1), (100, 2), (250, 3), (10_000, 3)])
def test_page_of_an_offset_follows_the_page_starts(offset, page):
    assert page_of(offset, [0, 100, 250]) == page


def test_documents_without_pages_have_no_page_numbers():
    assert page_of(5, []) is None
