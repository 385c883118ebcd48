"""A trained model remembers the project's decided excerpts and configurations, laid onto today's codebook."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from workbench.nlp import pipeline
from workbench.nlp.codebook import CodeProfile
from workbench.nlp.naming import Exemplars, Remembering
from workbench.nlp.suggester import Suggester
from workbench.nlp.training import TrainingDoc, remembering, train

PROFILES = [
    CodeProfile("c", "Weather", "context"),
    CodeProfile("m", "Belonging", "mechanism"),
    CodeProfile("o", "Attendance", "outcome"),
]
TEXT = (
    "Findings\n\nThe zebra sessions made people feel they belonged, so they kept coming.\n\n"
    "Several staff members noted the weather on arrival.\n\nRecords were kept by the coordinator."
)


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    return Suggester(pipeline.get_pipeline(), PROFILES)


def _docs() -> list[TrainingDoc]:
    start = TEXT.index("The zebra")
    end = TEXT.index(".", start) + 1
    rejected = TEXT.index("Records")
    return [
        TrainingDoc(f"s{i}", TEXT, ((start, end, ("m", "o")),), ((rejected, len(TEXT)),)) for i in range(3)
    ]


def test_training_remembers_accepted_and_rejected_excerpts_and_configurations(suggester):
    model = train(
        suggester, _docs(), {"c": "context", "m": "mechanism", "o": "outcome"}, configurations=[["c", "m"]]
    )
    exemplars = Exemplars.from_bytes(model.model.remembered)
    assert model.model.remembered_keys == ["c", "m", "o"]
    accepted = exemplars.codes[(exemplars.codes > 0).any(axis=1)]
    assert len(accepted) == 3 and set(map(tuple, accepted)) == {(0.0, 1.0, 1.0)}
    assert (exemplars.codes < 0).any(axis=1).sum() == 3  # each rejection held against what it was offered
    assert exemplars.prior[0, 1] == 1.0 and exemplars.prior[1, 0] == 1.0 and exemplars.prior[2].sum() == 0


def test_a_remembered_model_follows_codes_added_and_removed_since_training(suggester):
    model = train(
        suggester, _docs(), {"c": "context", "m": "mechanism", "o": "outcome"}, configurations=[["c", "m"]]
    )
    today = ["new", "m", "c"]  # "o" removed, "new" added, order changed
    wrapped = remembering(model.model, today, np.array([0, 1, 0]))
    assert isinstance(wrapped, Remembering) and wrapped.base is model.model
    stored = Exemplars.from_bytes(model.model.remembered)
    assert np.array_equal(wrapped.exemplars.codes[:, 0], np.zeros(len(stored.codes)))
    assert np.array_equal(wrapped.exemplars.codes[:, 1], stored.codes[:, 1])
    assert np.array_equal(wrapped.exemplars.codes[:, 2], stored.codes[:, 0])
    assert wrapped.exemplars.prior[2, 1] == 1.0 and wrapped.exemplars.prior[0].sum() == 0


def test_a_model_without_memories_is_used_as_it_is(suggester):
    model = train(suggester, _docs(), {"c": "context", "m": "mechanism", "o": "outcome"}).model
    bare = replace(model, remembered=b"", remembered_keys=[])
    assert remembering(bare, ["c", "m", "o"], np.array([0, 1, 2])) is bare
