"""What the suggester never suggests: captions, reference lists, citation fragments, spans across
quotation edges; and how many suggestions the reader shows by default."""

from __future__ import annotations

import pytest

from workbench.domain.codebook import parse_codebook
from workbench.domain.suggestions import PAGE_CHARS, page_count, score_cut
from workbench.importers.sample_corpus import SAMPLE_CORPUS, read_yaml
from workbench.nlp import pipeline
from workbench.nlp.codebook import profiles_from_specs
from workbench.nlp.suggester import Suggester
from workbench.nlp.units import (
    continues_citation,
    find_quotations,
    is_caption,
    looks_like_reference,
    split_units,
    starts_mid_citation,
)

FINDINGS = "Findings\n\n"
EVIDENCE = "Peer workers were trusted because they had been patients themselves, which led to hope."


@pytest.fixture(scope="module")
def suggester():
    specs = parse_codebook(read_yaml(SAMPLE_CORPUS / "codebook.yaml"))
    return Suggester(pipeline.get_pipeline(), profiles_from_specs(specs))


def suggested(suggester: Suggester, text: str) -> list[str]:
    return [s.text for s in suggester.suggest(text)]


@pytest.mark.parametrize(
    "line",
    [
        "Figure 1. Peer support led to hope.",
        "Table 2: Characteristics of participants",
        "Fig. 3 Trust",
        "TABLE 4",
    ],
)
def test_figure_and_table_captions_are_captions(line):
    assert is_caption(line)


@pytest.mark.parametrize("line", ["Figures from the ward were high.", "Tables were shared at lunch."])
def test_sentences_that_only_mention_figures_are_not_captions(line):
    assert not is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "Smith, J. A., & Jones, K. (2019). Peer support in acute wards. J Mental Health, 28(3), 1-9.",
        "Mead S, Hilton D, Curtis L. Peer support: a theoretical view. Psychiatr Rehabil J. 2001;25:134.",
        "12. Davidson L, Chinman M. Peer support among adults with serious mental illness. 2006.",
        "Available at https://doi.org/10.1093/schbul/sbj043",
    ],
)
def test_reference_list_entries_look_like_references(line):
    assert looks_like_reference(line)


@pytest.mark.parametrize(
    "line",
    [EVIDENCE, "Smith and colleagues (2019) found that peer workers helped.", "In 2019, the ward changed."],
)
def test_prose_that_cites_does_not_look_like_a_reference(line):
    assert not looks_like_reference(line)


@pytest.mark.parametrize(
    "fragment", ["et al., 2019) found that peers helped.", "2019) found that peers helped.", "al. showed it."]
)
def test_fragments_starting_inside_a_citation_are_recognised(fragment):
    assert starts_mid_citation(fragment)


def test_a_lowercase_continuation_right_after_a_citation_is_a_fragment():
    text = "As reported (Smith et al., 2019) found that peers helped. Staff agreed."
    assert continues_citation(text, text.index("found"))
    assert not continues_citation(text, text.index("Staff"))


def test_a_sentence_split_after_et_al_is_joined_again_into_one_unit():
    text = FINDINGS + "Smith et al. (2019) showed that peer workers were trusted."
    cut = text.index("(2019)")
    units = split_units(text, [(0, len(FINDINGS)), (len(FINDINGS), cut), (cut, len(text))], [])
    assert [text[u.start : u.end] for u in units] == [
        "Findings",
        "Smith et al. (2019) showed that peer workers were trusted.",
    ]


def test_no_unit_crosses_the_edge_of_a_short_quotation():
    text = FINDINGS + 'He said "Stop. Now go." and then he left the ward very quietly.'
    second = text.index("Now")
    units = split_units(text, [(0, len(FINDINGS)), (len(FINDINGS), second), (second, len(text))], [])
    pieces = [text[u.start : u.end] for u in units]
    assert pieces == ["Findings", "He said", "Stop.", "Now go.", "and then he left the ward very quietly."]


def test_captions_references_and_citation_fragments_are_never_suggested(suggester):
    text = (
        FINDINGS
        + EVIDENCE
        + "\n\nFigure 1. Peer support led to hope because workers were trusted and felt safe.\n\n"
        + "Table 2: Peer workers were trusted and this led to hope.\n\n"
        + "Mead S, Hilton D. Peer support led to hope: a theory. Psychiatr J. 2001;25:134.\n\n"
        + "References\n\n"
        + "Smith, J. (2019). Trust led to hope among peers because they felt safe. J Health, 28(3), 1-9.\n"
    )
    assert suggested(suggester, text) == [EVIDENCE]


def test_a_suggested_quotation_never_runs_past_its_closing_mark(suggester):
    text = (
        FINDINGS
        + 'One said "I felt safe. The peer worker had been there too, so I trusted her." Then we met.'
    )
    quote = find_quotations(text)
    for s in suggester.suggest(text):
        marks = s.text.count('"')
        assert marks % 2 == 0, s.text
        assert not any(q.start < s.start < q.end < s.end or s.start < q.start < s.end < q.end for q in quote)


def test_a_text_without_page_marks_counts_a_page_per_few_thousand_characters():
    assert page_count(0) == 1
    assert page_count(PAGE_CHARS * 2 + 1) == 3
    assert page_count(10 * PAGE_CHARS, [0, 100]) == 2


def test_the_default_cut_shows_the_best_few_per_page_and_ties_at_the_cut():
    scores = [0.9, 0.8, 0.8, 0.5, 0.3, 0.2, 0.1]
    assert score_cut(scores, pages=1, per_page=2) == 0.8  # the best two, and the tie with the second
    assert score_cut(scores, pages=2, per_page=3) == 0.2  # room for six of seven
    assert score_cut(scores, pages=3, per_page=3) == 0.0  # room for all of them
    assert score_cut(scores, pages=1, per_page=0) == 0.0  # 0: show every suggestion
