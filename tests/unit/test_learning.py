"""The learned suggestion model: scikit-learn's TF-IDF and logistic regression, stored without pickle."""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import srsly
from sklearn.feature_extraction.text import TfidfTransformer

from workbench.domain.errors import ServiceError
from workbench.nlp import pipeline
from workbench.nlp.codebook import CodeProfile
from workbench.nlp.learning import LearnedModel, ModelOutdated, Settings, bag_rows, count_rows
from workbench.nlp.sparse import SparseRows
from workbench.nlp.suggester import Suggester
from workbench.nlp.training import TrainingDoc, train

CODES = {"z": "mechanism", "w": "context"}
LINES = [
    "Participants described the weekly meetings in detail.",
    "Several staff members noted the weather on arrival.",
    "The zebra sessions made people feel they belonged, so they kept coming.",
    "Attendance records were kept by the coordinator.",
]


def _docs(n: int) -> list[TrainingDoc]:
    docs = []
    for i in range(n):
        text = "Findings\n\n" + "\n\n".join(f"{line} Case {i}." for line in LINES)
        start = text.index("The zebra")
        docs.append(TrainingDoc(f"s{i}", text, ((start, text.index(".", start) + 1, ("z",)),)))
    return docs


@pytest.fixture(scope="module")
def suggester() -> Suggester:
    profiles = [CodeProfile("z", "Belonging", "mechanism"), CodeProfile("w", "Weather", "context")]
    return Suggester(pipeline.get_pipeline(), profiles)


@pytest.fixture(scope="module")
def model(suggester: Suggester) -> LearnedModel:
    return train(suggester, _docs(4), CODES, Settings(epochs=60)).model


def test_a_model_round_trips_through_bytes_and_predicts_identically(suggester, model):
    copy = LearnedModel.from_bytes(model.to_bytes())
    assert np.array_equal(copy.vocab, model.vocab) and np.array_equal(copy.idf, model.idf)
    assert np.array_equal(copy.bag_weights, model.bag_weights)
    assert copy.code_keys == model.code_keys and copy.settings == model.settings
    text = _docs(1)[0].text + "\n\nPeople mentioned the weather again; the zebra sessions too."
    assert suggester.with_model(copy).suggest(text) == suggester.with_model(model).suggest(text)


def test_a_stored_model_is_msgpack_and_never_a_pickle(model):
    data = model.to_bytes()
    assert not data.startswith(b"\x80")  # every pickle protocol >= 2 starts with PROTO
    assert srsly.msgpack_loads(data)["format"] == 3


def test_a_pickled_model_is_refused_rather_than_unpickled(model):
    with pytest.raises(ModelOutdated, match="retrain"):
        LearnedModel.from_bytes(pickle.dumps(model))


@pytest.mark.parametrize(
    "data",
    [
        srsly.msgpack_dumps({"format": 0, "arrays": {}}),
        srsly.msgpack_dumps({"format": 99, "arrays": {}}),
        srsly.msgpack_dumps(["not", "a", "model"]),
        b"",
        b"\x93\x01",
    ],
    ids=["format 0", "a newer format", "not a mapping", "empty", "cut short"],
)
def test_model_bytes_of_another_format_are_refused_with_a_message_asking_to_retrain(data):
    with pytest.raises(ModelOutdated) as refused:
        LearnedModel.from_bytes(data)
    assert isinstance(refused.value, ServiceError)
    assert "retrain it (Suggestions page, Retrain)" in str(refused.value)
    assert "Traceback" not in str(refused.value) and "/" not in str(refused.value)


def test_a_model_trained_on_other_rule_features_is_refused_with_a_message_asking_to_retrain(suggester, model):
    other = replace(model, dense_weights=np.vstack([model.dense_weights, model.dense_weights[:1]]))
    with pytest.raises(ModelOutdated, match=r"retrain it \(Suggestions page, Retrain\)"):
        suggester.with_model(other).suggest(_docs(1)[0].text)


def test_a_model_stored_before_scikit_learn_still_loads_and_predicts_alike(suggester, model):
    """Format 1 (the hand-written trainer) stored the same arrays and two settings since dropped."""
    raw = srsly.msgpack_loads(model.to_bytes())
    raw["format"] = 1
    raw["settings"] = {**raw["settings"], "learning_rate": 0.05}
    old = LearnedModel.from_bytes(srsly.msgpack_dumps(raw))
    text = _docs(1)[0].text
    assert old.settings == model.settings
    assert suggester.with_model(old).suggest(text) == suggester.with_model(model).suggest(text)


def test_a_model_carries_what_it_remembered_and_one_stored_before_memories_loads_without(suggester, model):
    """Format 3 adds the project's decided excerpts and configurations (naming.Exemplars bytes)."""
    assert model.remembered and model.remembered_keys == suggester.code_keys
    copy = LearnedModel.from_bytes(model.to_bytes())
    assert (copy.remembered, copy.remembered_keys) == (model.remembered, model.remembered_keys)
    raw = srsly.msgpack_loads(model.to_bytes())
    raw["format"] = 2
    del raw["remembered"], raw["remembered_keys"]
    old = LearnedModel.from_bytes(srsly.msgpack_dumps(raw))
    assert (old.remembered, old.remembered_keys) == (b"", [])
    text = _docs(1)[0].text
    assert suggester.with_model(old).suggest(text) == suggester.with_model(model).suggest(text)


def test_scoring_weighs_lemmas_exactly_as_scikit_learns_tfidf_transformer(suggester, model):
    features = next(iter(suggester.analyse([_docs(1)[0].text])))
    counts = count_rows(features, model.vocab).matrix
    expected = TfidfTransformer(norm="l2", smooth_idf=True).fit(counts.log1p())
    expected.idf_ = model.idf
    ours = bag_rows(features, model.vocab, model.idf).matrix.toarray()
    assert np.allclose(ours, expected.transform(counts.log1p()).toarray())


def test_training_learns_the_code_the_team_gives_a_passage(suggester, model):
    text = "Findings\n\nThe zebra sessions came up once more, and people felt they belonged.\n\nIt rained."
    top = suggester.with_model(model).suggest(text)[0]
    assert top.text.startswith("The zebra") and top.codes[0].code == "Belonging"


def test_suggesting_with_a_stored_model_never_imports_scikit_learn(model, tmp_path):
    path = tmp_path / "model.msgpack"
    path.write_bytes(model.to_bytes())
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from workbench.nlp import pipeline\n"
        "from workbench.nlp.codebook import CodeProfile\n"
        "from workbench.nlp.learning import LearnedModel\n"
        "from workbench.nlp.suggester import Suggester\n"
        "codes = [CodeProfile('z', 'Belonging', 'mechanism'), CodeProfile('w', 'Weather', 'context')]\n"
        "s = Suggester(pipeline.get_pipeline(), codes)\n"
        f"m = LearnedModel.from_bytes(Path({str(path)!r}).read_bytes())\n"
        f"print(bool(s.with_model(m).suggest({_docs(1)[0].text!r})), 'sklearn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]  # suggestions made, scikit-learn never loaded


def test_sparse_rows_sum_repeated_cells_and_keep_their_shape_when_empty():
    rows = SparseRows.from_pairs(np.array([0, 0, 2]), np.array([1, 1, 0]), np.array([1.0, 2.0, 5.0]), 3, 4)
    assert np.array_equal(rows.matrix.toarray(), [[0, 3, 0, 0], [0, 0, 0, 0], [5, 0, 0, 0]])
    none = rows.take(np.zeros(0, dtype=np.int64))
    assert none.n_rows == 0 and none.n_columns == 4
    assert SparseRows.stack([rows, rows], 4).dot(np.ones((4, 1)))[:, 0].tolist() == [3, 0, 5, 3, 0, 5]
