"""The suggester's pure rules: quotations, sections, units, merging, scores, overlap and metrics."""

from __future__ import annotations

import json

import numpy as np
import pytest

from workbench.domain.errors import Invalid
from workbench.domain.suggestions import (
    CodeScore,
    SpanSuggestion,
    TakenSpans,
    code_for_key,
    drawn,
    finds,
    is_covered,
    labelled_as,
    matches_filter,
    mostly_overlaps,
)
from workbench.nlp import scoring
from workbench.nlp.cues import CATEGORIES, CueError, parse_cue
from workbench.nlp.evaluation import gold_span, kind_counts, precision_at, recall_at, top_code_hits
from workbench.nlp.sparse import SparseRows
from workbench.nlp.units import (
    Section,
    find_quotations,
    heading_section,
    looks_like_heading,
    split_units,
    starts_with_link,
    trim,
)


def test_a_quotation_is_found_without_its_marks_and_with_its_attribution():
    text = 'Intro. "I could tell her things I had never told anyone." (P5, service user)\n\nNext.'
    [quote] = find_quotations(text)
    assert text[quote.start : quote.end] == "I could tell her things I had never told anyone."
    assert quote.attribution == "P5, service user"
    assert text[quote.end : quote.attribution_end] == '" (P5, service user)'


def test_curly_quotes_and_an_attribution_on_the_next_line_are_found():
    text = "He said: “Now I check my feet every night before bed.”\n(FG5, man,\n66) Later."
    [quote] = find_quotations(text)
    assert text[quote.start : quote.end] == "Now I check my feet every night before bed."
    assert quote.attribution == "FG5, man, 66"


def test_short_scare_quotes_are_not_participant_quotations():
    assert find_quotations('They were "one of us" and "on the same side" to participants.') == []


def test_straight_quotes_pair_up_within_a_paragraph_only():
    text = 'A stray " mark here.\n\n"This one is a proper quotation of some length." (P1)'
    [quote] = find_quotations(text)
    assert text[quote.start : quote.end] == "This one is a proper quotation of some length."


@pytest.mark.parametrize(
    ("line", "section"),
    [
        ("Findings", Section.FINDINGS),
        ("## Results", Section.FINDINGS),
        ("3. Methods", Section.METHODS),
        ("Discussion", Section.DISCUSSION),
        ("References", Section.BACK),
        ("Abstract", Section.ABSTRACT),
        ("Theme 1: The one person who did not judge", None),
    ],
)
def test_heading_lines_open_their_section(line, section):
    assert heading_section(line) == section


@pytest.mark.parametrize(
    ("text", "heading"),
    [("Findings", True), ("## Being part of something", True), ("Participants valued time.", False)],
)
def test_headings_are_short_lines_without_sentence_punctuation(text, heading):
    assert looks_like_heading(text) is heading


def test_trim_drops_spaces_quotation_marks_and_brackets_at_the_edges():
    text = ' "Hello there." ('
    start, end = trim(text, 0, len(text))
    assert text[start:end] == "Hello there."


def test_units_are_cut_at_quotation_edges_and_attributions_are_dropped():
    text = 'Findings\n\nOne woman put it plainly: "It made me feel I was worth something." (P7)\n\nEnd here.'
    quotes = find_quotations(text)
    sentences = [(0, 10), (10, text.index("End")), (text.index("End"), len(text))]
    units = split_units(text, sentences, quotes)
    pieces = [text[u.start : u.end] for u in units]
    assert pieces == [
        "Findings",
        "One woman put it plainly:",
        "It made me feel I was worth something.",
        "End here.",
    ]
    assert [u.quote for u in units] == [-1, -1, 0, -1]
    assert units[0].heading and units[2].section is Section.FINDINGS
    assert units[3].paragraph > units[2].paragraph


@pytest.mark.parametrize(
    ("sentence", "links"),
    [("This made a difference.", True), ("So I kept going.", True), ("Participants said so.", False)],
)
def test_a_sentence_pointing_back_continues_the_one_before(sentence, links):
    assert starts_with_link(sentence) is links


def _merge(quote, paragraph, link, lengths=None):
    n = len(quote)
    lengths = lengths or [50] * n
    starts = np.cumsum([0, *lengths[:-1]])
    ends = starts + np.array(lengths)
    return scoring.merge_units(
        np.array(quote), np.array(paragraph), np.array(link, dtype=float), np.zeros(n), starts, ends
    )


def test_sentences_of_one_quotation_merge_into_one_span():
    assert _merge([-1, 0, 0, 0, -1], [0, 1, 1, 1, 2], [0, 0, 0, 0, 0]) == [[0], [1, 2, 3], [4]]


def test_a_linked_sentence_joins_the_one_before_only_in_the_same_paragraph():
    assert _merge([-1, -1, -1], [0, 0, 1], [0, 1, 1]) == [[0, 1], [2]]


def test_merged_spans_stop_growing_at_the_length_limit():
    groups = _merge([0] * 8, [0] * 8, [0] * 8, [200] * 8)
    assert all(sum(200 for _ in g) <= scoring.MAX_QUOTE_CHARS for g in groups)
    assert sum(len(g) for g in groups) == 8


def test_every_score_stays_between_zero_and_one():
    rng = np.random.default_rng(3)
    n, n_codes = 40, 6
    cues = rng.integers(0, 9, size=(n, len(CATEGORIES))).astype(float)
    codes = scoring.code_scores(rng.integers(0, 4, size=(n, n_codes)).astype(float), rng.random((n, n_codes)))
    kinds = np.array(["context", "mechanism", "outcome", "context", "other", "outcome"])
    best = scoring.best_per_kind(codes, kinds)
    quote = rng.integers(0, 2, n).astype(float)
    labels = scoring.kind_labels(cues, best, quote)
    relevance = scoring.relevance(
        cues, quote, rng.random(n), rng.integers(0, 30, n).astype(float), np.zeros(n), codes.max(axis=1)
    )
    for values in (codes, best, labels, relevance):
        assert values.min() >= 0.0 and values.max() <= 1.0


def _relevance(cues: dict[str, float], quote=0.0, weight=1.0, words=12.0, heading=0.0, code=0.0) -> float:
    row = np.zeros((1, len(CATEGORIES)))
    for name, count in cues.items():
        row[0, CATEGORIES.index(name)] = count
    arrays = [np.array([v]) for v in (quote, weight, words, heading, code)]
    return float(scoring.relevance(row, arrays[0], arrays[1], arrays[2], arrays[3], arrays[4])[0])


def test_cues_and_quotations_raise_a_sentence_and_methods_wording_lowers_it():
    plain = _relevance({})
    assert _relevance({"causal": 1}) > plain
    assert _relevance({}, quote=1.0) > plain
    assert _relevance({"causal": 1, "method": 2}) < _relevance({"causal": 1})


def test_headings_short_sentences_and_reference_lists_score_nothing():
    assert _relevance({"causal": 2}, heading=1.0) == 0.0
    assert _relevance({"causal": 2}, words=2.0) == 0.0
    assert _relevance({"causal": 2}, weight=0.0) == 0.0


def test_code_choice_keeps_the_best_code_of_each_kind_then_the_best_others():
    kinds = np.array(["context", "context", "mechanism", "outcome", "context"])
    fits = np.array([[0.9, 0.8, 0.1, 0.02, 0.7]])
    assert scoring.choose_codes(fits, kinds, most=3, least=0.05) == [[0, 1, 2]]


@pytest.mark.parametrize(
    ("span", "other", "mostly"),
    [
        ((0, 100), (0, 100), True),
        ((0, 100), (40, 60), True),  # a sentence inside a rejected passage
        ((0, 30), (0, 100), True),  # a passage around a rejected sentence
        ((0, 100), (60, 200), False),
        ((0, 100), (100, 200), False),
    ],
)
def test_a_span_mostly_overlaps_another_when_they_share_half_of_the_shorter(span, other, mostly):
    assert mostly_overlaps(span, other) is mostly
    assert is_covered(span, [(500, 600), other]) is mostly
    assert TakenSpans([(500, 600), other]).covers(span) is mostly


def test_indexed_taken_spans_cover_exactly_the_spans_is_covered_does():
    rng = np.random.default_rng(5)

    def random_spans(count: int, longest: int) -> list[tuple[int, int]]:
        starts, lengths = rng.integers(0, 5000, count), rng.integers(1, longest, count)
        return [(int(a), int(a + n)) for a, n in zip(starts, lengths, strict=True)]

    taken, spans = random_spans(300, 900), random_spans(2000, 400)
    index = TakenSpans(taken)
    assert [index.covers(s) for s in spans] == [is_covered(s, taken) for s in spans]
    assert not TakenSpans([]).covers((0, 10))


def test_a_suggestion_finds_a_gold_excerpt_when_it_covers_half_of_it():
    assert finds((10, 30), (0, 20))
    assert not finds((10, 30), (0, 19))


def test_a_suggestion_is_labelled_with_a_kind_at_half_or_as_its_strongest():
    labels = {"context": 0.2, "mechanism": 0.4, "outcome": 0.6}
    assert [labelled_as(labels, k) for k in ("context", "mechanism", "outcome")] == [False, False, True]
    assert labelled_as({"context": 0.3, "mechanism": 0.1, "outcome": 0.0}, "context")


def test_the_json_form_has_the_documented_keys_in_order():
    s = SpanSuggestion(
        3,
        9,
        "abcdef",
        0.123456,
        {"outcome": 0.5, "context": 0.25},
        (CodeScore("Hope", "outcome", 0.7),),
        ("causal cue 'via'",),
    )
    data = s.to_json()
    assert list(data) == ["start", "end", "text", "score", "labels", "codes", "reasons"]
    assert list(data["labels"]) == ["context", "mechanism", "outcome"]
    assert data["codes"] == [{"code": "Hope", "kind": "outcome", "score": 0.7}]
    assert json.loads(json.dumps(data))["score"] == 0.1235


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not JSON"),
        ('{"category": "nope", "phrase": "x"}', "category"),
        ('{"category": "hedge"}', "phrase"),
    ],
)
def test_a_bad_cue_line_is_refused_with_its_line_number(line, problem):
    with pytest.raises(CueError, match=f"line 7: .*{problem}"):
        parse_cue(line, 7)


def _s(start, end, score=0.5, codes=(), labels=None):
    return SpanSuggestion(start, end, "", score, labels or {}, tuple(codes), ())


def test_recall_and_precision_at_k_count_spans_found_among_the_first_k():
    gold = [gold_span(0, 10, [("Hope", "outcome")]), gold_span(50, 60, [("Trust", "mechanism")])]
    suggestions = [_s(0, 10), _s(20, 30), _s(52, 60)]
    assert recall_at(suggestions, gold, 2) == (1, 2)
    assert recall_at(suggestions, gold, 3) == (2, 2)
    assert precision_at(suggestions, gold, 2) == (1, 2)


def test_top_code_accuracy_reads_the_best_suggestion_finding_each_excerpt():
    gold = [gold_span(0, 10, [("Hope", "outcome"), ("Trust", "mechanism")])]
    right = _s(0, 10, codes=[CodeScore("Trust", "mechanism", 0.9), CodeScore("Worth", "outcome", 0.5)])
    hits = top_code_hits([right], gold)
    assert hits["mechanism"] == (1, 1) and hits["outcome"] == (0, 1) and hits["context"] == (0, 0)


def test_kind_counts_separate_suggestions_labelled_with_a_kind():
    gold = [gold_span(0, 10, [("Hope", "outcome")])]
    found = _s(0, 10, labels={"context": 0.1, "mechanism": 0.1, "outcome": 0.9})
    stray = _s(20, 30, labels={"context": 0.1, "mechanism": 0.1, "outcome": 0.8})
    counts = kind_counts([found, stray], gold)
    assert counts["outcome"] == [1, 2, 1, 1]
    assert counts["context"] == [0, 0, 0, 0]


def test_sparse_rows_multiply_like_their_dense_matrix():
    rng = np.random.default_rng(0)
    dense = (rng.random((6, 8)) < 0.4) * rng.random((6, 8))
    dense[2] = 0.0
    rows, cols = np.nonzero(dense)
    sparse = SparseRows.from_pairs(rows, cols, dense[rows, cols], 6, 8)
    other = rng.random((4, 8)) * (rng.random((4, 8)) < 0.5)
    r2, c2 = np.nonzero(other)
    weights = rng.random((8, 3))
    assert np.allclose(sparse.dot(weights), dense @ weights)
    gradient = rng.random((6, 2))
    assert np.allclose(sparse.transposed().dot(gradient), dense.T @ gradient)
    assert np.allclose(
        sparse.cross(SparseRows.from_pairs(r2, c2, other[r2, c2], 4, 8).transposed()), dense @ other.T
    )
    assert np.allclose(sparse.take(np.array([4, 2, 0])).dot(weights), dense[[4, 2, 0]] @ weights)


def test_the_reader_and_the_queue_filter_by_kind_and_code_alike():
    labels = {"context": 0.2, "mechanism": 0.7, "outcome": 0.1}
    assert matches_filter(labels, [4, 9], "mechanism", 9)
    assert not matches_filter(labels, [4, 9], "context", None)
    assert not matches_filter(labels, [4, 9], None, 5)
    assert matches_filter({}, [], None, None)


def test_the_reader_draws_the_best_per_page_of_those_matching_only():
    scores = [0.9, 0.8, 0.7, 0.6, 0.5]
    matching = [False, True, True, True, True]
    assert drawn(scores, matching, pages=1, per_page=2) == (1, 2)  # the 0.9 does not match
    assert drawn(scores, matching, pages=1, per_page=0) == (1, 2, 3, 4)  # 0: all that match
    assert drawn(scores, [False] * 5, pages=1, per_page=2) == ()


def test_a_key_accepts_with_the_suggestions_nth_code_and_a_key_beyond_them_is_refused():
    assert code_for_key([7, 3, 9], 2) == 3
    with pytest.raises(Invalid, match="proposes no code 4"):
        code_for_key([7, 3, 9], 4)
