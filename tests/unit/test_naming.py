"""Naming suggested passages with codes: BM25 over the codebook and its tree, decided excerpts as
neighbours, configurations as priors, and top-code accuracy that credits sub-codes."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.domain.suggestions import CodeScore, SpanSuggestion
from workbench.nlp import pipeline
from workbench.nlp.codebook import CodebookIndex, CodeProfile, content_lemmas
from workbench.nlp.evaluation import gold_span, top_code_errors, top_code_hits
from workbench.nlp.naming import (
    Bm25,
    Exemplars,
    Remembering,
    bag_matrix,
    exemplars_from,
    paragraph_context,
    stem,
)
from workbench.nlp.suggester import Suggester

FINDINGS = "Findings\n\n"


@pytest.fixture(scope="module")
def nlp():
    return pipeline.get_pipeline()


def lemmas(nlp, text: str) -> np.ndarray:
    return content_lemmas(nlp(text))


def bag(nlp, texts: list[str], vocab: np.ndarray):
    found = [lemmas(nlp, t) for t in texts]
    units = np.concatenate([np.full(len(f), i) for i, f in enumerate(found)]).astype(np.int64)
    return bag_matrix(units, np.concatenate(found), len(texts), vocab)


def suggestion(*codes: tuple[str, str]) -> SpanSuggestion:
    named = tuple(CodeScore(name, kind, 0.9 - 0.1 * i, name) for i, (name, kind) in enumerate(codes))
    return SpanSuggestion(0, 40, "x" * 40, 0.9, {}, named, ())


def test_a_sub_code_of_the_gold_code_counts_as_naming_it_right():
    gold = [gold_span(0, 40, [("Accepting", "context")])]
    named = [suggestion(("Non-judgemental stance", "context"))]
    below = {"Accepting": frozenset({"Non-judgemental stance", "Shared lived experience"})}
    assert top_code_hits(named, gold, below)["context"] == (1, 1)
    assert top_code_hits(named, gold)["context"] == (0, 1)
    assert top_code_hits([suggestion(("Hope", "context"))], gold, below)["context"] == (0, 1)


@pytest.mark.parametrize(
    ("named", "error"),
    [
        ((("Shared lived experience", "context"),), "right"),
        ((("Non-judgemental stance", "context"),), "wrong sibling"),
        ((("Informal setting", "context"),), "wrong family"),
        ((("Hope", "outcome"),), "none proposed"),
    ],
)
def test_a_wrong_top_code_is_told_apart_as_a_sibling_another_family_or_none(named, error):
    below = {
        "Accepting": frozenset({"Non-judgemental stance", "Shared lived experience"}),
        "Personalised Practice": frozenset({"Informal setting"}),
    }
    parents = {"Non-judgemental stance": "Accepting", "Shared lived experience": "Accepting"}
    parents |= {"Informal setting": "Personalised Practice"}
    gold = [gold_span(0, 40, [("Shared lived experience", "context"), ("Hope", "outcome")])]
    counts = top_code_errors([suggestion(*named)], gold, below, parents)["context"]
    assert counts[error] == 1 and sum(counts.values()) == 1


def test_bm25_prefers_the_code_whose_rare_words_match(nlp):
    codes = [
        lemmas(nlp, "peer support worker listened about housing and benefits"),
        lemmas(nlp, "peer support worker listened about medication side effects"),
        lemmas(nlp, "peer support worker listened about family and friends"),
    ]
    bm25 = Bm25(codes)
    scores = bm25.scores(bag(nlp, ["The peer support worker helped with my medication."], bm25.vocab))
    assert scores[0].argmax() == 1
    assert 0.0 < scores[0, 1] <= 1.0
    assert scores[0, 0] == scores[0, 2]  # the words every code has decide nothing between them


def test_a_match_on_a_sub_code_is_evidence_for_its_siblings_under_the_same_parent(nlp):
    parent = "Available. The peer worker is reachable and has time."
    codes = [
        CodeProfile(
            "a", "Time and continuity", "context", "Unhurried contact with the same person.", (), parent
        ),
        CodeProfile("b", "Reachable between sessions", "context", "Contact by phone or text.", (), parent),
        CodeProfile(
            "c", "Informal setting", "context", "Meetings in cafés or on walks.", (), "Personalised."
        ),
    ]
    index = CodebookIndex(nlp, codes)
    found = lemmas(nlp, "She was always reachable when I needed her.")
    units, paragraphs, headings = (
        np.zeros(len(found), dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        np.full(1, -1),
    )
    scores = index.naming(units, found, 1, paragraphs, headings)
    assert scores[0, 1] > scores[0, 0] > scores[0, 2]


def test_the_sentence_framing_a_quotation_lends_it_its_code():
    own = np.array([[0.8, 0.0], [0.0, 0.1], [0.0, 0.5]])
    mixed = paragraph_context(own, np.array([0, 0, 1]), 0.5)
    assert mixed[1].argmax() == 0  # the quotation, alone, leaned to code 1
    assert np.allclose(mixed[2], own[2])  # another paragraph lends nothing


def exemplars(nlp, accepted, rejected=(), configurations=()) -> Exemplars:
    rows = [(lemmas(nlp, t), np.array(r, dtype=float)) for t, r in accepted]
    rows += [(lemmas(nlp, t), -np.array(r, dtype=float)) for t, r in rejected]
    return Exemplars.build(rows, 3, configurations)


def test_an_accepted_excerpt_pulls_a_similar_passage_to_its_code(nlp):
    memory = exemplars(
        nlp,
        [("Walking together by the river made talking easier.", [1, 0, 0]),
         ("The leaflet listed the opening hours of the clinic.", [0, 1, 0])],
    )  # fmt: skip
    votes = memory.neighbours(bag(nlp, ["We talked while walking by the river."], memory.vocab))
    assert votes[0, 0] > 0 and votes[0, 0] > votes[0, 1]


def test_a_rejected_excerpt_pushes_a_similar_passage_away_from_the_code_it_was_offered(nlp):
    memory = exemplars(
        nlp,
        [("Walking together by the river made talking easier.", [1, 0, 0])],
        rejected=[("The river walk was organised by the council.", [0, 1, 0])],
    )
    votes = memory.neighbours(bag(nlp, ["The council organised the river walk."], memory.vocab))
    assert votes[0, 1] < 0


def test_configurations_raise_the_mechanism_that_goes_with_the_context_a_passage_names(nlp):
    memory = exemplars(nlp, [("anything", [1, 0, 0])], configurations=[[0, 2]])
    kinds = np.array(["context", "mechanism", "mechanism"])
    scores = memory.with_priors(np.array([[0.9, 0.3, 0.3]]), kinds, 1.0)
    assert scores[0, 2] > scores[0, 1] == 0.3


def test_exemplars_survive_a_round_trip_through_bytes(nlp):
    memory = exemplars(nlp, [("Walking by the river.", [1, 0, 0])], configurations=[[0, 1]])
    again = Exemplars.from_bytes(memory.to_bytes())
    assert np.array_equal(again.vocab, memory.vocab)
    assert np.allclose(again.rows.toarray(), memory.rows.toarray())
    assert np.array_equal(again.prior, memory.prior)


def test_a_suggester_remembering_accepted_excerpts_names_a_new_passage_by_them(nlp):
    codes = [
        CodeProfile("phone", "Reachable between sessions", "context", "Contact when needed."),
        CodeProfile("walk", "Informal setting", "context", "Meetings in ordinary places."),
    ]
    cold = Suggester(nlp, codes)
    coded = FINDINGS + "We went along the canal towpath every Tuesday and chatted about nothing much.\n"
    features = next(cold.analyse([coded]))
    start = coded.index("We went")
    memory = exemplars_from([(features, [(start, len(coded) - 1, ("walk",))], [])], cold.code_keys)
    text = FINDINGS + "On the canal towpath on Tuesdays I felt at ease, because nobody was watching us.\n"
    remembering = cold.with_model(Remembering(memory, cold.index.kinds))
    assert cold.suggest(text)[0].top_code("context") != "Informal setting"
    assert remembering.suggest(text)[0].top_code("context") == "Informal setting"


def test_a_rejected_suggestion_is_held_against_the_code_the_codebook_named_it_by(nlp):
    codes = [
        CodeProfile("walk", "Informal setting", "context", "Meetings on walks and in cafés."),
        CodeProfile("phone", "Reachable between sessions", "context", "Contact by phone when needed."),
    ]
    cold = Suggester(nlp, codes)
    text = FINDINGS + "The council organised walks in the park for everyone, because it was cheap.\n"
    features = next(cold.analyse([text]))
    start = text.index("The council")
    memory = exemplars_from(
        [(features, [], [(start, len(text) - 1)])], cold.code_keys, kinds=cold.index.kinds
    )
    assert memory.codes.tolist() == [[-1.0, 0.0]]


def test_stems_let_a_noun_meet_its_adjective_and_verb():
    assert stem("judgemental") == stem("judgement") == stem("judging") == stem("judge")
    assert stem("acceptance") == stem("accepting") == stem("acceptable")
    assert stem("trust") == "trust"  # short words are left alone


def test_the_codebook_names_a_passage_by_a_derived_form_of_a_code_word(nlp):
    codes = [
        CodeProfile("time", "Time and continuity", "context", "Unhurried contact with the same person."),
        CodeProfile("judge", "Non-judgemental stance", "context", "The peer worker does not judge or blame."),
    ]
    text = FINDINGS + "Nobody was judging me there, which meant I could say what had happened.\n"
    assert Suggester(nlp, codes).suggest(text)[0].top_code("context") == "Non-judgemental stance"


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("I used to stay in bed all day before the group started.", "experience"),
        ("Since then I have been going to the shops on my own.", "outcome"),
        ("It meant that staff were able to plan the visits together.", "causal"),
    ],
)
def test_accounts_of_change_and_explanations_count_as_realist_cues(nlp, sentence, category):
    from workbench.nlp.cues import CATEGORIES

    found = {CATEGORIES[int(row[0])] for row in nlp(sentence)._.realist_cues}
    assert category in found
