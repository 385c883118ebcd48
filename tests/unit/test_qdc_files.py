"""Reading and writing .qdc codebooks: every real sample reads, ours validate, hostile XML is refused."""

import io
import zipfile

import pytest
from lxml import etree

from tests.qdpx_files import SAMPLE_FILES, SHARED
from workbench.importers.errors import ImportProblem
from workbench.interop.model import QdaCode
from workbench.interop.qdc import normal_colour, read_codebook, write_qdc
from workbench.interop.realist import decode_kinds

SAMPLES = SAMPLE_FILES
# codes in each sample's codebook, as the interop README counts them
EXPECTED_CODES = {"atlasti-8.4-mac": 14, "atlasti-win-23.2": 3, "maxqda-24.7": 307, "nvivo-mac-15.0": 262,
                  "nvivo-win-12.6": 152, "taguette-1.4.1": 3}  # fmt: skip


@pytest.fixture(scope="module")
def codebook_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SHARED / "schema" / "Codebook.xsd")))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split("_")[0])
def test_every_sample_codebook_reads_with_its_whole_code_tree(path):
    book = read_codebook(path.read_bytes(), path.name)
    assert len(book.codes) == EXPECTED_CODES[path.name.split("_")[0]]
    known = {c.guid for c in book.codes}
    seen: set[str] = set()
    for code in book.codes:  # parents come before their children
        assert code.parent_guid is None or code.parent_guid in seen
        seen.add(code.guid)
    assert seen == known
    assert all(c.colour is None or (len(c.colour) == 7 and c.colour == c.colour.lower()) for c in book.codes)


def test_the_taguette_codebook_with_an_empty_sets_element_reads_with_a_warning(codebook_xsd):
    path = next(p for p in SAMPLES if p.name.startswith("taguette"))
    assert not codebook_xsd.validate(etree.parse(str(path)))  # the file really is invalid
    book = read_codebook(path.read_bytes(), path.name)
    assert [c.name for c in book.codes] == ["xsd:element name", "CodeBook", "Variables"]
    assert any("<Sets>" in w and "empty" in w for w in book.warnings)


def test_names_repeated_under_different_parents_stay_apart_in_the_nvivo_mac_tree():
    path = next(p for p in SAMPLES if p.name.startswith("nvivo-mac"))
    book = read_codebook(path.read_bytes(), path.name)
    by_name: dict[str, set[str | None]] = {}
    for code in book.codes:
        by_name.setdefault(code.name, set()).add(code.parent_guid)
    assert any(len(parents) > 1 for parents in by_name.values())


def test_a_written_codebook_is_valid_and_reads_back_with_kinds_colours_and_descriptions(codebook_xsd):
    guid = "0b6c3b9e-0000-4000-8000-00000000000{}".format
    codes = (
        QdaCode(guid(1), "Contexts", None, "#1F77B4", "Where it happens"),
        QdaCode(guid(2), 'Ward <culture> & "tone"', guid(1)),
        QdaCode(guid(3), "Trust 😀", None, "#00aa00", "Line one\r\nline two"),
        QdaCode(guid(4), "Other things", None),
    )  # fmt: skip
    kinds = {codes[0].guid: "context", codes[1].guid: "context", codes[2].guid: "mechanism"}
    data = write_qdc(codes, kinds, "Realist workbench")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert codebook_xsd.validate(etree.fromstring(data)), codebook_xsd.error_log
    book = read_codebook(data, "ours.qdc")
    assert book.warnings == []
    assert [(c.name, c.parent_guid, c.colour, c.description) for c in book.codes] == [
        (c.name, c.parent_guid, c.colour.lower() if c.colour else None, c.description) for c in codes
    ]
    assert decode_kinds(book.sets) == kinds


def test_the_codebook_of_a_qdpx_project_is_read_from_its_qde_whatever_its_name():
    qde = next(p for p in SAMPLES if p.name.startswith("atlasti-8.4"))
    assert len(read_codebook(qde.read_bytes(), qde.name).codes) == 14


@pytest.mark.parametrize(
    "hostile",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="&lol2;" isCodable="true"/>'
        b"</Codes></CodeBook>",
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="&xxe;" isCodable="true"/>'
        b"</Codes></CodeBook>",
        b'<?xml version="1.0"?><!DOCTYPE CodeBook SYSTEM "http://example.org/evil.dtd">'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>',
        b"<CodeBook><Codes><Code",
    ],
    ids=["entity bomb", "external entity", "external DTD", "not well-formed"],
)
def test_hostile_or_broken_xml_is_refused_with_a_clear_error(hostile):
    with pytest.raises(ImportProblem) as refused:
        read_codebook(hostile, "evil.qdc")
    assert str(refused.value).startswith("evil.qdc: ")
    assert "passwd" not in str(refused.value) and "root:" not in str(refused.value)


def test_an_oversized_codebook_is_refused_before_parsing(monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "0.001")
    big = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>' + b" " * 4096 + b"</Codes></CodeBook>"
    with pytest.raises(ImportProblem, match="limit"):
        read_codebook(big, "big.qdc")


def test_a_qdpx_with_a_path_outside_the_archive_or_two_projects_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("a.qde", b"<Project/>")
        zf.writestr("b.qde", b"<Project/>")
        zf.writestr("../escape.qde", b"<Project/>")
    with pytest.raises(ImportProblem, match=r"one \.qde"):
        read_codebook(buffer.getvalue(), "two.qdpx")


@pytest.mark.parametrize(
    ("raw", "colour"),
    [
        ("#1F77B4", "#1f77b4"),
        ("#abc", "#aabbcc"),
        ("rgba(255, 0, 10, 0.5)", "#ff000a"),
        ("red", None),
        ("", None),
    ],
)
def test_colours_in_any_case_or_rgba_are_normalised_and_others_dropped(raw, colour):
    assert normal_colour(raw) == colour
