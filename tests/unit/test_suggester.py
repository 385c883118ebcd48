"""The spaCy suggestion pipeline and the learned model, on small texts and the sample codebook."""

from __future__ import annotations

import numpy as np
import pytest
import spacy

from workbench.domain.codebook import CodeKind, CodeSpec, parse_codebook
from workbench.importers.sample_corpus import SAMPLE_CORPUS, read_yaml
from workbench.nlp import pipeline
from workbench.nlp.codebook import CodeProfile, profiles_from_specs
from workbench.nlp.learning import LearnedModel, Settings
from workbench.nlp.suggester import Suggester
from workbench.nlp.training import NothingToLearn, TrainingDoc, held_out_groups, train

FINDINGS = "Findings\n\n"


@pytest.fixture(scope="module")
def nlp():
    return pipeline.get_pipeline()


@pytest.fixture(scope="module")
def suggester(nlp):
    specs = parse_codebook(read_yaml(SAMPLE_CORPUS / "codebook.yaml"))
    return Suggester(nlp, profiles_from_specs(specs))


def test_the_blank_english_pipeline_is_active_by_default(nlp, monkeypatch):
    monkeypatch.delenv(pipeline.MODEL_ENV, raising=False)
    assert pipeline.pipeline_name(pipeline.get_pipeline()).startswith("blank English")
    assert nlp.pipe_names == ["realist_sentences", "realist_lemmatizer", "realist_quotes", "realist_cues"]


def test_lemmas_come_from_the_lookup_table_in_lower_case(nlp):
    doc = nlp("Participants Helped newcomers and felt safer.")
    assert [t.lemma_ for t in doc][:4] == ["participant", "help", "newcomer", "and"]


def test_sentences_start_after_full_stops_and_blank_lines_but_not_before_lower_case(nlp):
    doc = nlp("Findings\n\nThey met. It helped a lot, and\n\ncontinued after a page break.")
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences == ["Findings", "They met.", "It helped a lot, and\n\ncontinued after a page break."]


def test_the_pipeline_splits_sentences_like_spacys_sentencizer(nlp):
    text = 'She said "yes." Then (briefly) she left! Why? Because... it was late. OK'
    bare = spacy.blank("en")
    bare.add_pipe("sentencizer")
    assert [s.text for s in nlp(text).sents] == [s.text for s in bare(text).sents]


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Peer contact worked via shared stories of recovery in the group.", "causal cue 'via'"),
        ("Meeting the same worker each week leads to trust between them.", "causal cue 'leads to'"),
        ("Perhaps the informal setting mattered more than anything else here.", "hedge 'perhaps'"),
        ("That conversation made him feel he was not a lost cause at all.", "experience cue 'made him feel'"),
    ],
)
def test_cue_phrases_match_on_lemmas_and_name_themselves_in_the_reasons(suggester, sentence, reason):
    [suggestion] = suggester.suggest(FINDINGS + sentence)
    assert reason in suggestion.reasons


def test_code_names_and_examples_match_whatever_their_case(suggester):
    [suggestion] = suggester.suggest(
        FINDINGS + "She NEVER JUDGED ME, and for the first time I had HOPE again."
    )
    assert "matches code 'Non-judgemental stance'" in suggestion.reasons
    assert "matches code 'Hope'" in suggestion.reasons
    assert {c.code for c in suggestion.codes} >= {"Non-judgemental stance", "Hope"}


def test_a_quotation_is_suggested_as_one_span_with_who_said_it(suggester):
    text = (
        FINDINGS
        + 'One man explained: "I trusted her. She had been there herself. It changed things." (P4, man)'
    )
    best = suggester.suggest(text)[0]
    assert best.text == "I trusted her. She had been there herself. It changed things."
    assert best.reasons[0] == "participant quotation (P4, man)"


def test_methods_prose_ranks_below_a_finding_with_cues(suggester):
    text = (
        "Methods\n\nWe interviewed twelve participants and transcripts were analysed thematically.\n\n"
        "Findings\n\nBecause she had been through it herself, I felt I could finally trust someone."
    )
    ranked = suggester.suggest(text)
    assert ranked[0].text.startswith("Because she had been through it herself")


def test_offsets_slice_back_to_the_text_with_emoji_and_crlf(suggester):
    text = (
        "Findings\r\n\r\n😀 Peer support helped me because she listened. 🙂 It led to hope."
        "\r\n\r\nThe end 👍."
    )
    suggestions = suggester.suggest(text)
    assert suggestions
    for s in suggestions:
        assert text[s.start : s.end] == s.text
        assert 0 <= s.score <= 1 and all(0 <= v <= 1 for v in s.labels.values())


def test_suggestions_come_best_first_and_top_keeps_the_best(suggester):
    text = (SAMPLE_CORPUS / "studies" / "s01_acute_ward.txt").read_text(encoding="utf-8")
    ranked = suggester.suggest(text)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert suggester.suggest(text, top=5) == ranked[:5]


def test_an_installed_pipeline_named_by_the_environment_is_used_with_the_rules(tmp_path, monkeypatch):
    saved = spacy.blank("en")
    saved.add_pipe("sentencizer")
    saved.meta["name"] = "tiny_test"
    saved.to_disk(tmp_path / "tiny")
    monkeypatch.setenv(pipeline.MODEL_ENV, str(tmp_path / "tiny"))
    nlp = pipeline.get_pipeline()
    assert pipeline.pipeline_name(nlp).startswith("en_tiny_test")
    assert nlp.pipe_names[0] == "realist_sentences" and "realist_cues" in nlp.pipe_names
    profiles = [CodeProfile("h", "Hope", "outcome", "A sense that the future can be better.")]
    [suggestion] = Suggester(nlp, profiles).suggest(FINDINGS + "It led to hope for the future.")
    assert "matches code 'Hope'" in suggestion.reasons


ZEBRA = [
    "The zebra meetings were described by many people as important to them.",
    "Staff arranged the rota for the ward each morning before handover.",
    "Several people mentioned the weather on the day of their interview.",
]


def _zebra_docs(n: int) -> list[TrainingDoc]:
    docs = []
    for i in range(n):
        text = FINDINGS + "\n\n".join(f"{line} Case {i}." for line in ZEBRA)
        start = text.index("The zebra")
        docs.append(TrainingDoc(f"s{i}", text, ((start, text.index(".", start) + 1, ("z",)),)))
    return docs


def test_training_learns_what_the_team_codes_beyond_the_rules():
    nlp = pipeline.get_pipeline()
    codes = [CodeProfile("z", "Stripes", "mechanism"), CodeProfile("w", "Weather", "context")]
    cold = Suggester(nlp, codes)
    text = FINDINGS + "People mentioned the weather again.\n\nThe zebra sessions came up once more."
    before = cold.suggest(text)[0]
    result = train(cold, _zebra_docs(6), {"z": "mechanism", "w": "context"}, Settings(epochs=80))
    after = cold.with_model(result.model).suggest(text)
    assert not before.text.startswith("The zebra")
    assert after[0].text.startswith("The zebra")
    assert after[0].codes[0].code == "Stripes"
    assert any(r.startswith("similar to") and "accepted excerpt" in r for r in after[0].reasons)
    assert result.metrics["held_out"]["studies"] == 1


def test_a_trained_model_survives_a_round_trip_through_bytes():
    nlp = pipeline.get_pipeline()
    cold = Suggester(nlp, [CodeProfile("z", "Zebra effect", "mechanism")])
    model = train(cold, _zebra_docs(3), {"z": "mechanism"}, Settings(epochs=20)).model
    copy = LearnedModel.from_bytes(model.to_bytes())
    assert np.array_equal(copy.vocab, model.vocab) and np.allclose(copy.bag_weights, model.bag_weights)
    assert copy.code_keys == ["z"] and copy.settings == model.settings
    text = _zebra_docs(1)[0].text
    assert cold.with_model(copy).suggest(text) == cold.with_model(model).suggest(text)


def test_training_without_any_coded_excerpt_is_refused():
    cold = Suggester(pipeline.get_pipeline(), [CodeSpecProfile.hope()])
    with pytest.raises(NothingToLearn):
        train(cold, [TrainingDoc("a", "Findings\n\nNothing coded here.", ())], {})


@pytest.mark.parametrize(
    ("groups", "held"),
    [(["a"], set()), (["a", "b"], {"b"}), ([str(i) for i in range(10, 23)], {"14", "19"})],
)
def test_every_fifth_study_is_held_out_to_measure_the_model(groups, held):
    assert held_out_groups(groups) == held


class CodeSpecProfile:
    """Profiles built from codebook specs, as the CLI does."""

    @staticmethod
    def hope() -> CodeProfile:
        spec = CodeSpec("Outcomes", CodeKind.OUTCOME, children=(CodeSpec("Hope", CodeKind.OUTCOME),))
        [profile] = profiles_from_specs([spec])
        return profile


def test_only_codes_without_sub_codes_are_suggested_with_their_parent_as_background():
    profile = CodeSpecProfile.hope()
    assert (profile.name, profile.kind, profile.key) == ("Hope", "outcome", "Hope")
    assert profile.parent_text.startswith("Outcomes")
