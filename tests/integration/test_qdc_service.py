"""Codebook exchange (.qdc): every sample codebook imports, same names merge, kinds survive our own file."""

import pytest
from lxml import etree

from tests.qdpx_files import SAMPLE_FILES, SHARED
from workbench.domain.codebook import CodeKind
from workbench.importers.errors import ImportProblem
from workbench.services import codebook, projects
from workbench.services.access import ensure_user
from workbench.services.errors import Invalid, PermissionDenied
from workbench.services.qdc import export_qdc, import_qdc
from workbench.store.enums import Role
from workbench.store.models import Membership

SAMPLES = SAMPLE_FILES
OWNER = "olive"


def tree(store, project_id: int) -> list[tuple[int, str, str, str]]:
    """(depth, name, kind, colour) of every code, in codebook order."""
    rows = []

    def walk(nodes, depth):
        for node in nodes:
            rows.append((depth, node.name, node.kind.value, node.colour))
            walk(node.children, depth + 1)

    walk(codebook.codebook_tree(store, OWNER, project_id), 0)
    return rows


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split("_")[0])
def test_every_sample_codebook_imports_into_a_project(store, path):
    project_id = projects.create_project(store, OWNER, "Imported codebook")
    report = import_qdc(store, OWNER, project_id, path.read_bytes(), path.name)
    codes = tree(store, project_id)
    merged = sum("merged into it" in w for w in report.warnings)
    assert report.codes == len(codes) > 0
    assert report.codes + merged >= 3
    assert {kind for _, _, kind, _ in codes} == {"other"}  # foreign codes wait for the kind mapping
    if path.name.startswith("taguette"):
        assert any("<Sets>" in w and "empty" in w for w in report.warnings)


def test_our_codebook_exported_validates_and_imports_into_a_new_project_with_kinds_and_colours(store):
    source = projects.create_project(store, OWNER, "Source")
    parent = codebook.create_code(store, OWNER, source, "Ward culture", CodeKind.CONTEXT, colour="#1f77b4")
    codebook.create_code(store, OWNER, source, "Night shifts 🌙", CodeKind.CONTEXT, parent_id=parent,
                         description="Line one\nline two")  # fmt: skip
    codebook.create_code(store, OWNER, source, "Trust", CodeKind.MECHANISM, colour="#2ca02c")
    codebook.create_code(store, OWNER, source, "Hope", CodeKind.OUTCOME)
    codebook.create_code(store, OWNER, source, "Method notes", CodeKind.OTHER)
    data = export_qdc(store, OWNER, source)
    xsd = etree.XMLSchema(etree.parse(str(SHARED / "schema" / "Codebook.xsd")))
    assert xsd.validate(etree.fromstring(data)), xsd.error_log
    target = projects.create_project(store, OWNER, "Target")
    report = import_qdc(store, OWNER, target, data, "source.qdc")
    assert (report.codes, report.warnings) == (5, [])
    assert tree(store, target) == tree(store, source)
    descriptions = {
        n.name: n.description for n in codebook.flatten(codebook.codebook_tree(store, OWNER, target))
    }
    assert descriptions["Night shifts 🌙"] == "Line one\nline two"


def test_names_already_in_the_codebook_under_the_same_parent_merge_and_are_reported(store):
    project_id = projects.create_project(store, OWNER, "Merging")
    codebook.create_code(store, OWNER, project_id, "trust", CodeKind.MECHANISM)
    source = projects.create_project(store, OWNER, "Other team")
    parent = codebook.create_code(store, OWNER, source, "Trust", CodeKind.MECHANISM)
    codebook.create_code(store, OWNER, source, "Trust in staff", CodeKind.MECHANISM, parent_id=parent)
    report = import_qdc(store, OWNER, project_id, export_qdc(store, OWNER, source), "other.qdc")
    assert report.codes == 1
    assert report.warnings == ["code 'Trust' already exists at the top level: merged into it"]
    assert [row[:3] for row in tree(store, project_id)] == [
        (0, "trust", "mechanism"),
        (1, "Trust in staff", "mechanism"),
    ]


def test_a_hostile_codebook_is_refused_and_nothing_is_added(store):
    project_id = projects.create_project(store, OWNER, "Guarded")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="0b6c3b9e-0000-4000-8000-000000000001"'
        b' name="&b;" isCodable="true"/></Codes></CodeBook>'
    )
    with pytest.raises(ImportProblem, match="DTD"):
        import_qdc(store, OWNER, project_id, bomb, "bomb.qdc")
    assert tree(store, project_id) == []


def test_a_stakeholder_may_not_import_a_codebook_and_an_empty_codebook_is_not_exported(store):
    project_id = projects.create_project(store, OWNER, "Roles")
    with store.transaction() as session:
        user_id = ensure_user(session, "sam").id
        session.add(Membership(project_id=project_id, user_id=user_id, role=Role.STAKEHOLDER))
    taguette = next(p for p in SAMPLES if p.name.startswith("taguette")).read_bytes()
    with pytest.raises(PermissionDenied):
        import_qdc(store, "sam", project_id, taguette, "t.qdc")
    with pytest.raises(Invalid, match="no codes"):
        export_qdc(store, OWNER, project_id)
