"""The optional semantic naming: how embeddings are blended with the codebook's naming, run with a
tiny word-hashing embedding so that no model package is needed."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from workbench.nlp import pipeline, semantic
from workbench.nlp.codebook import CodeProfile
from workbench.nlp.semantic import Semantic, blend, cached, neighbour_votes, normalise, unit_rows
from workbench.nlp.suggester import Suggester

DIMS = 64
CODES = [
    CodeProfile("trust", "Trust in staff", "mechanism", "feeling able to rely on the nurses"),
    CodeProfile("cost", "Cost of travel", "context", "money spent on buses and petrol"),
    CodeProfile("adherence", "Adherence", "outcome", "taking the tablets every day"),
]
TEXT = (
    "Findings\n\n"
    "Because the nurses were always there, mothers said they could rely on them and kept coming back.\n\n"
    "The buses were expensive, so money for petrol decided whether a visit happened at all.\n\n"
    "In the end most of them kept taking the tablets every day, as the clinic had hoped.\n"
)


def words_embed(texts: Sequence[str]) -> np.ndarray:
    """Each word hashed into one of DIMS dimensions: texts sharing words point the same way."""
    rows = np.zeros((len(texts), DIMS))
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            if len(word) > 3:
                rows[i, zlib.crc32(word.encode()) % DIMS] += 1.0
    return normalise(rows)


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(pipeline.get_pipeline(), CODES)


def test_blending_moves_a_units_top_code_to_the_code_its_vector_is_closest_to() -> None:
    codes = np.array([[0.6, 0.5]])
    assert blend(codes, np.array([[0.0, 0.9]]), 0.5).argmax() == 1
    assert blend(codes, np.array([[0.0, 0.9]]), 0.0).argmax() == 0


def test_negative_cosines_count_as_no_match_and_scores_stay_within_zero_and_one() -> None:
    out = blend(np.array([[0.2, 1.0]]), np.array([[-0.8, 1.0]]), 0.5)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert out[0, 0] == pytest.approx(0.1)


def test_the_nearest_accepted_excerpts_vote_for_their_own_codes() -> None:
    exemplars = normalise(np.array([[1.0, 0.0], [0.0, 1.0]]))
    codes = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    votes = neighbour_votes(normalise(np.array([[0.1, 1.0]])), exemplars, codes, k=1)
    assert votes.argmax() == 2 and votes[0, 0] == 0.0


def test_no_accepted_excerpts_means_no_votes() -> None:
    votes = neighbour_votes(np.ones((2, 3)), np.zeros((0, 3)), np.zeros((0, 4)))
    assert votes.shape == (2, 4) and not votes.any()


def test_each_distinct_text_is_embedded_once() -> None:
    calls: list[list[str]] = []

    def counting(texts: Sequence[str]) -> np.ndarray:
        calls.append(list(texts))
        return words_embed(texts)

    embed = cached(counting)
    first = embed(["a tablet", "a bus", "a tablet"])
    second = embed(["a bus", "the nurse"])
    assert calls == [["a tablet", "a bus"], ["the nurse"]]
    assert np.allclose(first[1], second[0])


def test_only_the_most_relevant_units_are_embedded(suggester: Suggester) -> None:
    features = next(suggester.analyse([TEXT]))
    seen: list[str] = []

    def recording(texts: Sequence[str]) -> np.ndarray:
        seen.extend(texts)
        return words_embed(texts)

    model = Semantic.build(words_embed, CODES, top=1, paragraph=0.0)
    model.embed = recording
    cold = suggester.scores(features)
    scores = model.rescore(features, cold, suggester.code_keys)
    rows = unit_rows(features, cold.relevance, 1)
    assert len(seen) == 1
    others = np.setdiff1d(np.arange(features.size), rows)
    assert np.array_equal(scores.codes[others], cold.codes[others])


def test_a_unit_is_named_by_the_code_whose_words_its_vector_shares(suggester: Suggester) -> None:
    features = next(suggester.analyse([TEXT]))
    model = Semantic.build(words_embed, CODES, weight=1.0, paragraph=0.0, top=features.size)
    scores = model.rescore(features, suggester.scores(features), suggester.code_keys)
    bus = next(i for i, u in enumerate(features.units) if "buses" in features.text[u.start : u.end])
    assert suggester.code_keys[int(scores.codes[bus].argmax())] == "cost"


def test_accepted_excerpts_name_units_that_resemble_them(suggester: Suggester) -> None:
    features = next(suggester.analyse([TEXT]))
    accepted = [("mothers could rely on them and kept coming back", [0, 2])]
    model = Semantic.build(
        words_embed, CODES, None, accepted, weight=0.0, neighbour_weight=1.0, paragraph=0.0
    )
    cold = suggester.scores(features)
    scores = model.rescore(features, cold, suggester.code_keys)
    nurses = next(i for i, u in enumerate(features.units) if "nurses" in features.text[u.start : u.end])
    assert scores.codes[nurses, 2] > cold.codes[nurses, 2]
    assert scores.codes[nurses, 1] == pytest.approx(cold.codes[nurses, 1])


def test_the_suggester_names_units_without_the_optional_package(suggester: Suggester) -> None:
    assert isinstance(semantic.available(), bool)
    suggestions = suggester.suggest(TEXT)
    assert suggestions and all(s.codes for s in suggestions)
