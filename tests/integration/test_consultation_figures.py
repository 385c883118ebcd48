"""The infographic on a consultation card: only for a card that shows it, only to that consultation's
participants (by link or signed in), and with no study, reference, excerpt or coder in it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workbench.domain.studies import short_citation
from workbench.services import configurations, consultation_figures, consultations, members, projects
from workbench.services.consultation_answers import InvitationRefused
from workbench.services.errors import NotFound, PermissionDenied
from workbench.services.figures import reference_text
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Excerpt, Study, User

OWNER, SAM = "owner", "sam"


@pytest.fixture
def panel(demo_clone):
    """A consultation of the whole demo, its cards (the first shows its figure) and one invitation."""
    project_id = projects.project_id_by_name(demo_clone, OWNER, "Peer support demo")
    members.add_member(demo_clone, OWNER, project_id, SAM, Role.STAKEHOLDER)
    session_id = consultations.create_session(demo_clone, OWNER, project_id, "Peer workers' panel")
    cards = consultations.session_cards(demo_clone, OWNER, session_id)
    consultations.edit_card(demo_clone, OWNER, cards[0].id, show_figure=True)
    token = consultations.invite(demo_clone, OWNER, session_id, 1)[0].token
    return demo_clone, project_id, session_id, cards, token


def _project_texts(store: Store, project_id: int) -> list[str]:
    """Everything that would name a study or its evidence: keys, authors, titles, citations,
    references, excerpt texts and coders."""
    with store.transaction() as session:
        studies = session.scalars(select(Study).where(Study.project_id == project_id)).all()
        out = [s.key for s in studies] + [s.title for s in studies if s.title]
        out += [short_citation(s.authors, s.year) for s in studies] + [reference_text(s) for s in studies]
        out += [a.split(",")[0] for s in studies for a in s.authors]
        out += [t for t in session.scalars(select(Excerpt.text)) if len(t) >= 12]
        out += [u for u in session.scalars(select(User.username)) if u not in (OWNER, SAM)]
    return [t for t in out if t]


def test_a_participant_sees_the_infographic_of_the_cards_context_with_counts_and_no_study_named(panel):
    store, project_id, _session_id, cards, token = panel
    figures = consultation_figures.card_figure(store, token, cards[0].id)
    assert figures, "the ticked card has a figure"
    config = next(
        c
        for c in configurations.list_configurations(store, OWNER, project_id)
        if c.id == cards[0].configuration_id
    )
    drawn = {n.name for f in figures for n in (f.figure.context, *f.figure.subfactors)}
    assert set(config.contexts) <= drawn
    for figure in figures:
        assert {b.kind for b in figure.layout.boxes} >= {"header", "mechanism", "outcome"}
        assert any(b.count > 0 for b in figure.layout.boxes)  # counts of studies are kept
        assert all(not n.studies and not n.evidence for n in figure.figure.nodes())
        assert all(not e.studies and not e.evidence for e in figure.figure.edges)
    returned = repr(figures)
    named = [t for t in _project_texts(store, project_id) if t in returned]
    assert named == []


def test_a_card_not_showing_its_figure_gives_none(panel):
    store, _project_id, _session_id, cards, token = panel
    assert cards[1].show_figure is False
    assert consultation_figures.card_figure(store, token, cards[1].id) == ()


def test_the_facilitator_can_tick_and_untick_the_figure_of_a_card(panel):
    store, _project_id, session_id, cards, token = panel
    assert consultations.session_cards(store, OWNER, session_id)[0].show_figure is True
    unticked = consultations.edit_card(store, OWNER, cards[0].id, show_figure=False)
    assert unticked.show_figure is False and unticked.statement == cards[0].statement
    assert consultation_figures.card_figure(store, token, cards[0].id) == ()


def test_a_link_cannot_open_the_figure_of_another_consultations_card(panel):
    store, project_id, _session_id, cards, token = panel
    other = consultations.create_session(store, OWNER, project_id, "Another panel")
    theirs = consultations.session_cards(store, OWNER, other)[0]
    consultations.edit_card(store, OWNER, theirs.id, show_figure=True)
    with pytest.raises(NotFound, match="not part of your consultation"):
        consultation_figures.card_figure(store, token, theirs.id)
    with pytest.raises(InvitationRefused):
        consultation_figures.card_figure(store, "not-a-token", cards[0].id)


def test_a_withdrawn_link_gets_no_figure(panel):
    store, _project_id, session_id, cards, token = panel
    fresh = consultations.invite(store, OWNER, session_id, 1)[0]
    consultations.revoke(store, OWNER, fresh.participant_id)
    assert consultation_figures.card_figure(store, token, cards[0].id)  # the other link still opens it
    with pytest.raises(InvitationRefused, match="withdrawn"):
        consultation_figures.card_figure(store, fresh.token, cards[0].id)


def test_a_signed_in_stakeholder_sees_the_figure_and_someone_outside_the_project_does_not(panel):
    store, project_id, session_id, cards, token = panel
    figures = consultation_figures.member_card_figure(store, SAM, session_id, cards[0].id)
    assert figures == consultation_figures.card_figure(store, token, cards[0].id)
    other = consultations.create_session(store, OWNER, project_id, "Another panel")
    with pytest.raises(NotFound, match="not part of your consultation"):
        consultation_figures.member_card_figure(
            store, SAM, session_id, consultations.session_cards(store, OWNER, other)[0].id
        )
    with pytest.raises(PermissionDenied):
        consultation_figures.member_card_figure(store, "stranger", session_id, cards[0].id)
