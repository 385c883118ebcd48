"""Importing REFI-QDA projects into the store: real samples, hostile files, our own round trip, the CLI."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_OWNER, run_workbench
from tests.qdpx_files import (
    NVIVO_WIN,
    SAMPLE_FILES,
    SAMPLES,
    nvivo_expected,
    qde,
    selection,
    small_qdpx,
    zipped,
)
from workbench.domain.codebook import CodeKind
from workbench.importers.errors import ImportProblem
from workbench.services import code_kinds, projects, qdpx_export
from workbench.services.errors import PermissionDenied
from workbench.services.qdpx_import import import_qdpx, import_qdpx_into
from workbench.store.base import Base
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    Document,
    Excerpt,
    Membership,
    Memo,
    Project,
    Study,
    User,
)

OWNER = "importer"


def row_counts(store: Store) -> dict[str, int]:
    with store.transaction() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def project_id(store: Store, name: str) -> int:
    with store.transaction() as session:
        return session.scalars(select(Project.id).where(Project.name == name)).one()


def code_path(codes: dict[int, Code], code_id: int) -> str:
    code = codes[code_id]
    return code.name if code.parent_id is None else f"{code_path(codes, code.parent_id)} / {code.name}"


def snapshot(store: Store, pid: int) -> dict[str, object]:
    """What a round trip must keep: codes with kinds, codings, memos and configurations, by name."""
    with store.transaction() as session:
        codes = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == pid))}
        rows = session.execute(
            select(Coding.code_id, Excerpt.text, Excerpt.start, Document.text, User.username)
            .join(Excerpt, Coding.excerpt_id == Excerpt.id)
            .join(Document, Excerpt.document_id == Document.id)
            .join(User, Coding.coder_id == User.id)
            .where(Coding.code_id.in_(codes))
        ).all()
        configs = session.scalars(select(Configuration).where(Configuration.project_id == pid)).all()
        memos = session.scalars(select(Memo).where(Memo.project_id == pid)).all()
        return {
            "codes": sorted((code_path(codes, i), c.kind.value, c.colour) for i, c in codes.items()),
            "codings": Counter(
                (code_path(codes, c), text, start, sha, who) for c, text, start, sha, who in rows
            ),
            "memos": Counter((m.target_type.value, m.title, m.body) for m in memos),
            "configurations": sorted(
                (
                    c.label,
                    c.statement,
                    c.status.value,
                    tuple((e.role.value, code_path(codes, e.code_id)) for e in c.elements),
                )
                for c in configs
            ),
        }


@pytest.fixture
def target(store: Store) -> int:
    return projects.create_project(store, OWNER, "Imported")


def test_nvivo_windows_codings_land_on_the_text_nvivo_meant(store: Store, target: int):
    report = import_qdpx(store, OWNER, target, NVIVO_WIN.read_bytes(), NVIVO_WIN.name)
    assert (report.sources, report.codes, report.users) == (2, 152, 2)
    assert report.codings >= 300
    expected = set(nvivo_expected().values())
    with store.transaction() as session:
        texts = session.scalars(
            select(Excerpt.text).join(Document).join(Study).where(Study.project_id == target)
        ).all()
        coded = session.scalar(
            select(func.count()).select_from(Coding).join(Code).where(Code.project_id == target)
        )
    assert len(texts) == 188 and set(texts) <= expected
    assert coded == report.codings


def test_file_users_become_reviewers_without_a_password_and_keep_their_codings(store: Store, target: int):
    import_qdpx(store, OWNER, target, NVIVO_WIN.read_bytes(), NVIVO_WIN.name)
    with store.transaction() as session:
        members = dict(
            session.execute(
                select(User.username, Membership.role).join(Membership).where(Membership.project_id == target)
            ).all()
        )
        coders = set(
            session.scalars(select(User.username).join(Coding, Coding.coder_id == User.id).distinct())
        )
        passwords = session.scalars(
            select(User.password_hash).where(User.username.in_(["Gergo", "floriansipos"]))
        )
    assert members == {OWNER: Role.OWNER, "Gergo": Role.REVIEWER, "floriansipos": Role.REVIEWER}
    assert coders <= {"Gergo", "floriansipos"} and coders
    assert set(passwords) == {None}


@pytest.mark.parametrize(
    ("sample", "counts"),
    [
        ("maxqda-24.7_paper_themes_ICLS_just10.qdpx", (10, 307, 0)),
        ("nvivo-mac-15.0_qualitative-coding_nvivo_project.qdpx", (2, 262, 0)),
        ("atlasti-win-23.2_ponte_target-atlas-project.qdpx", (0, 3, 0)),
        ("atlasti-8.4-mac_refi-standard-project_sky-loom_TestProject.qdpx", (0, 14, 0)),
    ],
)
def test_each_sample_imports_its_sources_and_code_tree(store: Store, target: int, sample: str, counts):
    report = import_qdpx(store, OWNER, target, (SAMPLES / sample).read_bytes(), sample)
    assert (report.sources, report.codes, report.codings) == counts
    with store.transaction() as session:
        kinds = set(session.scalars(select(Code.kind).where(Code.project_id == target)))
    assert kinds == {CodeKind.OTHER}


def test_atlas_ti_notes_become_memos_and_unplaceable_sources_are_named(store: Store, target: int):
    sample = SAMPLES / "atlasti-8.4-mac_refi-standard-project_sky-loom_TestProject.qdpx"
    report = import_qdpx(store, OWNER, target, sample.read_bytes(), sample.name)
    assert report.memos == 2
    assert sum("Simon.docx" in w for w in report.warnings) == 1


def test_repeated_names_under_different_parents_keep_the_tree(store: Store, target: int):
    sample = SAMPLES / "nvivo-mac-15.0_qualitative-coding_nvivo_project.qdpx"
    import_qdpx(store, OWNER, target, sample.read_bytes(), sample.name)
    with store.transaction() as session:
        codes = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == target))}
    paths = [code_path(codes, i) for i in codes]
    assert len(set(paths)) == 262
    assert max(p.count(" / ") for p in paths) == 6  # 7 levels deep


def test_a_top_level_name_already_in_the_codebook_gets_a_suffix(store: Store, target: int):
    data = small_qdpx(selection("s1", 0, 5))
    import_qdpx(store, OWNER, target, data, "a.qdpx")
    report = import_qdpx(store, OWNER, target, data, "a.qdpx")
    assert any("'Trust (2)'" in w for w in report.warnings)
    with store.transaction() as session:
        names = sorted(session.scalars(select(Code.name).where(Code.project_id == target)))
        keys = sorted(session.scalars(select(Study.key).where(Study.project_id == target)))
    assert names == ["Trust", "Trust (2)"] and keys == ["interview-1", "interview-1-2"]


HOSTILE = {
    "entity bomb": zipped(
        {"project.qde": qde("", prolog='<!DOCTYPE P [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>')}
    ),
    "external entity": zipped(
        {"project.qde": qde("", prolog='<!DOCTYPE P [<!ENTITY x SYSTEM "file:///etc/passwd">]>')}
    ),
    "dtd": zipped({"project.qde": qde("", prolog='<!DOCTYPE Project SYSTEM "project.dtd">')}),
    "zip traversal": zipped({"project.qde": qde(""), "../evil.txt": b"x"}),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_and_leaves_the_store_unchanged(store: Store, target: int, name: str):
    before = row_counts(store)
    with pytest.raises(ImportProblem):
        import_qdpx(store, OWNER, target, HOSTILE[name], f"{name}.qdpx")
    assert row_counts(store) == before


@pytest.mark.parametrize(
    ("selections", "reason"),
    [
        (selection("s1", 3, 9999), "past the end"),
        (selection("s1", 0, 5, code="{DEAD0000-0000-0000-0000-000000000000}"), "not in the codebook"),
    ],
    ids=["past the end", "missing code"],
)
def test_a_selection_that_does_not_resolve_is_reported_and_nothing_is_coded(
    store: Store, target: int, selections: str, reason: str
):
    report = import_qdpx(store, OWNER, target, small_qdpx(selections), "flawed.qdpx")
    assert report.codings == 0 and report.sources == 1
    assert any(reason in w and "s1" in w and "Interview 1" in w for w in report.warnings)
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Excerpt)) == 0


def test_a_failure_half_way_leaves_nothing_behind(store: Store, target: int, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_TEXT_CHARS", "10")  # the source is refused after users and codes
    before = row_counts(store)
    with pytest.raises(ImportProblem, match="the limit is 10"):
        import_qdpx(store, OWNER, target, small_qdpx(selection("s1", 0, 5)), "long.qdpx")
    assert row_counts(store) == before


def test_a_stakeholder_may_not_import(store: Store, target: int):
    from workbench.services import members

    members.add_member(store, OWNER, target, "sam", Role.STAKEHOLDER)
    with pytest.raises(PermissionDenied):
        import_qdpx(store, "sam", target, small_qdpx(""), "a.qdpx")


def test_mapping_a_top_level_code_gives_its_whole_subtree_the_kind(store: Store, target: int):
    sample = SAMPLES / "atlasti-win-23.2_ponte_target-atlas-project.qdpx"
    import_qdpx(store, OWNER, target, sample.read_bytes(), sample.name)
    (root,) = code_kinds.top_level_codes(store, OWNER, target)
    assert (root.name, root.kind, root.codes) == ("Commits", CodeKind.OTHER, 3)
    assert code_kinds.map_kinds(store, OWNER, target, {root.id: CodeKind.MECHANISM}) == 3
    with store.transaction() as session:
        assert set(session.scalars(select(Code.kind).where(Code.project_id == target))) == {
            CodeKind.MECHANISM
        }


def test_our_own_export_comes_back_the_same(demo_clone: Store):
    demo = project_id(demo_clone, next(p.name for p in projects.list_projects(demo_clone, DEMO_OWNER)))
    data = qdpx_export.export_qdpx(demo_clone, DEMO_OWNER, demo)
    report = import_qdpx_into(demo_clone, DEMO_OWNER, "Round trip", data, "demo.qdpx")
    again = snapshot(demo_clone, project_id(demo_clone, "Round trip"))
    original = snapshot(demo_clone, demo)
    assert again["codes"] == original["codes"]
    assert again["codings"] == original["codings"]
    assert again["memos"] == original["memos"]
    assert again["configurations"] == original["configurations"]
    assert report.codings == sum(original["codings"].values())  # type: ignore[attr-defined]


def test_the_cli_imports_into_a_new_project_and_prints_the_contract(store: Store, tmp_path: Path):
    url = store.engine.url.render_as_string(hide_password=False)
    result = run_workbench(
        url, "qdpx", "import", str(NVIVO_WIN), "--project", "From NVivo", "--json", user=OWNER
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"sources", "codes", "codings", "users", "memos", "warnings"}
    assert (out["sources"], out["codes"], out["users"]) == (2, 152, 2) and out["codings"] >= 300
    assert isinstance(out["warnings"], list) and all(isinstance(w, str) for w in out["warnings"])
    listed = run_workbench(url, "member", "list", "--project", "From NVivo", "--json", user=OWNER)
    assert {"login": OWNER, "role": "owner"}.items() <= next(
        m for m in json.loads(listed.stdout) if m["login"] == OWNER
    ).items()


def test_the_cli_refuses_a_hostile_file_in_one_line_and_creates_no_project(store: Store, tmp_path: Path):
    url = store.engine.url.render_as_string(hide_password=False)
    hostile = tmp_path / "bomb.qdpx"
    hostile.write_bytes(HOSTILE["entity bomb"])
    result = run_workbench(url, "qdpx", "import", str(hostile), "--project", "Never", user=OWNER)
    assert result.returncode == 1
    assert "DTD" in result.stderr and "Traceback" not in result.stderr
    assert run_workbench(url, "project", "list", user=OWNER).stdout.count("Never") == 0


def test_sets_of_sources_are_named_as_not_imported(store: Store, target: int):
    sample = SAMPLES / "maxqda-24.7_paper_themes_ICLS_just10.qdpx"
    report = import_qdpx(store, OWNER, target, sample.read_bytes(), sample.name)
    assert [w for w in report.warnings if w.startswith("2 Sets have no counterpart here")]


@pytest.mark.parametrize("sample", [p.name for p in SAMPLE_FILES if p.suffix == ".qdpx"])
def test_a_sample_imported_exported_and_imported_again_keeps_every_coding_and_code(store: Store, sample: str):
    """Round trip of a real file: every coding's source text, code path, text, offset and coder come back."""
    first = import_qdpx_into(store, OWNER, "From the file", (SAMPLES / sample).read_bytes(), sample)
    original = snapshot(store, project_id(store, "From the file"))
    data = qdpx_export.export_qdpx(store, OWNER, project_id(store, "From the file"))
    again = import_qdpx_into(store, OWNER, "Round trip", data, "again.qdpx")
    back = snapshot(store, project_id(store, "Round trip"))
    assert back["codes"] == original["codes"]
    assert back["codings"] == original["codings"]
    assert back["memos"] == original["memos"]
    assert (again.sources, again.codes, again.codings) == (first.sources, first.codes, first.codings)
