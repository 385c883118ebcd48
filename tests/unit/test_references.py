"""RIS and CSV references are read record by record; a broken line is reported with its number."""

import pytest
import rispy

from workbench.domain.studies import normalise_doi, normalise_title, short_citation
from workbench.importers.errors import ImportProblem
from workbench.importers.references import (
    parse_reference_csv,
    parse_references,
    parse_ris,
)

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


ENDNOTE = (
    "\ufeffTY  - JOUR\r\n"
    "A1  - Okafor, Ada\r\n"
    "A1  - Lind, Maja\r\n"
    "T1  - Being met: peer support on acute wards\r\n"
    "JO  - J Fict Recov\r\n"
    "JF  - Journal of Fictional Recovery\r\n"
    "Y1  - 2023///\r\n"
    "SP  - 10-22\r\n"
    "EP  - 22\r\n"
    "N2  - Peer workers were there\r\n"
    "through the night.\r\n"
    "KW  - peer support\r\n"
    "KW  - hope\r\n"
    "UR  - https://doi.org/10.5555/JFR.2023.001\r\n"
    "ER  -\r\n"
    "\r\n"
    "TY  - JOUR\r\n"
    "AU  - Ruiz, Pilar\r\n"
    "TI  - Second study\r\n"
    "J2  - Fict Recov\r\n"
    "PY  - 2021/05/01/\r\n"
    "ER  - \r\n"
)


def test_an_endnote_style_file_with_bom_crlf_and_tag_variants_is_read(tmp_path):
    path = tmp_path / "endnote.ris"
    path.write_bytes(ENDNOTE.encode("utf-8"))
    result = parse_references(path.name, path.read_bytes())
    assert result.problems == []
    first, second = result.references
    assert (first.title, first.authors, first.year) == (
        "Being met: peer support on acute wards",
        ["Okafor, Ada", "Lind, Maja"],
        2023,
    )
    assert (first.journal, first.pages, first.doi) == (
        "Journal of Fictional Recovery",
        "10-22",
        "10.5555/jfr.2023.001",
    )
    assert first.abstract == "Peer workers were there through the night."
    assert first.keywords == ["peer support", "hope"]
    assert (second.journal, second.year, second.source_line) == ("Fict Recov", 2021, 17)


@pytest.mark.parametrize(
    ("lines", "field", "value"),
    [
        (["PY  - 2020", "Y1  - 2019///"], "year", 2020),
        (["Y1  - 2019///", "PY  - 2020"], "year", 2020),
        (["DA  - 2018/03/01"], "year", 2018),
        (["T2  - Journal", "JO  - J"], "journal", "Journal"),
        (["AB  - Abstract", "N2  - Other"], "abstract", "Abstract"),
        (["KW  - a; b", "KW  - c"], "keywords", ["a", "b", "c"]),
        (["DO  - 10.5555/ONE", "UR  - https://doi.org/10.5555/two"], "doi", "10.5555/one"),
        (["UR  - https://example.org/paper"], "doi", None),
        (["SP  - 134--149"], "pages", "134-149"),
        (["A2  - Editor, Ed", "AU  - Author, An"], "authors", ["Author, An"]),
    ],
)
def test_ris_tag_variants_fill_the_right_field(lines, field, value):
    text = "TY  - JOUR\n" + "\n".join(lines) + "\nER  - \n"
    result = parse_ris(text)
    assert result.problems == []
    assert getattr(result.references[0], field) == value


def test_a_ris_file_with_broken_lines_reports_each_and_keeps_every_record():
    text = "\n".join(
        [
            "TY  - JOUR",  # 1
            "TI  - One",  # 2
            "PY  - in press",  # 3
            "DO  - not a doi",  # 4
            "ER  -",  # 5
            "VL  - 3",  # 6
            "TY  - JOUR",  # 7
            "TI  - Two",  # 8
            "TY  - JOUR",  # 9
            "TI: Three",  # 10
            "ER  -",  # 11
        ]
    )
    result = parse_ris(text, "broken.ris")
    assert [r.title for r in result.references] == ["One", "Two", ""]
    assert result.problems == [
        "broken.ris line 3: PY 'in press' holds no year",
        "broken.ris line 4: DO 'not a doi' is not a DOI",
        "broken.ris line 6: VL before any 'TY  -' record start",
        "broken.ris line 7: record has no 'ER  -' end",
        "broken.ris line 10: not a RIS tag line: 'TI: Three'",
    ]


def test_a_final_record_without_er_is_kept_and_named_where_rispy_would_drop_it():
    """Why the RIS reader is hand-written (see the comment in importers/references.py)."""
    text = "TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\n"
    assert [r["title"] for r in rispy.loads(text)] == ["One"]  # rispy loses "Two" without a word
    result = parse_ris(text, "end.ris")
    assert [r.title for r in result.references] == ["One", "Two"]
    assert result.problems == ["end.ris line 4: record has no 'ER  -' end"]


CSV = """Title,Authors,Publication Year,Source,DOI,Abstract,Volume,Number,Pages,Key Words
"Being met: peer, support","Okafor, Ada; Lind, Maja",2023,J Fict Recov,doi:10.5555/JFR.1,"Peer workers
were there.",12,3,10--22,"peer support; hope"
Second study,"Ruiz, Pilar",forthcoming,Other Journal,,,,,,

Third study,,2021,,doi: nonsense,,,,,
"""


def test_a_csv_of_references_is_read_with_synonym_headers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CSV, encoding="utf-8")
    result = parse_references(path.name, path.read_bytes())
    first, second, third = result.references
    assert first.title == "Being met: peer, support"
    assert first.authors == ["Okafor, Ada", "Lind, Maja"]
    assert (first.year, first.journal, first.doi) == (2023, "J Fict Recov", "10.5555/jfr.1")
    assert (first.abstract, first.volume, first.issue, first.pages) == (
        "Peer workers were there.",
        "12",
        "3",
        "10-22",
    )
    assert first.keywords == ["peer support", "hope"]
    assert (second.title, second.year, second.journal) == ("Second study", None, "Other Journal")
    assert (third.source_line, third.doi) == (6, None)
    assert result.problems == [
        "export.csv line 4: year 'forthcoming' is not a year; the row is kept without it",
        "export.csv line 6: doi 'doi: nonsense' is not a DOI; the row is kept without it",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TITLE;AUTHOR;YEAR\nOne;Okafor, Ada;2020\n", ("One", ["Okafor, Ada"], 2020)),
        ("Item Type\tPublication Year\tAuthor\tTitle\nx\t2019\tLind, M\tTwo\n", ("Two", ["Lind, M"], 2019)),
        ("Article Title,Author(s),Year,Page start,Page end\nThree,,2018,5,9\n", ("Three", [], 2018)),
    ],
)
def test_csv_headers_are_matched_case_insensitively_whatever_the_delimiter(text, expected):
    result = parse_reference_csv(text, "refs.csv")
    assert result.problems == []
    ref = result.references[0]
    assert (ref.title, ref.authors, ref.year) == expected


def test_csv_page_start_and_end_columns_make_a_page_range():
    result = parse_reference_csv("Title,Page start,Page end\nThree,5,9\n")
    assert result.references[0].pages == "5-9"


def test_a_csv_without_reference_columns_is_reported():
    result = parse_reference_csv("study,country\ns01,Kenya\n", "characteristics.csv")
    assert result.references == []
    assert result.problems == [
        "characteristics.csv line 1: no reference columns (title, authors, year, doi, ...)"
    ]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("refs.txt", b"TY  - JOUR\n", "unsupported reference file type .txt"),
        ("refs", b"TY  - JOUR\n", r"unsupported reference file type \(none\)"),
        ("refs.ris", b"  \n", "the file is empty"),
    ],
)
def test_unsupported_or_empty_reference_files_are_refused(filename, data, message):
    with pytest.raises(ImportProblem, match=message) as info:
        parse_references(filename, data)
    assert info.value.filename == filename


def test_a_latin1_reference_file_is_read_with_a_warning_among_the_problems():
    data = "TY  - JOUR\nAU  - M\xfcller, J\xf6rg\nER  - \n".encode("latin-1")
    result = parse_references("old.ris", data)
    assert result.references[0].authors == ["Müller, Jörg"]
    assert result.problems == ["old.ris: not valid UTF-8 (line 2); read as Latin-1"]


def test_a_file_without_any_reference_says_so():
    result = parse_references("notes.bib", b"% just a comment\n")
    assert result.problems == ["notes.bib: no references found"]
