"""The disagreement panel on the demo: the owner settles a disagreement (the consensus coding is in the
store), undoes it, edits a span; a reviewer sees both sides without the buttons; text stays inert."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from tests.conftest import DEMO_OWNER
from workbench.services import adjudication
from workbench.services.adjudication import SpanText
from workbench.services.evidence_source import consensus_only
from workbench.services.projects import list_projects
from workbench.store import queries
from workbench.store.db import Store
from workbench.store.models import Adjudication, Coding, Excerpt
from workbench.ui.adjudication import highlighted

PAIR = ("alice", "bob")


def panels() -> None:
    """A stand-in for the Agreement page: the first three disagreements of alice and bob, with panels."""
    from workbench.services import adjudication
    from workbench.services.projects import list_projects
    from workbench.ui import resources
    from workbench.ui.adjudication import accept_agreements_button, disagreement_panel

    project = list_projects(resources.store(), resources.username())[0]
    accept_agreements_button(project.id, ("alice", "bob"))
    found = adjudication.disagreements(
        resources.store(), resources.username(), project.id, coders=("alice", "bob")
    )
    for d in found[:3]:
        disagreement_panel(project.id, d)


@pytest.fixture
def run_as(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    def opener(user: str) -> AppTest:
        monkeypatch.setenv("WORKBENCH_DATABASE_URL", demo_url)
        monkeypatch.setenv("WORKBENCH_USER", user)
        return AppTest.from_function(panels, default_timeout=60).run()

    return opener


def consensus(url: str) -> list[tuple[int, int, int | None]]:
    store = Store.open(url)
    try:
        with store.transaction() as session:
            user = queries.consensus_user(session)
            rows = session.execute(
                select(Excerpt.start, Excerpt.end, Coding.settled_by_id)
                .join(Coding.excerpt)
                .where(Coding.coder_id == user.id)
            )
            return sorted(tuple(r) for r in rows)
    finally:
        store.dispose()


def first(url: str) -> adjudication.Disagreement:
    store = Store.open(url)
    try:
        project = list_projects(store, DEMO_OWNER)[0]
        return adjudication.disagreements(store, DEMO_OWNER, project.id, coders=PAIR)[0]
    finally:
        store.dispose()


def key_of(d: adjudication.Disagreement) -> str:
    return f"adj_{d.document_id}_{d.code_id}_{d.start}_{d.end}_{d.coder_a}_{d.coder_b}"


def test_the_owner_settles_a_disagreement_and_the_consensus_coding_is_in_the_store(run_as, demo_url):
    at = run_as(DEMO_OWNER)
    assert not at.exception
    d = first(demo_url)
    at.button(key=f"{key_of(d)}_keep_a").click().run()
    assert not at.exception
    assert [(s, e) for s, e, _ in consensus(demo_url)] == [(a.start, a.end) for a in d.a_spans]
    assert all(by is not None for _, _, by in consensus(demo_url))
    assert any("Settled" in s.value and "Keep A" in s.value for s in at.success)
    at.button(key=f"{key_of(d)}_undo").click().run()
    assert not at.exception and consensus(demo_url) == []
    assert any(b.key == f"{key_of(d)}_keep_a" for b in at.button)


def test_the_owner_keeps_an_edited_span_shown_live(run_as, demo_url):
    at = run_as(DEMO_OWNER)
    d = first(demo_url)
    at.number_input(key=f"{key_of(d)}_start").set_value(d.start + 2).run()
    at.number_input(key=f"{key_of(d)}_end").set_value(d.start + 20).run()
    wanted = d.window_text[d.start + 2 - d.window_start : d.start + 20 - d.window_start]
    assert any(wanted.split()[1] in c.value for c in at.caption)
    at.button(key=f"{key_of(d)}_edited").click().run()
    assert not at.exception
    assert [(s, e) for s, e, _ in consensus(demo_url)] == [(d.start + 2, d.start + 20)]
    store = Store.open(demo_url)
    with store.transaction() as session:
        assert session.scalars(select(Adjudication.decision)).all() == ["edited"]
    store.dispose()


def test_a_reviewer_sees_both_sides_without_settle_buttons(run_as, demo_url):
    at = run_as("alice")
    assert not at.exception
    d = first(demo_url)
    keys = {b.key for b in at.button}
    assert f"{key_of(d)}_keep_a" not in keys
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("A: alice" in c for c in captions) and any("B: bob" in c for c in captions)
    assert "adj_accept_agreements" not in keys


def test_highlighted_text_is_escaped_and_marks_only_the_spans():
    text = "a *bold* [link](x) here"
    shown = highlighted(text, 100, [SpanText(102, 108, "*bold*")], "orange")
    assert shown == r"a :orange-background[\*bold\*] \[link\]\(x\) here"


def test_the_owner_draws_graphs_from_consensus_codings_only_and_a_reviewer_is_told(open_app, demo_url):
    at = open_app(demo_url, page="graphs")
    assert not at.exception
    at.radio(key="graphs_evidence_source").set_value(True).run()
    assert not at.exception and at.radio(key="graphs_evidence_source").value is True
    store = Store.open(demo_url)
    try:
        project = list_projects(store, DEMO_OWNER)[0]
        assert consensus_only(store, DEMO_OWNER, project.id) is True
    finally:
        store.dispose()
    reviewer = open_app(demo_url, user="alice", page="configurations")
    assert not reviewer.exception
    assert any("consensus codings only" in c.value for c in reviewer.caption)
    assert not [r for r in reviewer.radio if r.key == "configurations_evidence_source"]
