"""BibTeX is read entry by entry; a broken entry is reported with its line and costs only itself."""

import pytest

from workbench.importers.bibtex import latex_to_unicode, parse_bibtex
from workbench.importers.references import parse_references
from workbench.importers.sample_corpus import SAMPLE_CORPUS

ZOTERO = r"""% Exported by Zotero
@article{okafor2023being,
  title = {Being met: {Peer} support on acute wards},
  author = {Okafor, Ada and Lind, Maja},
  year = {2023},
  journal = {Journal of Fictional Recovery},
  volume = {12},
  number = {3},
  pages = {10--22},
  doi = {https://doi.org/10.5555/JFR.2023.001},
  abstract = {Peer workers were
      there.},
  keywords = {peer support, hope; trust},
  urldate = {2024-01-05},
}
"""

BROKEN = r"""@article{first2020,
  title = {First study},
  year = {2020}
}

@article{smith2020,
  author = {Smith, John},
  title = {An unclosed {brace in the title},
  year = {2020},
}

@book{third2021,
  title = {Third study},
  year = 2021
}
"""


def test_a_zotero_entry_is_read_with_every_field():
    result = parse_bibtex(ZOTERO)
    assert result.problems == []
    (ref,) = result.references
    assert ref.title == "Being met: Peer support on acute wards"
    assert ref.authors == ["Okafor, Ada", "Lind, Maja"]
    assert (ref.year, ref.journal, ref.volume, ref.issue, ref.pages) == (
        2023,
        "Journal of Fictional Recovery",
        "12",
        "3",
        "10-22",
    )
    assert ref.doi == "10.5555/jfr.2023.001"
    assert ref.abstract == "Peer workers were there."
    assert ref.keywords == ["peer support", "hope", "trust"]
    assert ref.source_line == 2


def test_an_unclosed_brace_is_reported_with_its_line_and_the_other_entries_are_still_read(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(BROKEN, encoding="utf-8")
    result = parse_references(path.name, path.read_bytes())
    assert [r.title for r in result.references] == ["First study", "Third study"]
    assert result.problems == [
        "library.bib line 8: entry 'smith2020' has an unclosed brace in field 'title'; entry skipped"
    ]


def test_an_entry_missing_its_closing_brace_does_not_swallow_the_next_entry():
    text = "@article{open2020,\n  title = {Open},\n  year = {2020},\n\n@misc{next2021, title = {Next}}\n"
    result = parse_bibtex(text)
    assert [r.title for r in result.references] == ["Next"]
    assert result.problems == ["references.bib line 1: entry 'open2020' has an unclosed brace; entry skipped"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            "@article{a, title = {T}, year = {in press}}",
            "line 1: entry 'a' has year 'in press', which holds no year",
        ),
        ("@article{a, title = {T}\n  year = 2020}", "line 1: entry 'a' has no comma after field 'title'"),
        ("@article{a, title = {T}, doi = {n/a}}", "line 1: entry 'a' has doi 'n/a', which is not a DOI"),
        ("@article{a,\n journal = jfr}", "line 2: entry 'a' uses the undefined @string macro 'jfr'"),
        ('@article{a, title = "Open quote}', "line 1: entry 'a' has an unclosed quote in field 'title'"),
        ("@article{a, title {T}}", "line 1: entry 'a' has no '=' after field 'title'"),
        (
            "@article{a, title = {T}}\n@article{a, title = {U}}",
            "line 2: entry 'a' repeats the key of the entry on line 1",
        ),
        ("@@@ stray text", "line 1: expected an entry like '@article{key,'"),
    ],
)
def test_each_problem_names_the_file_line_and_entry(entry, problem):
    result = parse_bibtex(entry, "refs.bib")
    assert f"refs.bib {problem}" in result.problems[0]


@pytest.mark.parametrize(
    ("author_field", "authors"),
    [
        ("Okafor, Ada and Lind, Maja", ["Okafor, Ada", "Lind, Maja"]),
        ("Ada Okafor and Maja Lind", ["Okafor, Ada", "Lind, Maja"]),
        ("Ludwig van Beethoven", ["van Beethoven, Ludwig"]),
        (
            "{World Health Organization} and {Barnes and Noble}",
            ["World Health Organization", "Barnes and Noble"],
        ),
        ("Jos{\\'e} Garc{\\'\\i}a and M{\\\"u}ller, J{\\\"o}rg", ["García, José", "Müller, Jörg"]),
        ("King, Jr, Martin Luther and others", ["King, Martin Luther, Jr"]),
        ("Martin Luther King", ["King, Martin Luther"]),
        ("Okafor,\n   Ada AND Lind, Maja", ["Okafor, Ada", "Lind, Maja"]),
    ],
)
def test_author_names_are_stored_as_last_comma_first(author_field, authors):
    (ref,) = parse_bibtex(f"@article{{k, author = {{{author_field}}}}}").references
    assert ref.authors == authors


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Caf\'e and {\"u}ber", "Café and über"),
        (r"\'{E}tude \`a la \^{o} \~n \c{c}", "Étude à la ô ñ ç"),
        (r"{\O}stergaard, {\aa}se, Stra{\ss}e, {\l}\'od\'z", "Østergaard, åse, Straße, łódź"),
        (r"50\% of R\&D \$ \#1 \_", "50% of R&D $ #1 _"),
        (r"1990--2000 --- a~gap", "1990–2000 — a gap"),
        (r"``quoted'' \textit{italic} {DNA}", "“quoted” italic DNA"),
        (r"braces \{kept\}", "braces {kept}"),
        (r"\v{S}koda and \H{o} and \u{g}", "Škoda and ő and ğ"),
    ],
)
def test_latex_in_common_use_becomes_unicode(latex, text):
    assert latex_to_unicode(latex) == text


def test_values_may_be_quoted_numbers_macros_or_concatenations():
    text = r"""@string{jfr = "Journal of Fictional Recovery"}
@String(series = {Fictional})
@comment{jabref-meta: databaseType:bibtex;}
@preamble{"\newcommand{\noop}[1]{}"}
@inproceedings(ruiz2021,
  title = "A {"}quoted{"} title",
  booktitle = series # " Conference on " # "Peer Work",
  journal = jfr,
  year = 2021,
  month = jan,
)
@misc{ford2019, title = {Misc}, date = {2019-04-01}, url = {https://doi.org/10.5555/Misc.1}}
"""
    result = parse_bibtex(text)
    assert result.problems == []
    ruiz, ford = result.references
    assert (ruiz.title, ruiz.journal, ruiz.year) == (
        'A "quoted" title',
        "Journal of Fictional Recovery",
        2021,
    )
    assert (ford.year, ford.doi) == (2019, "10.5555/misc.1")
    assert (ruiz.source_line, ford.source_line) == (5, 12)


def test_a_mendeley_or_endnote_export_with_crlf_bom_and_upper_case_fields_is_read():
    text = "\ufeff@Article{RN12,\r\n   Author = {Okafor, A.},\r\n   Title = {Peer {HIV} navigation},\r\n"
    text += "   Journal = {AIDS Care},\r\n   Year = {2022},\r\n   DOI = {10.5555/ac.22},\r\n"
    text += "   file = {:C\\:/Users/ada/Okafor.pdf:pdf},\r\n   Type = {Journal Article}\r\n}\r\n"
    result = parse_bibtex(text)
    assert result.problems == []
    (ref,) = result.references
    assert (ref.title, ref.authors, ref.year, ref.doi) == (
        "Peer HIV navigation",
        ["Okafor, A."],
        2022,
        "10.5555/ac.22",
    )


def test_the_sample_corpus_bibtex_and_ris_agree_reference_by_reference():
    bib = parse_references("references.bib", (SAMPLE_CORPUS / "references.bib").read_bytes())
    ris = parse_references("references.ris", (SAMPLE_CORPUS / "references.ris").read_bytes())
    assert bib.problems == [] and ris.problems == []
    assert len(bib.references) == len(ris.references) == 13
    for from_bib, from_ris in zip(bib.references, ris.references, strict=True):
        assert from_bib.doi and from_bib.doi == from_ris.doi
        assert (from_bib.title, from_bib.authors, from_bib.year) == (
            from_ris.title,
            from_ris.authors,
            from_ris.year,
        )
        assert (from_bib.journal, from_bib.pages) == (from_ris.journal, from_ris.pages)
