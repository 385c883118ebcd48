"""A long text tokenised in pieces, or half in a forked child, and suggestions built in parts: the
same tokens and the same suggestions as doing it all at once."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from spacy.attrs import IDX, LEMMA, ORTH, SENT_START

from workbench.domain.codebook import parse_codebook
from workbench.importers.sample_corpus import SAMPLE_CORPUS, read_yaml
from workbench.nlp import features, forked, pipeline, scoring, units
from workbench.nlp.codebook import profiles_from_specs
from workbench.nlp.suggester import Suggester

# runs of white space of every kind where pieces could be cut: three line breaks, spaces after a
# blank line, spaces before one, a tab between words
AWKWARD = (
    "Peer workers said “it felt like being believed” and so staff noticed a change.\n\n\n"
    "  Because of the groups, members felt safe   \n\nThey returned\tweekly. "
)


@pytest.fixture(scope="module")
def nlp():
    return pipeline.blank_pipeline()


def test_a_text_tokenised_in_small_pieces_has_the_tokens_of_the_whole_text(nlp):
    text = AWKWARD * 40
    whole = nlp.make_doc(text).to_array(ORTH)
    for size in (60, 97, 150, 1000):
        bounds = pipeline.chunk_bounds(text, size)
        words, _spaces = forked.token_arrays(nlp, text, bounds)
        assert words.tolist() == whole.tolist(), size
        assert all(text[end - 1].isspace() and not text[end].isspace() for _start, end in bounds[:-1])


def test_pieces_tokenised_in_a_child_process_give_the_same_tokens_with_words_new_to_the_parent():
    nlp = pipeline.blank_pipeline()
    unseen = " ".join(f"zorbified{i}quux" for i in range(300))  # words new to the parent's vocabulary
    text = AWKWARD * 30 + unseen
    bounds = pipeline.chunk_bounds(text, 500)
    words, spaces = forked.parallel_token_arrays(nlp, text, bounds, block=1)  # the child: every other piece
    whole = pipeline.blank_pipeline().make_doc(text)
    assert [nlp.vocab.strings[int(word)] for word in words] == [token.text for token in whole]
    assert spaces.tolist() == [bool(token.whitespace_) for token in whole]


def test_pipe_texts_in_two_processes_gives_the_doc_of_the_whole_text(nlp, monkeypatch):
    monkeypatch.setattr(pipeline, "FORK_CHARS", 1000)
    text = AWKWARD * 60
    (whole,) = nlp.pipe([text])
    (doc,) = pipeline.pipe_texts(nlp, [text], size=400, processes=2)
    attrs = [IDX, LEMMA, SENT_START]
    assert doc.text == text and (doc.to_array(attrs) == whole.to_array(attrs)).all()
    assert (doc._.realist_cues == whole._.realist_cues).all()


def test_work_done_in_halves_gives_the_bytes_of_the_whole_in_order():
    def work(rows: range) -> bytes:
        return "".join(f"{row}\n" for row in rows).encode()

    assert forked.in_halves(11, work, parallel=True) == work(range(11))
    assert forked.in_halves(1, work, parallel=True) == b"0\n"
    assert forked.in_halves(0, work, parallel=True) == b""


def test_a_failing_child_gives_none_so_the_parent_does_the_work_itself():
    def fails() -> list[bytes]:
        raise RuntimeError("the child's work failed")

    assert forked.in_child(fails, 1)() is None
    assert forked.in_child(lambda: [b"done", b""], 2)() == [b"done", b""]


def test_suggestions_built_in_parts_are_those_built_at_once():
    specs = parse_codebook(read_yaml(SAMPLE_CORPUS / "codebook.yaml"))
    suggester = Suggester(pipeline.get_pipeline(), profiles_from_specs(specs))
    text = (SAMPLE_CORPUS / "studies" / "s01_acute_ward.txt").read_text(encoding="utf-8")
    features = next(suggester.analyse([text]))
    ranked = suggester.ranked(features)
    half = len(ranked) // 2
    assert len(ranked) > 10
    assert ranked.build(range(half)) + ranked.build(range(half, len(ranked))) == suggester.from_features(
        features
    )
    assert suggester.ranked(features, top=3).build(range(3)) == suggester.from_features(features, 3)
    assert np.array_equal(ranked.chosen[:3], suggester.ranked(features, top=3).chosen)


def test_the_codes_chosen_for_a_span_carry_their_own_scores_best_first():
    fits = np.array([[0.9, 0.1, 0.5, 0.02], [0.3, 0.8, 0.04, 0.6]])
    kinds = np.array(["context", "mechanism", "outcome", "outcome"])
    assert scoring.scored_codes(fits, kinds, 3, 0.05) == [
        [(0, 0.9), (2, 0.5), (1, 0.1)],
        [(1, 0.8), (3, 0.6), (0, 0.3)],
    ]
    assert scoring.choose_codes(fits, kinds, 3, 0.05) == [[0, 2, 1], [1, 3, 0]]


def test_units_cut_in_a_child_process_are_those_cut_in_the_parent(nlp):
    text = (SAMPLE_CORPUS / "studies" / "s01_acute_ward.txt").read_text(encoding="utf-8") + AWKWARD * 20
    doc = nlp(text)
    units = features.doc_units(doc)
    assert len(units) > 50 and any(u.quote >= 0 for u in units) and any(u.heading for u in units)
    assert forked.start_units(*features.unit_inputs(doc))() == units
    assert forked.start_units(*features.unit_inputs(doc), parts=3)() == units
    assert forked.units_from_bytes(forked.units_to_bytes(units)) == units
    assert forked.units_from_bytes(forked.units_to_bytes([])) == []


def test_a_long_text_analysed_with_units_from_a_child_gives_the_features_of_one_process(monkeypatch):
    monkeypatch.setattr(pipeline, "FORK_CHARS", 1000)
    specs = parse_codebook(read_yaml(SAMPLE_CORPUS / "codebook.yaml"))
    text = (SAMPLE_CORPUS / "studies" / "s02_psychosis_community.md").read_text(encoding="utf-8")
    one = Suggester(pipeline.get_pipeline(), profiles_from_specs(specs))
    two = Suggester(pipeline.get_pipeline(), [], index=one.index, processes=2)
    (doc,) = pipeline.pipe_texts(two.nlp, [text], processes=2)
    assert doc.user_data.pop(features.UNITS_KEY)() == features.doc_units(doc)  # cut in a child meanwhile
    mine, theirs = next(one.analyse([text])), next(two.analyse([text]))
    assert theirs.units == mine.units and np.array_equal(theirs.naming, mine.naming)
    assert one.from_features(mine) == two.from_features(theirs)


def test_units_cut_in_runs_of_paragraphs_and_joined_are_those_cut_at_once(nlp):
    """Runs of about equal length, cut only where a paragraph starts; joined, a run's units before its
    first section heading take the section the runs before it ended in."""
    studies = [p for p in sorted((SAMPLE_CORPUS / "studies").iterdir()) if p.suffix in (".txt", ".md")]
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in studies[:3]) + AWKWARD * 10
    inputs = features.unit_inputs(nlp(text))
    whole = units.split_units(*inputs)
    assert len({u.section for u in whole}) >= 4
    for parts in (2, 3, 5, 12):
        cuts = units.paragraph_cuts(inputs[0], inputs[1], parts)
        runs = [inputs[1][a:b] for a, b in itertools.pairwise([0, *cuts, len(inputs[1])])]
        lengths = [run[-1][1] - run[0][0] for run in runs]  # about equal: each child gets a fair share
        assert len(runs) == parts and all(0.5 < n * parts / len(text) < 1.5 for n in lengths)
        assert all("\n\n" in text[inputs[1][cut - 1][0] : inputs[1][cut][0]] for cut in cuts)
        cut = [units.split_units_part(inputs[0], run, inputs[2]) for run in runs]
        assert units.join_parts(cut) == whole
    assert any(part.carried and part.units[0].section is units.Section.FRONT for part in cut)


def test_units_are_cut_in_the_parent_when_their_child_fails(nlp):
    doc = nlp(AWKWARD * 5)
    doc.user_data[features.UNITS_KEY] = lambda: None
    specs = parse_codebook(read_yaml(SAMPLE_CORPUS / "codebook.yaml"))
    index = Suggester(nlp, profiles_from_specs(specs)).index
    assert features.analyse(doc, index).units == features.doc_units(nlp(AWKWARD * 5))


def test_the_cue_texts_of_units_are_the_first_of_each_category_as_written():
    specs = parse_codebook(read_yaml(SAMPLE_CORPUS / "codebook.yaml"))
    suggester = Suggester(pipeline.get_pipeline(), profiles_from_specs(specs))
    text = (SAMPLE_CORPUS / "studies" / "s01_acute_ward.txt").read_text(encoding="utf-8")
    found = next(suggester.analyse([text]))
    first: dict[int, dict[int, str]] = {}  # a plain scan of the cues in order of their start
    for category, unit, start, end in sorted(found.cues.tolist(), key=lambda row: row[2]):
        first.setdefault(unit, {}).setdefault(category, " ".join(text[start:end].split()).lower())
    assert len(first) > 20
    for unit in range(found.size):
        assert found.cue_texts([unit]) == first.get(unit, {})
    for unit in range(found.size - 2):
        expected: dict[int, str] = {}
        for u in (unit, unit + 1, unit + 2):
            for category, cue in first.get(u, {}).items():
                expected.setdefault(category, cue)
        assert found.cue_texts([unit, unit + 1, unit + 2]) == expected
