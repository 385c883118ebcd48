"""Inputs that could exhaust the server are refused early; text is made storable by one domain rule."""

import itertools
from pathlib import Path

import pytest

from workbench.domain.codebook import CodebookError
from workbench.domain.matching import is_duplicate, match_reference
from workbench.domain.studies import Reference
from workbench.domain.study_index import IndexedStudy, StudyIndex
from workbench.domain.text_rules import clean_reference, clean_text, clean_text_with_offsets, study_key
from workbench.importers.codebook import read_codebook
from workbench.importers.references import parse_ris
from workbench.importers.safe_yaml import YamlRefused, load_yaml
from workbench.importers.sample_corpus import read_yaml
from workbench.importers.text import extract_file
from workbench.nlp.pipeline import chunk_bounds, get_pipeline, pipe_texts

ROOT = Path(__file__).resolve().parents[2]
ALIAS_BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


def test_a_yaml_alias_bomb_is_refused_before_anything_is_built():
    with pytest.raises(YamlRefused, match="anchors and aliases"):
        load_yaml(ALIAS_BOMB)
    with pytest.raises(CodebookError, match="the codebook was refused: YAML anchors and aliases"):
        read_codebook(ALIAS_BOMB.encode())


def test_the_demo_loader_and_suggest_read_yaml_through_the_same_guard(tmp_path):
    bomb = tmp_path / "codebook.yaml"
    bomb.write_text(ALIAS_BOMB)
    with pytest.raises(YamlRefused):
        read_yaml(bomb)
    assert read_yaml(ROOT / "sample_corpus" / "codebook.yaml")["codes"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("[" * 60 + "]" * 60, "nested more than 50 levels"), ("- x\n" * 200_001, "more than 200000 values"),
     ("#" * (5 * 1024 * 1024 + 1), "the limit is 5242880")],
)  # fmt: skip
def test_deep_huge_or_oversized_yaml_is_refused(text, reason):
    with pytest.raises(YamlRefused, match=reason):
        load_yaml(text)


def test_nul_and_c0_controls_go_but_tabs_and_line_breaks_stay():
    assert clean_text("a\x00b\x01c\td\ne\rf\x1f") == "ab" + "c\td\ne\rf"


def test_offsets_into_a_cleaned_text_still_point_at_the_same_characters():
    text = "P1\x00\x00 one\x0cP2 two\x00P3"
    cleaned, starts = clean_text_with_offsets(text, [0, text.index("P2"), text.index("P3")])
    assert [cleaned[s : s + 2] for s in starts] == ["P1", "P2", "P3"]


def test_reference_fields_are_cut_to_their_columns_with_a_note_and_an_overlong_doi_dropped():
    ref = Reference(title="T\x00itle", journal="J" * 301, volume="9" * 51, doi="10.1234/" + "x" * 300)
    clean, notes = clean_reference(ref)
    assert clean.title == "Title" and len(clean.journal) == 300 and len(clean.volume) == 50
    assert clean.doi is None
    assert notes == [
        "journal shortened from 301 to 300 characters",
        "volume shortened from 51 to 50 characters",
        "DOI of 308 characters dropped (the limit is 200)",
    ]


def test_a_study_key_leaves_room_for_its_uniqueness_suffix():
    assert len(study_key("k" * 500)) == 190 and study_key("\x00") == "study"


def test_the_batch_index_answers_as_the_matching_rules_do_over_every_reference():
    refs = parse_ris((ROOT / "sample_corpus" / "references.ris").read_text(encoding="utf-8")).references
    texts = sorted((ROOT / "sample_corpus" / "studies").iterdir())
    index = StudyIndex(refs[:6])
    for i, ref in enumerate(refs[6:], start=1):
        index.add_study(IndexedStudy(i, f"s{i}", ref))
    everything = index.references
    for path in texts:
        head = extract_file(path).text[:3000]
        expected = match_reference(head, everything)
        found = index.match(head)
        assert (found and (everything[found[0]], found[1])) == (expected and (expected[0], expected[1])), path
    for ref in [*refs, Reference(title=refs[7].title.upper() + ".", year=refs[7].year), Reference(title="x")]:
        expected_study = next((s for s in index.studies.values() if is_duplicate(ref, s.reference)), None)
        assert index.duplicate_of(ref) is expected_study


def test_long_texts_go_through_the_pipeline_in_pieces_with_exact_offsets():
    paragraph = "Peer workers said “it felt like being believed” and staff noticed. " * 20
    text = "\n\n".join(f"Section {i}. {paragraph}" for i in range(40))
    bounds = chunk_bounds(text, 5000)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text) and len(bounds) > 5
    assert all(a[1] == b[0] and a[1] - a[0] <= 5000 for a, b in itertools.pairwise(bounds))
    nlp = get_pipeline()
    (whole,) = nlp.pipe([text])
    (joined,) = pipe_texts(nlp, [text], size=5000)
    assert joined.text == text and len(joined) == len(whole)
    assert [q.start for q in joined._.realist_quotations] == [q.start for q in whole._.realist_quotations]
    assert (joined._.realist_cues == whole._.realist_cues).all()


def test_a_text_longer_than_spacys_max_length_is_processed(monkeypatch):
    nlp = get_pipeline()
    monkeypatch.setattr(nlp, "max_length", 10_000)
    text = "A sentence about trust.\n" * 2000  # 48,000 characters
    (doc,) = pipe_texts(nlp, [text])
    assert doc.text == text
