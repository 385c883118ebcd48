"""The faster reads behind the Graphs, Export and Suggestions pages give what the full reads give, and
their fingerprints change whenever what they stand for does (blind coding included)."""

from dataclasses import replace

import pytest
from sqlalchemy import Engine, event, func, select

from tests.integration.blind_project import ALICE, BOB, CAROL, OWNER, build
from workbench.domain.figure_layout import layout
from workbench.domain.figures import context_figure, drawable_contexts
from workbench.domain.overview import chain_graph, context_outcome_matrix, sankey
from workbench.domain.tables import build_table
from workbench.services import assignments, demo, members, suggestions
from workbench.services.figures import FigureFilters, filter_options, programme, programme_revision
from workbench.services.suggestion_revision import queue_revision
from workbench.store.enums import Role
from workbench.store.models import Coding, Study
from workbench.store.queries_fingerprint import one_row


def _project(store) -> int:
    return demo.load_demo(store, "owner").project_id


@pytest.mark.parametrize("reviewer", [False, True])
def test_without_codings_the_programme_draws_the_same_figures_and_configurations_table(demo_store, reviewer):
    project_id = _project(demo_store)
    filters = FigureFilters()
    if reviewer:  # an evidence filter drops configurations: the same ones either way
        filters = FigureFilters(reviewers=filter_options(demo_store, "owner", project_id).reviewers[:1])
    full = programme(demo_store, "owner", project_id, filters)
    light = programme(demo_store, "owner", project_id, filters, codings=False)
    assert full.codings and light.codings == ()
    assert replace(full, codings=()) == light
    contexts = drawable_contexts(full)
    assert contexts and contexts == drawable_contexts(light)
    for context in contexts:
        assert layout(context_figure(light, context.id)) == layout(context_figure(full, context.id))
    for rollup in (True, False):
        assert sankey(light, rollup) == sankey(full, rollup)
        assert context_outcome_matrix(light, rollup) == context_outcome_matrix(full, rollup)
    assert chain_graph(light) == chain_graph(full)
    assert build_table(light, "configurations") == build_table(full, "configurations")


def test_without_codings_a_blind_reviewer_still_sees_only_their_own_evidence(store):
    blind = build(store)
    for user in (ALICE, BOB, CAROL):
        full = programme(store, user, blind.project_id)
        assert programme(store, user, blind.project_id, codings=False) == replace(full, codings=())
    evidence = {e.coder for c in programme(store, ALICE, blind.project_id, codings=False).configurations
                for el in c.elements for e in el.evidence}  # fmt: skip
    assert evidence == set()  # bob's configuration cites only bob's codings of the unreleased study
    bobs = {e.coder for c in programme(store, BOB, blind.project_id, codings=False).configurations
            for el in c.elements for e in el.evidence}  # fmt: skip
    assert bobs == {BOB}


@pytest.mark.parametrize("revision", [programme_revision, queue_revision])
def test_the_page_fingerprints_change_with_assignments_releases_and_the_viewer_s_role(store, revision):
    blind = build(store)
    seen = [revision(store, CAROL, blind.project_id)]
    assert revision(store, CAROL, blind.project_id) == seen[0]  # nothing changed
    assignments.assign(store, OWNER, blind.project_id, blind.s02, [CAROL])
    seen.append(revision(store, CAROL, blind.project_id))
    assignments.release(store, OWNER, blind.s01)
    seen.append(revision(store, CAROL, blind.project_id))
    members.change_role(store, OWNER, blind.project_id, CAROL, Role.OWNER)
    seen.append(revision(store, CAROL, blind.project_id))
    assert len(set(seen)) == len(seen)


def test_the_queue_revision_changes_with_a_rejection_and_a_coding_and_only_then(demo_clone):
    store = demo_clone
    project_id = _project(store)
    before = queue_revision(store, "owner", project_id)
    assert queue_revision(store, "owner", project_id) == before
    first = suggestions.suggestion_queue(store, "owner", project_id, limit=2)
    suggestions.reject_suggestion(store, "owner", first[0].document_id, first[0].start, first[0].end)
    rejected = queue_revision(store, "owner", project_id)
    assert rejected != before
    taken = first[1]
    suggestions.accept_suggestion(
        store, "owner", taken.document_id, taken.start, taken.end, [taken.codes[0].code_id], "inductive", None
    )
    assert queue_revision(store, "owner", project_id) not in (before, rejected)


def test_one_row_reads_several_aggregates_in_one_statement(demo_store):
    project_id = _project(demo_store)
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    queries = [
        select(func.count(Study.id)).where(Study.project_id == project_id),
        select(func.count(Coding.id), func.max(Coding.id)),
        select(select(Study.key).where(Study.id == -1).scalar_subquery()),  # no such study: NULL
    ]
    with demo_store.transaction() as session:
        expected = tuple(v for query in queries for v in session.execute(query).one())
        event.listen(Engine, "before_cursor_execute", seen)
        try:
            found = one_row(session, queries)
        finally:
            event.remove(Engine, "before_cursor_execute", seen)
    assert found == expected and expected[0] > 0 and expected[-1] is None
    assert len(sent) == 1
