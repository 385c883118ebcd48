"""The sample corpus is a fixture the whole project relies on: check it holds together."""

import csv
from collections import Counter

import pytest

from workbench.domain.codebook import CodeKind
from workbench.domain.spans import locate_quote
from workbench.importers.references import parse_ris
from workbench.importers.sample_corpus import SAMPLE_CORPUS, code_kinds, read_sample_corpus, read_yaml
from workbench.importers.text import extract_file

STUDIES = sorted(
    p for p in (SAMPLE_CORPUS / "studies").iterdir() if p.suffix in {".txt", ".md", ".docx", ".pdf"}
)
SOURCES = SAMPLE_CORPUS / "sources"


def source_text(stem: str) -> str:
    """The text a gold quote is copied from: the study file, or the Markdown source of DOCX/PDF."""
    source = SOURCES / f"{stem}.md"
    if source.exists():
        return source.read_text(encoding="utf-8")
    (path,) = [p for p in STUDIES if p.stem == stem]
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus():
    return read_sample_corpus()


def test_the_corpus_has_twelve_or_more_studies_in_mixed_formats():
    formats = Counter(p.suffix for p in STUDIES)
    assert len(STUDIES) >= 12
    assert formats[".docx"] >= 2 and formats[".pdf"] >= 2
    assert formats[".txt"] + formats[".md"] > len(STUDIES) / 2


@pytest.mark.parametrize("path", STUDIES, ids=lambda p: p.stem)
def test_each_study_is_800_to_2500_words_with_the_usual_sections(path):
    text = extract_file(path).text
    assert 800 <= len(text.split()) <= 2500
    for section in ("Abstract", "Methods", "Findings", "Discussion"):
        assert section in text, f"{path.name} has no {section} section"
    assert text.count('"') + text.count("“") >= 6, f"{path.name} has few participant quotes"


def test_every_gold_quote_is_found_verbatim_once_in_its_study():
    gold = read_yaml(SAMPLE_CORPUS / "gold_coding.yaml")
    stems = {p.stem for p in STUDIES}
    for item in gold["excerpts"]:
        assert item["study"] in stems, item["id"]
        text = source_text(item["study"])
        assert text.count(item["quote"]) == 1, f"{item['id']}: quote not found exactly once"


def test_every_gold_quote_is_located_once_in_the_extracted_text(corpus):
    texts = {s.key: s.extracted.text for s in corpus.studies}
    for excerpt in corpus.gold.excerpts:
        assert len(locate_quote(texts[excerpt.study], excerpt.quote)) == 1, excerpt.id


def test_the_gold_coding_has_150_excerpts_and_25_configurations(corpus):
    assert len(corpus.gold.excerpts) >= 150
    assert len(corpus.gold.configurations) >= 25


def test_mechanism_study_counts_vary_from_rare_to_common(corpus):
    kinds = code_kinds(corpus.codebook)
    studies_per_mechanism = {
        name: len({e.study for e in corpus.gold.excerpts if name in e.codes})
        for name, kind in kinds.items()
        if kind is CodeKind.MECHANISM and name != "Mechanisms"
    }
    counts = sorted(studies_per_mechanism.values())
    assert counts[0] <= 2, studies_per_mechanism
    assert counts[-1] >= len(corpus.studies) // 2, studies_per_mechanism


def test_references_and_characteristics_cover_every_study(corpus):
    assert {s.key for s in corpus.studies} == {p.stem for p in STUDIES}
    for study in corpus.studies:
        assert study.reference.doi and study.reference.title, study.key
        assert study.characteristics["country"], study.key
    with (SAMPLE_CORPUS / "characteristics.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["study"] for r in rows} == {p.stem for p in STUDIES}
    bib = (SAMPLE_CORPUS / "references.bib").read_text(encoding="utf-8")
    assert bib.count("@article{") == len(STUDIES)
    ris = parse_ris((SAMPLE_CORPUS / "references.ris").read_text(encoding="utf-8"))
    assert ris.problems == [] and len(ris.references) == len(STUDIES)


def test_the_corpus_is_marked_fictional():
    readme = (SAMPLE_CORPUS / "README.md").read_text(encoding="utf-8").lower()
    assert "fictional" in readme


@pytest.mark.parametrize("stem", sorted(p.stem for p in SOURCES.glob("*.md")))
def test_generated_documents_match_their_sources(stem, tmp_path, monkeypatch):
    """Regenerating a DOCX or PDF from its source yields the same extracted text as the committed file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_documents", SAMPLE_CORPUS / "build_documents.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kind = module.TARGETS[stem]
    rebuilt = tmp_path / f"{stem}.{kind}"
    (module.build_docx if kind == "docx" else module.build_pdf)(SOURCES / f"{stem}.md", rebuilt)
    committed = SAMPLE_CORPUS / "studies" / f"{stem}.{kind}"
    assert extract_file(rebuilt).text == extract_file(committed).text
