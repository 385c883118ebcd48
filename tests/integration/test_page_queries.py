"""The grouped queries behind pages at scale return what the per-row queries they replaced returned."""

from dataclasses import replace

from sqlalchemy import func, select

from tests.conftest import DEMO_OWNER
from workbench.domain.configurations import CodingMode
from workbench.domain.studies import short_citation
from workbench.services import codebook, coding, configurations, evidence, figures, memos, projects, theory
from workbench.services.memos import MemoTarget
from workbench.store import queries
from workbench.store.models import Code, Configuration, Document, Excerpt, Membership, Project, Study, User


def test_listing_projects_gives_each_projects_role_and_counts_as_counting_them_one_by_one(demo_clone):
    other = projects.create_project(demo_clone, DEMO_OWNER, "An empty review")
    listed = projects.list_projects(demo_clone, DEMO_OWNER)
    with demo_clone.transaction() as session:
        user_id = session.query(User.id).filter(User.username == DEMO_OWNER).scalar()
        expected = []
        for project, member in queries.projects_of(session, user_id):
            n = queries.counts(session, project.id)
            expected.append(
                (project.id, project.name, project.description, member.role.value, n["studies"], n["codes"],
                 n["codings"], n["configurations"])
            )  # fmt: skip
        assert session.query(Membership).filter(Membership.project_id == other).count() == 1
    assert [tuple(vars(p).values()) for p in listed] == expected
    assert [p.name for p in listed] == ["An empty review", "Peer support demo"]
    assert listed[1].studies >= 12 and listed[1].codings > 0 and listed[0].studies == 0


def _evidence_by_coding(row: configurations.ConfigurationRow) -> configurations.ConfigurationRow:
    """The row with each element's evidence in coding order (the ORM loaded it in no set order)."""
    elements = tuple(
        replace(e, evidence=tuple(sorted(e.evidence, key=lambda ev: ev.coding_id))) for e in row.elements
    )
    return replace(row, elements=elements)


def test_listing_configurations_gives_each_one_as_opening_it_alone_does(demo_store):
    project_id = projects.list_projects(demo_store, DEMO_OWNER)[0].id
    listed = configurations.list_configurations(demo_store, DEMO_OWNER, project_id)
    assert len(listed) >= 30 and sum(len(e.evidence) for r in listed for e in r.elements) > 50
    assert [r.label for r in listed] == sorted(r.label for r in listed)
    for row in listed:
        alone = configurations.get_configuration(demo_store, DEMO_OWNER, row.id)  # the ORM rows, as before
        assert _evidence_by_coding(row) == _evidence_by_coding(alone)


def test_memo_targets_are_labelled_as_from_their_full_rows(demo_store):
    project_id = projects.list_projects(demo_store, DEMO_OWNER)[0].id
    options = memos.memo_targets(demo_store, DEMO_OWNER, project_id)
    with demo_store.transaction() as session:  # the labels as they were made from ORM rows
        expected = {(MemoTarget.PROJECT, None): f"Project: {session.get_one(Project, project_id).name}"}
        for study in session.scalars(select(Study).where(Study.project_id == project_id)):
            label = f"{short_citation(study.authors, study.year)} ({study.key})"
            expected[(MemoTarget.STUDY, study.id)] = f"Study: {label}"
        for code in session.scalars(select(Code).where(Code.project_id == project_id)):
            expected[(MemoTarget.CODE, code.id)] = f"Code: {code.name} ({code.kind.value})"
        for config in session.scalars(select(Configuration).where(Configuration.project_id == project_id)):
            expected[(MemoTarget.CONFIGURATION, config.id)] = (
                f"Configuration {config.label}: {config.statement[:80]}"
            )
    assert {(o.type, o.id): o.label for o in options} == expected
    assert len(options) == len(expected) > 40


def test_a_memo_on_an_excerpt_is_labelled_with_its_study_and_the_start_of_its_text(demo_clone):
    project_id = projects.list_projects(demo_clone, DEMO_OWNER)[0].id
    with demo_clone.transaction() as session:
        excerpt, study = session.execute(
            select(Excerpt, Study).join(Document, Excerpt.document_id == Document.id).join(Study)
            .where(Study.project_id == project_id, func.length(Excerpt.text) > 80).limit(1)
        ).one()  # fmt: skip
        label = f"Excerpt in {short_citation(study.authors, study.year)} ({study.key}): “{excerpt.text[:80]}”"
        excerpt_id = excerpt.id
    memos.create_memo(demo_clone, DEMO_OWNER, project_id, MemoTarget.EXCERPT, excerpt_id, "Note")
    listed = memos.list_memos(demo_clone, DEMO_OWNER, project_id, target_type=MemoTarget.EXCERPT)
    assert [m.target_label for m in listed] == [label]


def test_the_project_revision_changes_with_every_edit_a_page_shows_and_only_then(demo_clone):
    project_id = projects.list_projects(demo_clone, DEMO_OWNER)[0].id
    seen = [figures.programme_revision(demo_clone, DEMO_OWNER, project_id)]
    assert figures.programme_revision(demo_clone, DEMO_OWNER, project_id) == seen[0]  # nothing changed
    options = coding.code_options(demo_clone, DEMO_OWNER, project_id)
    code = options[0]
    version = next(
        n.version
        for n in codebook.flatten(codebook.codebook_tree(demo_clone, DEMO_OWNER, project_id))
        if n.id == code.id
    )
    rows = configurations.list_configurations(demo_clone, DEMO_OWNER, project_id)
    with demo_clone.transaction() as session:
        document_id = session.scalars(
            select(Document.id).join(Study).where(Study.project_id == project_id).limit(1)
        ).one()
    edits = [
        lambda: coding.code_span(demo_clone, DEMO_OWNER, document_id, 0, 10, [code.id], CodingMode.INDUCTIVE),
        lambda: codebook.rename_code(demo_clone, DEMO_OWNER, code.id, "Renamed", expected_version=version),
        lambda: evidence.link_configurations(demo_clone, DEMO_OWNER, rows[0].id, rows[1].id),
        lambda: configurations.delete_configuration(demo_clone, DEMO_OWNER, rows[2].id),
        lambda: theory.save_version(demo_clone, DEMO_OWNER, project_id, "Initial"),
    ]
    for edit in edits:
        edit()
        seen.append(figures.programme_revision(demo_clone, DEMO_OWNER, project_id))
    assert len(set(seen)) == len(seen), "every edit gives a new revision"
