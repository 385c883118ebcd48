"""The second held-out evaluation set loads with the project's loader and its gold coding holds together."""

from collections import Counter
from pathlib import Path

import pytest

from workbench.domain.codebook import CodeKind, CodeSpec, iter_codes
from workbench.domain.spans import locate_quote
from workbench.importers.sample_corpus import SAMPLE_CORPUS, SampleCorpus, code_kinds, read_sample_corpus

HELDOUT = Path(__file__).resolve().parents[2] / "benchmarks" / "heldout_corpus"
STUDIES = sorted(p for p in (HELDOUT / "studies").iterdir() if p.is_file())


@pytest.fixture(scope="module")
def corpus() -> SampleCorpus:
    return read_sample_corpus(HELDOUT)


def test_the_held_out_set_loads_eight_text_studies_each_with_its_reference(corpus: SampleCorpus) -> None:
    assert len(STUDIES) == 8
    assert {p.suffix for p in STUDIES} <= {".txt", ".md"}
    assert [s.key for s in corpus.studies] == [p.stem for p in STUDIES]
    for study in corpus.studies:
        assert (study.reference.doi or "").startswith("10.5555/"), study.key
        assert study.characteristics["country"], study.key


def test_each_study_is_1200_to_2000_words_with_methods_and_discussion(corpus: SampleCorpus) -> None:
    for study in corpus.studies:
        text = study.extracted.text
        assert 1200 <= len(text.split()) <= 2000, study.key
        assert "Methods" in text and "Discussion" in text, study.key


def test_every_gold_quote_occurs_exactly_once_in_its_study(corpus: SampleCorpus) -> None:
    raw = {p.stem: p.read_text(encoding="utf-8") for p in STUDIES}
    extracted = {s.key: s.extracted.text for s in corpus.studies}
    for excerpt in corpus.gold.excerpts:
        assert excerpt.study in raw, excerpt.id
        assert raw[excerpt.study].count(excerpt.quote) == 1, excerpt.id
        assert len(locate_quote(extracted[excerpt.study], excerpt.quote)) == 1, excerpt.id


def test_every_code_named_in_the_gold_exists_with_the_right_kind(corpus: SampleCorpus) -> None:
    kinds = code_kinds(corpus.codebook)
    for excerpt in corpus.gold.excerpts:
        assert excerpt.codes and all(code in kinds for code in excerpt.codes), excerpt.id
    for config in corpus.gold.configurations:
        assert kinds[config.context] is CodeKind.CONTEXT, config.id
        assert all(kinds[m] is CodeKind.MECHANISM for m in config.mechanisms), config.id
        assert all(kinds[o] is CodeKind.OUTCOME for o in config.outcomes), config.id


def test_each_study_has_15_to_25_gold_excerpts_and_there_are_8_to_12_configurations(
    corpus: SampleCorpus,
) -> None:
    per_study = Counter(e.study for e in corpus.gold.excerpts)
    assert set(per_study) == {p.stem for p in STUDIES}
    assert all(15 <= n <= 25 for n in per_study.values()), per_study
    assert 8 <= len(corpus.gold.configurations) <= 12


def test_the_codebook_nests_sub_codes_of_the_same_kind_each_described(corpus: SampleCorpus) -> None:
    def check(code: CodeSpec) -> None:
        assert code.description, code.name
        for child in code.children:
            assert child.kind is code.kind, child.name
            check(child)

    for top in corpus.codebook:
        check(top)
    depth = {
        kind: max(len(parents) for parents, c in iter_codes(corpus.codebook) if c.kind is kind)
        for kind in (CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME)
    }
    assert all(d >= 2 for d in depth.values()), depth


def test_the_held_out_set_shares_no_study_or_code_with_the_sample_corpus(corpus: SampleCorpus) -> None:
    sample = read_sample_corpus(SAMPLE_CORPUS)
    assert not {s.reference.doi for s in corpus.studies} & {s.reference.doi for s in sample.studies}
    shared_codes = set(code_kinds(corpus.codebook)) & set(code_kinds(sample.codebook))
    assert shared_codes <= {"Contexts", "Mechanisms", "Outcomes", "Other"}


def test_the_readme_says_fictional_and_never_tuned_on() -> None:
    readme = (HELDOUT / "README.md").read_text(encoding="utf-8").lower()
    assert "fictional" in readme and "never tune" in readme
