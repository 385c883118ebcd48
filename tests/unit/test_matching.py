"""Duplicate references are found by DOI or near-identical title and year; full texts find their reference."""

import pytest

from workbench.domain.matching import (
    DuplicateMatch,
    find_duplicates,
    is_duplicate,
    match_reference,
    title_similarity,
)
from workbench.domain.studies import Reference
from workbench.importers.references import parse_ris
from workbench.importers.sample_corpus import SAMPLE_CORPUS
from workbench.importers.text import extract_file


@pytest.fixture(scope="module")
def corpus_references() -> list[Reference]:
    return parse_ris((SAMPLE_CORPUS / "references.ris").read_text(encoding="utf-8")).references


@pytest.fixture(scope="module")
def study_texts() -> dict[str, str]:
    studies = (SAMPLE_CORPUS / "studies").iterdir()
    return {p.stem: extract_file(p).text for p in studies if p.suffix in {".txt", ".md", ".docx", ".pdf"}}


TITLE = "Being met: peer support workers on acute psychiatric wards"


def ref(title: str = TITLE, year: int | None = 2023, doi: str | None = None) -> Reference:
    return Reference(title=title, year=year, doi=doi)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        (TITLE, TITLE, 1.0, 1.0),
        (TITLE, "BEING MET — Peer-support workers on acute psychiatric wards.", 1.0, 1.0),
        (TITLE, "Being met: peer support workers on acute psychiatric ward", 0.93, 0.999),
        (TITLE, "Walking alongside: young people and peer workers", 0.0, 0.6),
        (TITLE, "", 0.0, 0.0),
    ],
)
def test_title_similarity_ignores_case_accents_and_punctuation(a, b, low, high):
    assert low <= title_similarity(a, b) <= high


@pytest.mark.parametrize(
    ("a", "b", "duplicate"),
    [
        (ref(doi="10.5555/X"), ref("Something else entirely", 2020, "https://doi.org/10.5555/x"), True),
        (ref(), ref(TITLE.upper() + "."), True),
        (ref(), ref(TITLE.replace("wards", "ward")), True),
        (ref(), ref(year=None), True),
        (ref(), ref(year=2024), False),
        (ref(doi="10.5555/one"), ref(doi="10.5555/two"), False),
        (ref(), ref("Correction to: " + TITLE), False),
        (ref(""), ref(""), False),
        (ref("Peer support", 2020), ref("Peer supporters", 2020), False),
    ],
)
def test_duplicates_share_a_doi_or_a_near_identical_title_and_year(a, b, duplicate):
    assert is_duplicate(a, b) is duplicate
    assert is_duplicate(b, a) is duplicate


def test_find_duplicates_says_which_reference_is_duplicated_and_why():
    existing = [ref("Older study", 2019, "10.5555/old"), ref(TITLE, 2023)]
    new = [
        ref("Older study, as indexed elsewhere", 2019, "https://doi.org/10.5555/OLD"),
        ref(TITLE + ".", 2023),
        ref("A brand new study of peer navigation", 2024),
        ref("A brand-new study of peer navigation", None),
        ref(TITLE, 2021),
    ]
    assert find_duplicates(new, existing) == [
        DuplicateMatch(0, 0, None, "same DOI 10.5555/old"),
        DuplicateMatch(1, 1, None, "near-identical title and year"),
        DuplicateMatch(3, None, 2, "near-identical title (a year is missing)"),
    ]


def test_the_same_title_in_different_years_is_not_a_duplicate():
    new = [ref(year=2021), ref(year=2022), ref(year=2023)]
    assert find_duplicates(new, [ref(year=2020)]) == []


def test_find_duplicates_agrees_with_is_duplicate_on_the_sample_corpus(corpus_references):
    references = corpus_references
    assert find_duplicates(references, []) == []
    without_dois = [Reference(title=r.title, year=r.year) for r in references]
    matches = find_duplicates(without_dois, references)
    assert [(m.new_index, m.existing_index) for m in matches] == [(i, i) for i in range(len(references))]
    assert all(is_duplicate(a, b) for a, b in zip(without_dois, references, strict=True))


def test_each_sample_study_matches_its_own_reference_by_doi_and_by_title_alone(
    study_texts, corpus_references
):
    matched = {}
    for stem, text in study_texts.items():
        by_doi = match_reference(text, corpus_references)
        assert by_doi is not None and by_doi[1] == "DOI", stem
        no_doi = text.replace(by_doi[0].doi or "", "").replace(str(by_doi[0].doi).upper(), "")
        assert match_reference(no_doi, corpus_references) == (by_doi[0], "title"), stem
        matched[stem] = by_doi[0].doi
    assert len(matched) == 13 and len(set(matched.values())) == 13


@pytest.mark.parametrize(
    "head",
    [
        "BEING MET: PEER SUPPORT WORKERS\nON ACUTE PSYCHIATRIC WARDS\n\nAda Okafor",
        "J Fict Recov 12(3)\n\nBeing met — peer sup-\nport workers on acute psychiatric wards",
        "Being met: peer support workers on acute psychiatric wards and beyond",
    ],
)
def test_a_title_is_found_across_line_breaks_hyphenation_and_punctuation(head):
    references = [ref("Walking alongside: young people and peer workers"), ref()]
    assert match_reference(head, references) == (references[1], "title")


def test_a_doi_deep_in_the_text_or_a_title_past_the_opening_is_not_used():
    references = [ref(doi="10.5555/far")]
    late_doi = "x" * 3000 + " doi:10.5555/far"
    late_title = "An unrelated opening. " * 30 + TITLE
    assert match_reference(late_doi, references) is None
    assert match_reference(late_title, references) is None


def test_the_first_doi_that_names_a_reference_wins_over_cited_dois():
    references = [ref("First", doi="10.5555/a"), ref("Second", doi="10.5555/b")]
    head = "Follows https://doi.org/10.5555/unknown.\nThis paper: https://doi.org/10.5555/B."
    assert match_reference(head, references) == (references[1], "DOI")


def test_the_most_specific_title_wins_and_short_titles_never_match():
    short, general, specific = ref("Editorial"), ref("Peer support workers"), ref(TITLE)
    head = "Editorial note\n\n" + TITLE
    assert match_reference(head, [short, general, specific]) == (specific, "title")
    assert match_reference("Editorial\n\nText", [short]) is None
