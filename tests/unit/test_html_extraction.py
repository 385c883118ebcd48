"""HTML full texts yield their visible text only, never load anything, and honour a declared charset."""

import pytest

from workbench.importers.html import decode_html, extract_html
from workbench.importers.text import extract_file

PAGE = """<!DOCTYPE html>
<html><head><title>Journal site</title>
<style>p { color: red }</style>
<script>var s = "<p>not text</p>"; document.write(s);</script>
<link rel="stylesheet" href="https://example.org/site.css">
</head>
<body>
<header><nav><a href="/">Home</a> | <a href="/about">About</a></nav>Site banner</header>
<main>
<article>
<header><h1>Being met: peer   support
 on acute wards</h1><p>Ada Okafor &amp; Maja Lind</p></header>
<h2>Findings</h2>
<p>She never <em>judged</em> me.<br>She listened.</p>
<aside>Related articles: ten tips</aside>
<noscript>Turn on JavaScript</noscript>
<ul><li>Hope</li><li>Trust</ul>
<footer>Received 1 May 2023</footer>
</article>
</main>
<footer>Copyright the publisher</footer>
<script src="https://example.org/tracker.js"></script>
</body></html>
"""


def test_only_the_visible_article_text_is_kept_as_blocks():
    result = extract_html("study.html", PAGE.encode())
    assert result.text == (
        "Being met: peer support on acute wards\n\n"
        "Ada Okafor & Maja Lind\n\n"
        "Findings\n\n"
        "She never judged me.\nShe listened.\n\n"
        "Hope\n\n"
        "Trust\n\n"
        "Received 1 May 2023"
    )
    assert result.warnings == [] and result.media_type == "text/html"


@pytest.mark.parametrize(
    "left_out",
    ["Journal site", "color", "not text", "Home", "Site banner", "Related", "JavaScript", "Copyright"],
)
def test_scripts_styles_and_page_chrome_are_left_out(left_out):
    assert left_out not in extract_html("study.html", PAGE.encode()).text


def test_an_external_entity_in_the_doctype_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT", encoding="utf-8")
    page = tmp_path / "hostile.html"
    page.write_text(
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}"><!ENTITY p SYSTEM "file:///etc/passwd">]>\n'
        "<html><body><p>Before &e; &p; after</p></body></html>",
        encoding="utf-8",
    )
    result = extract_file(page)
    assert "TOP SECRET" not in result.text and "root:" not in result.text
    assert "ENTITY" not in result.text and "]>" not in result.text
    assert result.text == "Before &e; &p; after"


def test_table_rows_become_tab_separated_lines_in_one_block():
    page = (
        "<p>Table 1 shows the themes.</p>"
        "<table><caption>Themes</caption>"
        "<thead><tr><th>Theme</th><th>Studies</th></tr></thead>"
        "<tbody><tr><td>Hope<br>again</td><td>3</td></tr>"
        "<tr><td><p>Trust</p></td><td>5</td></tr></tbody></table>"
        "<p>After the table.</p>"
    )
    result = extract_html("t.html", page.encode())
    assert (
        result.text
        == "Table 1 shows the themes.\n\nThemes\nTheme\tStudies\nHope again\t3\nTrust\t5\n\nAfter the table."
    )


@pytest.mark.parametrize(
    ("head", "encoding", "words"),
    [
        ('<meta charset="windows-1252">', "cp1252", "Café “naïve” €"),
        ("<meta charset=iso-8859-1>", "cp1252", "Café “naïve” €"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15">',
            "iso-8859-15",
            "Café €",
        ),
        ('<meta charset="koi8-r">', "koi8-r", "Привет"),
    ],
)
def test_non_utf8_html_is_decoded_with_the_charset_its_meta_declares(head, encoding, words):
    data = f"<html><head>{head}</head><body><p>{words}</p></body></html>".encode(encoding)
    result = extract_html("old.html", data)
    assert result.text == words and result.warnings == []


def test_utf8_wins_over_a_wrong_meta_charset():
    data = '<meta charset="windows-1252"><p>Café</p>'.encode()
    assert extract_html("page.html", data).text == "Café"


def test_without_a_usable_charset_html_falls_back_to_latin1_with_a_warning():
    data = '<meta charset="no-such-charset"><p>Caf\xe9</p>'.encode("latin-1")
    result = extract_html("old.html", data)
    assert result.text == "Café"
    assert result.warnings == ["old.html: not valid UTF-8 (line 1); read as Latin-1"]


def test_bytes_the_declared_charset_cannot_decode_are_replaced_with_a_warning():
    result = decode_html("odd.html", b'<meta charset="windows-1252">\n<p>caf\xe9 \x81</p>')
    assert result.text.endswith("café \ufffd</p>")
    assert result.warnings == [
        "odd.html: not valid cp1252 as its <meta> declares (line 2); bad bytes replaced"
    ]


def test_a_utf16_page_with_a_bom_is_read():
    assert extract_html("wide.html", "<p>naïve</p>".encode("utf-16")).text == "naïve"


def test_an_unclosed_navigation_block_is_warned_about():
    result = extract_html("broken.html", b"<p>Kept</p><nav>Menu<p>Lost</p>")
    assert result.text == "Kept"
    assert result.warnings == ["broken.html: <nav> is never closed; the text after it was left out"]


def test_a_head_left_open_does_not_hide_the_body():
    assert extract_html("p.html", b"<html><head><title>T</title><body><p>Body text</p>").text == "Body text"


def test_an_html_study_file_is_extracted_through_the_common_entry_point(tmp_path):
    path = tmp_path / "s14.htm"
    path.write_bytes(PAGE.encode())
    result = extract_file(path)
    assert result.text.startswith("Being met: peer support on acute wards\n\n")
    assert len(result.sha256) == 64
