"""Exporting .qdpx: the demo validates against Project.xsd, round-trips losslessly, and holds only what
the acting user may read; offsets are code points; memos become notes attached to what they are about."""

import io
import json
import zipfile

import pytest
from lxml import etree
from sqlalchemy import func, select

from tests.conftest import DEMO_OWNER, run_workbench
from tests.integration import blind_project
from tests.qdpx_files import SHARED
from workbench.domain.codebook import CodeKind, CodeSpec
from workbench.domain.configurations import CodingMode
from workbench.domain.studies import Reference
from workbench.importers.text_types import ExtractedText
from workbench.interop.qdpx_read import read_qdpx
from workbench.interop.qdpx_write import NS
from workbench.interop.realist import decode
from workbench.services import coding, configurations, demo, memos, projects
from workbench.services.access import ensure_user
from workbench.services.codebook import add_codes
from workbench.services.errors import PermissionDenied
from workbench.services.qdpx_export import export_qdpx
from workbench.services.qdpx_import import import_qdpx_into
from workbench.services.rows.studies import attach_document, new_study
from workbench.store import queries
from workbench.store.enums import CodingOrigin, MemoTarget, Role
from workbench.store.models import Code, Coding, Document, Excerpt, Membership, Study, User

TEXT = (
    "Intro 😀 first line\r\nShe had been there 👨\u200d👩\u200d👧 herself.\r\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢 trust grew, 🇳🇴 too.\r\n"
)
PHRASES = ("She had been there 👨\u200d👩\u200d👧 herself.", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 trust grew", "🇳🇴")


@pytest.fixture(scope="module")
def project_xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SHARED / "schema" / "Project.xsd")))


def demo_id(store) -> int:
    return projects.project_id_by_name(store, DEMO_OWNER, demo.DEMO_PROJECT)


def qde(data: bytes) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))


def counts(store, project_id: int) -> dict[str, int]:
    with store.transaction() as session:
        in_project = Study.project_id == project_id
        documents = select(Document.id).join(Study).where(in_project)
        excerpts = select(Excerpt.id).where(Excerpt.document_id.in_(documents))
        codings = select(func.count(Coding.id)).where(Coding.excerpt_id.in_(excerpts))
        return {
            "sources": session.scalar(select(func.count()).select_from(documents.subquery())),
            "codes": session.scalar(select(func.count(Code.id)).where(Code.project_id == project_id)),
            "codings": session.scalar(codings),
            "kinds": dict(
                session.execute(
                    select(Code.kind, func.count()).where(Code.project_id == project_id).group_by(Code.kind)
                ).all()
            ),
        }


def structure(store, project_id: int) -> dict[str, tuple]:
    """Each configuration as a reviewer sees it: statement, codes per role, status, evidence quotes."""
    return {
        c.label: (
            c.statement, c.contexts, c.mechanisms, c.outcomes, c.status, c.status_note, c.nested,
            sorted((e.role, e.code, ev.quote, ev.coder) for e in c.elements for ev in e.evidence),
        )
        for c in configurations.list_configurations(store, DEMO_OWNER, project_id)
    }  # fmt: skip


def test_the_exported_demo_project_validates_against_project_xsd_and_holds_all_of_it(demo_store, project_xsd):
    project_id = demo_id(demo_store)
    data = export_qdpx(demo_store, DEMO_OWNER, project_id)
    root = qde(data)
    assert project_xsd.validate(root), project_xsd.error_log
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names[0] == "project.qde" and all(n.startswith("sources/") for n in names[1:])
    have = counts(demo_store, project_id)
    assert len(root.findall(f".//{{{NS}}}TextSource")) == have["sources"] == len(names) - 1
    assert len(root.findall(f".//{{{NS}}}Code")) == have["codes"]
    assert len(root.findall(f".//{{{NS}}}Coding")) == have["codings"]
    assert {s.get("name") for s in root.iter(f"{{{NS}}}Set")} >= {"Contexts", "Mechanisms", "Outcomes"}


def test_the_demo_exported_and_reimported_gives_identical_counts_and_configurations(demo_clone):
    project_id = demo_id(demo_clone)
    data = export_qdpx(demo_clone, DEMO_OWNER, project_id)
    report = import_qdpx_into(demo_clone, DEMO_OWNER, "Round trip", data, "demo.qdpx")
    copy_id = projects.project_id_by_name(demo_clone, DEMO_OWNER, "Round trip")
    assert all("code points" in warning for warning in report.warnings)  # at most: the unit it detected
    assert counts(demo_clone, copy_id) == counts(demo_clone, project_id)
    assert (report.sources, report.codes, report.codings) == tuple(
        counts(demo_clone, project_id)[k] for k in ("sources", "codes", "codings")
    )
    original = structure(demo_clone, project_id)
    assert len(original) >= 25 and structure(demo_clone, copy_id) == original
    again = export_qdpx(demo_clone, DEMO_OWNER, copy_id)
    assert len(decode(read_qdpx(again, "again.qdpx")).configurations) == len(original)


@pytest.fixture
def emoji_review(store):
    project_id = projects.create_project(store, "olive", "Emoji review")
    with store.transaction() as session:
        user_id = ensure_user(session, "rita").id
        session.add(Membership(project_id=project_id, user_id=user_id, role=Role.REVIEWER))
        study = new_study(session, project_id, "s01", Reference(title="Trust", year=2024))
        document = attach_document(session, study, "s01.txt", ExtractedText(TEXT, "text/plain", [0]))
        specs = [
            CodeSpec("Peer shares", CodeKind.CONTEXT, "Lived experience", "#1f77b4"),
            CodeSpec("Trust", CodeKind.MECHANISM),
            CodeSpec("Talks", CodeKind.OUTCOME, children=(CodeSpec("Talks more", CodeKind.OUTCOME),)),
        ]
        codes = {name: code.id for name, code in add_codes(session, project_id, specs).items()}
        study_id, document_id = study.id, document.id
    for phrase, name in zip(PHRASES, ("Peer shares", "Trust", "Talks more"), strict=True):
        start = TEXT.index(phrase)
        memo = f"why {name}" if name == "Trust" else ""
        coding.code_span(store, "rita", document_id, start, start + len(phrase), [codes[name]],
                         CodingMode.INDUCTIVE, memo=memo)  # fmt: skip
    memos.create_memo(store, "olive", project_id, MemoTarget.STUDY, study_id, "About the study", title="S")
    memos.create_memo(store, "olive", project_id, MemoTarget.CODE, codes["Trust"], "About trust", title="C")
    memos.create_memo(store, "olive", project_id, MemoTarget.PROJECT, None, "About it all", title="P")
    return project_id, codes


def test_selections_over_emoji_and_crlf_give_back_the_coded_text_and_memos_attach_where_they_belong(
    store, emoji_review, project_xsd
):
    project_id, _ = emoji_review
    data = export_qdpx(store, "olive", project_id)
    root = qde(data)
    assert project_xsd.validate(root), project_xsd.error_log
    zf = zipfile.ZipFile(io.BytesIO(data))
    (source,) = root.iter(f"{{{NS}}}TextSource")
    raw = zf.read("sources/" + source.get("plainTextPath").removeprefix("internal://"))
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8")
    coded = [
        text[int(s.get("startPosition")) : int(s.get("endPosition"))]
        for s in source.iter(f"{{{NS}}}PlainTextSelection")
    ]
    assert sorted(coded) == sorted(PHRASES)
    notes = {n.get("guid"): n.find(f"{{{NS}}}PlainTextContent").text for n in root.iter(f"{{{NS}}}Note")}

    def attached(element: etree._Element) -> list[str]:
        return [notes[r.get("targetGUID")] for r in element.findall(f"{{{NS}}}NoteRef")]

    assert attached(source) == ["About the study"]
    trust = next(c for c in root.iter(f"{{{NS}}}Code") if c.get("name") == "Trust")
    assert attached(trust) == ["About trust"]
    selection_notes = [n for s in source.iter(f"{{{NS}}}PlainTextSelection") for n in attached(s)]
    assert selection_notes == ["why Trust"]
    assert attached(root) == ["About it all"]
    users = {u.get("name") for u in root.iter(f"{{{NS}}}User")}
    assert users == {"rita", "olive"}


def test_an_exported_project_reimported_keeps_every_codings_source_code_and_text(store, emoji_review):
    project_id, _ = emoji_review
    configurations.create_configuration(
        store, "olive", project_id, "Peers sharing builds trust, so people talk more.",
        [emoji_review[1]["Peer shares"]], [emoji_review[1]["Trust"]], [emoji_review[1]["Talks more"]],
        label="CMOC 1",
    )  # fmt: skip
    data = export_qdpx(store, "olive", project_id)
    report = import_qdpx_into(store, "olive", "Emoji copy", data, "emoji.qdpx")
    copy_id = projects.project_id_by_name(store, "olive", "Emoji copy")
    assert (report.codings, report.memos) == (3, 4)
    assert all("code points" in warning for warning in report.warnings)  # at most: the unit it detected

    def coded(pid: int) -> list[tuple[str, str, str]]:
        with store.transaction() as session:
            rows = session.execute(
                select(Excerpt.text, Code.name, Code.kind)
                .join(Coding, Coding.excerpt_id == Excerpt.id)
                .join(Code, Coding.code_id == Code.id)
                .where(Code.project_id == pid)
            )
            return sorted((text, name, kind.value) for text, name, kind in rows)

    assert coded(copy_id) == coded(project_id)
    assert [text for text, *_ in coded(copy_id)] == sorted(PHRASES)
    (config,) = configurations.list_configurations(store, "olive", copy_id)
    assert (config.label, config.contexts, config.mechanisms, config.outcomes) == (
        "CMOC 1", ("Peer shares",), ("Trust",), ("Talks more",),
    )  # fmt: skip


def test_a_blind_export_holds_only_the_codings_the_acting_user_may_read(store):
    blind = blind_project.build(store)
    for user, quotes in ((blind_project.ALICE, {blind_project.ALPHA}),
                         (blind_project.OWNER, {blind_project.ALPHA, blind_project.BRAVO})):  # fmt: skip
        data = export_qdpx(store, user, blind.project_id)
        root = qde(data)
        selections = [s for s in root.iter(f"{{{NS}}}PlainTextSelection") if len(s)]
        assert {s.get("name") for s in selections} == quotes
        coders = {c.get("creatingUser") for c in root.iter(f"{{{NS}}}Coding")}
        assert len(coders) == len(quotes)
    alice = read_qdpx(export_qdpx(store, blind_project.ALICE, blind.project_id), "alice.qdpx")
    (config,) = decode(alice).configurations  # the configuration is shared, bob's evidence is not
    assert config.evidence == ()


def test_only_members_who_may_export_get_the_file(store):
    blind = blind_project.build(store, blind=False)
    with store.transaction() as session:
        user_id = ensure_user(session, "sam").id
        session.add(Membership(project_id=blind.project_id, user_id=user_id, role=Role.STAKEHOLDER))
    for outsider in ("sam", "mallory"):
        with pytest.raises(PermissionDenied):
            export_qdpx(store, outsider, blind.project_id)


def test_the_cli_writes_the_qdpx_and_the_codebook_and_imports_a_codebook(demo_sqlite_url, tmp_path):
    project = demo.DEMO_PROJECT
    out = tmp_path / "out" / "demo.qdpx"
    done = run_workbench(
        demo_sqlite_url, "qdpx", "export", "--project", project, "--out", str(out), user=DEMO_OWNER
    )
    assert done.returncode == 0, done.stderr
    assert zipfile.ZipFile(out).namelist()[0] == "project.qde"
    qdc = tmp_path / "demo.qdc"
    done = run_workbench(
        demo_sqlite_url, "qdc", "export", "--project", project, "--out", str(qdc), user=DEMO_OWNER
    )
    assert done.returncode == 0, done.stderr
    xsd = etree.XMLSchema(etree.parse(str(SHARED / "schema" / "Codebook.xsd")))
    assert xsd.validate(etree.parse(str(qdc)))
    taguette = SHARED / "qdpx-samples" / "taguette-1.4.1_uto_tag_codebook.qdc"
    done = run_workbench(
        demo_sqlite_url, "qdc", "import", str(taguette), "--project", project, "--json", user=DEMO_OWNER
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["codes"] == 3 and any("<Sets>" in w for w in report["warnings"])
    done = run_workbench(
        demo_sqlite_url, "qdpx", "export", "--project", project, "--out", str(out), user="nobody"
    )
    assert done.returncode == 1 and done.stderr.count("\n") <= 2 and "Traceback" not in done.stderr


def test_consensus_codings_go_out_as_the_consensus_user_and_come_back_as_consensus(store, emoji_review):
    project_id, codes = emoji_review
    with store.transaction() as session:
        excerpt = session.scalars(select(Excerpt).order_by(Excerpt.start)).first()
        consensus = queries.consensus_user(session)
        session.add(Coding(excerpt_id=excerpt.id, code_id=codes["Talks"], coder_id=consensus.id,
                           mode=CodingMode.INDUCTIVE, origin=CodingOrigin.HUMAN))  # fmt: skip
        quote = excerpt.text
    data = export_qdpx(store, "olive", project_id)
    root = qde(data)
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{{{NS}}}User")}
    by_coder = {
        (users[c.get("creatingUser")], sel.get("name"))
        for sel in root.iter(f"{{{NS}}}PlainTextSelection")
        for c in sel.iter(f"{{{NS}}}Coding")
    }
    assert (queries.CONSENSUS_USERNAME, quote) in by_coder
    import_qdpx_into(store, "olive", "Consensus copy", data, "c.qdpx")
    copy_id = projects.project_id_by_name(store, "olive", "Consensus copy")
    with store.transaction() as session:
        coders = session.scalars(
            select(User.username)
            .join(Coding, Coding.coder_id == User.id)
            .join(Code, Coding.code_id == Code.id)
            .where(Code.project_id == copy_id, Code.name == "Talks")
        ).all()
    assert coders == [queries.CONSENSUS_USERNAME]
