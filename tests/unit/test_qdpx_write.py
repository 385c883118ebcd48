"""Writing .qdpx: schema-valid XML, code-point selections over BOM-less UTF-8 text, the realist layer."""

import io
import zipfile

import pytest
from lxml import etree

from tests.qdpx_files import SHARED
from workbench.interop.model import (
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaUser,
    TextSource,
)
from workbench.interop.qdpx_read import read_qdpx
from workbench.interop.qdpx_write import NS, write_qdpx
from workbench.interop.realist import (
    RealistChain,
    RealistConfiguration,
    RealistLayer,
    decode,
    encode,
    layer_note_guids,
    stable_guid,
)

TEXT = "Intro 😀 line one\r\nShe had been there 👨\u200d👩\u200d👧 herself\r\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢 trust grew.\r\n"
PHRASES = ("She had been there 👨\u200d👩\u200d👧 herself", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 trust", "😀")


def g(name: str) -> str:
    return stable_guid("test", name)


@pytest.fixture(scope="module")
def project_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SHARED / "schema" / "Project.xsd")))


def layer() -> RealistLayer:
    config = RealistConfiguration(
        g("cmoc"), "CMOC 3", "When peers share (C), trust grows (M), so people talk (O).",
        (g("c"),), (g("m"),), (g("o"), g("o2")), "revised", "Narrowed after\nstudy 4.", True, g("u"),
        ((g("c"), g("coding-0")), (g("o"), g("coding-1"))), (g("coding-2"),), (g("memo-config"),),
    )  # fmt: skip
    other = RealistConfiguration(g("cmoc4"), "CMOC 4", "Another.", (g("c"),), (g("m"),), (g("o"),))
    kinds = {g("c"): "context", g("m"): "mechanism", g("o"): "outcome", g("o2"): "outcome"}
    return RealistLayer(kinds, (config, other), (RealistChain("CMOC 3", "CMOC 4", "leads on"),))


def project() -> QdaProject:
    codes = (
        QdaCode(g("c"), "Peer shares", None, "#1f77B4", "Lived experience shared"),
        QdaCode(g("m"), "Trust", None, "rgba(1,2,3,1)", note_guids=(g("memo-code"),)),
        QdaCode(g("o"), "Talks", None, None),
        QdaCode(g("o2"), "Talks more", g("o"), "#abc"),
        QdaCode(g("x"), 'Misc <&> "quoted"', None),
    )
    selections = tuple(
        QdaSelection(
            g(f"sel-{i}"), TEXT.index(p), TEXT.index(p) + len(p), p, g("u"),
            (QdaCoding(g(f"coding-{i}"), codes[i].guid, g("u")),),
            (g("memo-excerpt"),) if i == 0 else (),
        )
        for i, p in enumerate(PHRASES)
    )  # fmt: skip
    source = TextSource(g("source"), "s01 Trust", TEXT, selections, (g("memo-study"),))
    notes = [
        QdaNote(g(name), name, f"text of {name}\r\nsecond line", g("u"))
        for name in ("memo-code", "memo-excerpt", "memo-study", "memo-config", "memo-project")
    ]
    qcodes = list(codes)
    sets, links, layer_notes = encode(layer(), [c.guid for c in qcodes], {c.guid: c.name for c in qcodes})
    return QdaProject(
        "Peer support", "Realist workbench 0.1", (QdaUser(g("u"), "olive", "olive"),), codes, (source,),
        tuple(notes + layer_notes), tuple(sets), tuple(links),
    )  # fmt: skip


def written() -> tuple[zipfile.ZipFile, etree._Element]:
    zf = zipfile.ZipFile(io.BytesIO(write_qdpx(project())))
    return zf, etree.fromstring(zf.read("project.qde"))


def test_the_written_project_is_valid_against_project_xsd(project_xsd):
    _, root = written()
    assert project_xsd.validate(root), project_xsd.error_log


def test_sources_are_bom_less_utf8_under_a_lower_case_folder_named_by_guid():
    zf, root = written()
    (source,) = root.iter(f"{{{NS}}}TextSource")
    assert source.get("plainTextPath") == f"internal://{g('source')}.txt"
    assert sorted(zf.namelist()) == ["project.qde", f"sources/{g('source')}.txt"]
    raw = zf.read(f"sources/{g('source')}.txt")
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8") == TEXT
    assert not zf.read("project.qde").startswith(b"\xef\xbb\xbf")


def test_selections_are_code_points_that_give_back_the_coded_text_with_emoji_and_crlf():
    zf, root = written()
    text = zf.read(f"sources/{g('source')}.txt").decode("utf-8")
    found = {
        sel.get("name"): text[int(sel.get("startPosition")) : int(sel.get("endPosition"))]
        for sel in root.iter(f"{{{NS}}}PlainTextSelection")
    }
    assert found == {p: p for p in PHRASES}


def test_colours_are_written_as_the_schema_wants_and_odd_ones_left_out():
    _, root = written()
    colours = {c.get("name"): c.get("color") for c in root.iter(f"{{{NS}}}Code")}
    assert colours == {
        "Peer shares": "#1F77B4", "Trust": None, "Talks": None, "Talks more": "#ABC",
        'Misc <&> "quoted"': None,
    }  # fmt: skip


def test_empty_containers_are_left_out_and_children_follow_the_schema_order():
    bare = QdaProject("Nothing yet", codes=(QdaCode(g("c"), "Only"),))
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(write_qdpx(bare))).read("project.qde"))
    assert [etree.QName(c).localname for c in root] == ["CodeBook"]
    _, full = written()
    assert [etree.QName(c).localname for c in full] == [
        "Users", "CodeBook", "Sources", "Notes", "Links", "Sets", "NoteRef",
    ]  # fmt: skip
    (project_note,) = [c for c in full if etree.QName(c).localname == "NoteRef"]
    assert project_note.get("targetGUID") == g("memo-project")


def test_each_configuration_becomes_a_set_of_its_codes_and_one_way_links_named_after_it():
    _, root = written()
    links = [(link.get("name"), link.get("direction")) for link in root.iter(f"{{{NS}}}Link")]
    assert ("CMOC 3: context -> mechanism", "OneWay") in links
    assert links.count(("CMOC 3: mechanism -> outcome", "OneWay")) == 2
    sets = {s.get("name"): s for s in root.iter(f"{{{NS}}}Set")}
    assert {"Contexts", "Mechanisms", "Outcomes", "CMOC 3", "CMOC 4"} <= set(sets)
    cmoc = sets["CMOC 3"]
    assert (
        cmoc.find(f"{{{NS}}}Description").text == "When peers share (C), trust grows (M), so people talk (O)."
    )
    members = [m.get("targetGUID") for m in cmoc.iter(f"{{{NS}}}MemberCode")]
    assert members == [g("c"), g("m"), g("o"), g("o2")]


def test_the_realist_layer_read_back_from_the_file_is_the_one_written():
    back = read_qdpx(write_qdpx(project()), "peer.qdpx")
    decoded = decode(back)
    assert dict(decoded.kinds) == {k.lower(): v for k, v in layer().kinds.items()}
    assert decoded.chains == layer().chains
    want = {c.label: c for c in layer().configurations}
    for config in decoded.configurations:
        expected = want[config.label]
        assert config.statement == expected.statement
        assert (config.contexts, config.mechanisms, config.outcomes) == (
            expected.contexts, expected.mechanisms, expected.outcomes,
        )  # fmt: skip
        assert (config.status, config.status_note, config.nested) == (
            expected.status, expected.status_note, expected.nested,
        )  # fmt: skip
        assert set(config.evidence) == set(expected.evidence)
        assert config.status_evidence == expected.status_evidence
        assert config.note_guids == expected.note_guids
    assert {c.label for c in decoded.configurations} == set(want)


def test_layer_notes_are_told_apart_from_memos():
    layer_notes = layer_note_guids(project())
    memo_guids = {g(n) for n in ("memo-code", "memo-excerpt", "memo-study", "memo-config", "memo-project")}
    assert layer_notes and not layer_notes & memo_guids
    assert len(layer_notes) == len(project().notes) - len(memo_guids)
