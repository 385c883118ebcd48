"""RIS references are read record by record; a broken line is reported with its number."""

from workbench.domain.studies import normalise_doi, normalise_title, short_citation
from workbench.importers.references import parse_ris

GOOD = """TY  - JOUR
AU  - Okafor, Ada
AU  - Lind, Maja
TI  - Being met: peer support on acute wards
T2  - Journal of Fictional Recovery
PY  - 2023
SP  - 10
EP  - 22
DO  - https://doi.org/10.5555/JFR.2023.001
ER  -
"""


def test_a_zotero_style_record_is_read():
    result = parse_ris(GOOD)
    assert result.problems == []
    (ref,) = result.references
    assert ref.authors == ["Okafor, Ada", "Lind, Maja"]
    assert (ref.year, ref.pages, ref.doi) == (2023, "10-22", "10.5555/jfr.2023.001")


def test_a_broken_line_is_reported_with_its_line_number_and_the_rest_is_kept():
    broken = GOOD.replace("PY  - 2023", "PY 2023 (typed by hand)")
    result = parse_ris(broken + GOOD)
    assert len(result.references) == 2
    assert result.problems == ["references.ris line 6: not a RIS tag line: 'PY 2023 (typed by hand)'"]


def test_a_record_without_its_end_tag_is_reported():
    result = parse_ris(GOOD.replace("ER  -\n", ""))
    assert result.problems == ["references.ris line 1: record has no 'ER  -' end"]


def test_citations_titles_and_dois_are_normalised():
    assert short_citation(["Okafor, Ada"], 2023) == "Okafor, 2023"
    assert short_citation(["Okafor, Ada", "Lind, Maja"], 2023) == "Okafor & Lind, 2023"
    assert short_citation(["Okafor, A", "Lind, M", "Ruiz, P"], None) == "Okafor et al., n.d."
    assert normalise_title("Être  vu: Peer-Support!") == "etre vu peer support"
    assert normalise_doi("doi:10.5555/ABC.1.") == "10.5555/abc.1"
