"""Reading REFI-QDA projects: real files from NVivo, ATLAS.ti and MAXQDA, flawed files and hostile ones."""

from __future__ import annotations

import pytest

from tests.qdpx_files import (
    CODE,
    NVIVO_WIN,
    SAMPLES,
    TEXT,
    nvivo_expected,
    qde,
    selection,
    small_qdpx,
    zipped,
)
from workbench.importers.errors import ImportProblem
from workbench.interop.model import guid_key
from workbench.interop.offsets import RawSelection, Unit, Utf16Index, detect_unit, resolve
from workbench.interop.qdpx_read import colour, read_qdpx


def test_every_nvivo_windows_selection_lands_on_the_text_nvivo_meant():
    project = read_qdpx(NVIVO_WIN)
    expected = nvivo_expected()
    placed = [(s, source.text) for source in project.sources for s in source.selections]
    assert all(text[s.start : s.end] == expected[s.guid] for s, text in placed)
    codings = sum(len(s.codings) for s, _ in placed)
    assert codings >= 300
    assert 303 - codings == sum("not imported" in w for w in project.warnings)
    assert len(placed) == 188  # one Coding per selection, repeated ranges merged


def test_nvivo_windows_text_is_stored_exactly_with_crlf_and_without_the_bom():
    project = read_qdpx(NVIVO_WIN)
    assert all("\r\n" in s.text and not s.text.startswith("\ufeff") for s in project.sources)
    assert any("UTF-16 code units" in w for w in project.warnings)


def test_atlas_ti_sources_without_their_files_are_reported_and_media_sources_skipped_once_each():
    project = read_qdpx(SAMPLES / "atlasti-8.4-mac_refi-standard-project_sky-loom_TestProject.qdpx")
    assert project.sources == ()
    missing = [w for w in project.warnings if "is not in the .qdpx" in w]
    media = [w for w in project.warnings if "only text sources are imported" in w]
    assert len(missing) == 6 and len(media) == 6
    assert any("6 codings were not imported" in w for w in media)
    assert len(project.users) == 3 and len(project.codes) == 14 and len(project.links) == 1


def test_maxqda_colours_are_normalised_and_sources_read_without_codings():
    project = read_qdpx(SAMPLES / "maxqda-24.7_paper_themes_ICLS_just10.qdpx")
    assert len(project.codes) == 307 and len(project.sources) == 10
    assert all(
        c.colour is None or (c.colour.startswith("#") and c.colour == c.colour.lower()) for c in project.codes
    )
    assert not project.warnings


def test_nvivo_mac_keeps_repeated_names_apart_by_guid():
    project = read_qdpx(SAMPLES / "nvivo-mac-15.0_qualitative-coding_nvivo_project.qdpx")
    assert len(project.codes) == 262
    assert len({guid_key(c.guid) for c in project.codes}) == 262
    assert len({c.name for c in project.codes}) < 262


def test_a_selection_past_the_end_or_backwards_is_reported_not_placed():
    data = small_qdpx(selection("s1", 0, 5) + selection("s2", 10, 500) + selection("s3", 7, 7))
    project = read_qdpx(data, "flawed.qdpx")
    (source,) = project.sources
    assert [(s.start, s.end) for s in source.selections] == [(0, 5)]
    assert any("s2 [10, 500)" in w and "past the end" in w for w in project.warnings)
    assert any("s3 [7, 7)" in w and "not before its end" in w for w in project.warnings)


def test_a_coding_of_a_code_missing_from_the_codebook_is_reported_and_skipped():
    project = read_qdpx(small_qdpx(selection("s1", 0, 5, code="99999999-0000-0000-0000-000000000000")))
    assert project.sources[0].selections[0].codings == ()
    assert any("not in the codebook" in w and "s1" in w for w in project.warnings)


def test_guids_match_braced_or_not_and_in_any_case():
    project = read_qdpx(small_qdpx(selection("s1", 0, 5, code=CODE.strip("{}").lower())))
    assert project.sources[0].selections[0].codings[0].code_guid
    assert project.codes[0].colour == "#abcdef"


def test_offsets_in_utf16_units_after_an_emoji_are_detected_from_word_boundaries():
    staff = TEXT.index("the staff")
    units = staff + 1  # the emoji before it is two UTF-16 code units
    data = small_qdpx(selection("s1", units, units + len("the staff")) + selection("s2", 0, 5))
    source = read_qdpx(data).sources[0]
    assert [source.text[s.start : s.end] for s in source.selections] == ["the staff", "Trust"]


def test_atlas_ti_selection_names_decide_the_unit():
    staff = TEXT.index("staff")
    data = small_qdpx(selection("s1", staff, staff + 5, name="staff"), origin="ATLAS.ti 9")
    source = read_qdpx(data).sources[0]
    assert source.text[source.selections[0].start : source.selections[0].end] == "staff"


def test_a_utf16_offset_inside_a_surrogate_pair_does_not_resolve():
    text = "a😀b"
    assert resolve(text, RawSelection("x", 2, 4), Unit.UTF16) == (
        "it starts or ends inside a surrogate pair (half an emoji)"
    )
    assert resolve(text, RawSelection("x", 1, 4), Unit.UTF16) == (1, 3)
    assert [Utf16Index(text).to_code_points(i) for i in range(5)] == [0, 1, None, 2, 3]


def test_without_astral_characters_the_producer_decides_and_nothing_changes():
    assert detect_unit("plain text", [RawSelection("x", 0, 5)], "NVivo for Windows 12") is Unit.UTF16
    assert detect_unit("plain text", [RawSelection("x", 0, 5)], "MAXQDA 24") is Unit.CODE_POINTS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#FF00aa", "#ff00aa"),
        ("ff00aa", "#ff00aa"),
        ("#ff00aa80", "#ff00aa"),
        ("rgba(255, 0, 16, 0.5)", "#ff0010"),
        ("blue", None),
        ("", None),
    ],
)
def test_out_of_spec_colours_are_tolerated(raw, expected):
    assert colour(raw) == expected


BOMB = (
    '<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)
EXTERNAL = '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
DTD = '<!DOCTYPE Project SYSTEM "http://example.org/project.dtd">'


@pytest.mark.parametrize(
    "prolog", [BOMB, EXTERNAL, DTD, BOMB.lower()], ids=["bomb", "external", "dtd", "lowercase"]
)
def test_xml_with_a_doctype_or_entities_is_refused(prolog):
    data = zipped({"project.qde": qde(selection("s1", 0, 5), prolog=prolog)})
    with pytest.raises(ImportProblem, match=r"DTD|DOCTYPE"):
        read_qdpx(data, "hostile.qdpx")


def test_a_zip_member_outside_the_archive_is_refused():
    data = zipped({"project.qde": qde(""), "../../evil.txt": b"x"})
    with pytest.raises(ImportProblem, match="unsafe path"):
        read_qdpx(data, "traversal.qdpx")


def test_a_zip_with_too_many_members_is_refused():
    data = zipped({"project.qde": qde("")} | {f"sources/{i}.txt": b"" for i in range(2001)})
    with pytest.raises(ImportProblem, match="the limit is 2000"):
        read_qdpx(data, "many.qdpx")


def test_a_file_over_the_size_limit_is_refused_unread(monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "0.001")
    with pytest.raises(ImportProblem, match="the limit is"):
        read_qdpx(small_qdpx("", text="x" * 5000), "big.qdpx")


def test_a_zip_without_a_project_file_or_not_a_zip_is_refused():
    with pytest.raises(ImportProblem, match="no project file"):
        read_qdpx(zipped({"sources/a.txt": b"x"}), "empty.qdpx")
    with pytest.raises(ImportProblem, match="not a readable zip"):
        read_qdpx(b"not a zip", "broken.qdpx")


def test_an_atlas_ti_selection_whose_name_is_not_the_text_there_is_reported_not_placed():
    staff = TEXT.index("staff")
    good = selection("s1", staff, staff + 5, name="staff")
    wrong = selection("s2", 0, 5, name="Something else")
    project = read_qdpx(small_qdpx(good + wrong, origin="ATLAS.ti 23"))
    assert [s.guid for s in project.sources[0].selections] == ["s1"]
    assert any("s2 [0, 5)" in w and "differs from the text" in w for w in project.warnings)
