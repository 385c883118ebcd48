"""Consultation sessions: cards, invitation links (unguessable, hashed, revocable, expiring), answers
confined to the link's own session, results ordered by disagreement, and the CLI contract."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from tests.conftest import run_workbench
from workbench.services import (
    configurations,
    consultation_answers,
    consultation_sessions,
    consultations,
    database,
    members,
    projects,
    theory,
)
from workbench.services.consultation_answers import ConsultationNotOpen, InvitationRefused
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.store import migrate
from workbench.store.base import Base
from workbench.store.consultation_models import (
    ConfigurationRating,
    ConsultationParticipant,
    ConsultationSession,
)
from workbench.store.db import Store
from workbench.store.enums import Role

OWNER, SAM = "owner", "sam"
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43,}")


@pytest.fixture
def demo(demo_clone):
    """The demo project with a stakeholder member, and its configurations by label."""
    project_id = projects.project_id_by_name(demo_clone, OWNER, "Peer support demo")
    members.add_member(demo_clone, OWNER, project_id, SAM, Role.STAKEHOLDER)
    configs = configurations.list_configurations(demo_clone, OWNER, project_id)
    return demo_clone, project_id, configs


def _session(store, project_id, config_ids, title="Peer workers' panel", **kwargs):
    return consultations.create_session(
        store, OWNER, project_id, title, configuration_ids=config_ids, **kwargs
    )


def test_cards_are_prefilled_from_the_configurations_in_the_order_chosen_and_can_be_reworded(demo):
    store, project_id, configs = demo
    first, second = configs[1], configs[0]
    session_id = _session(store, project_id, [first.id, second.id], purpose="Do these ring true?")
    cards = consultations.session_cards(store, OWNER, session_id)
    assert [c.configuration_id for c in cards] == [first.id, second.id]
    assert cards[0].statement == first.statement
    assert cards[0].context == "; ".join(first.contexts) and cards[0].outcome == "; ".join(first.outcomes)
    edited = consultations.edit_card(
        store,
        OWNER,
        cards[0].id,
        statement=" When staff trust you, you speak up. ",
        example_quote="“I felt heard”",
    )
    assert (edited.statement, edited.example_quote, edited.context) == (
        "When staff trust you, you speak up.", "“I felt heard”", cards[0].context,
    )  # fmt: skip
    with pytest.raises(Invalid, match="statement"):
        consultations.edit_card(store, OWNER, cards[0].id, statement="  ")


def test_a_session_can_cover_a_programme_theory_version_and_all_configurations_by_default(demo):
    store, project_id, configs = demo
    version_id = theory.save_version(store, OWNER, project_id, "Initial programme theory")
    from_version = consultations.create_session(
        store, OWNER, project_id, "Panel", theory_version_id=version_id
    )
    everything = consultations.create_session(store, OWNER, project_id, "Panel 2", mode="open")
    expected = sorted(c.id for c in configs)
    assert (
        sorted(c.configuration_id for c in consultations.session_cards(store, OWNER, from_version))
        == expected
    )
    assert (
        sorted(c.configuration_id for c in consultations.session_cards(store, OWNER, everything)) == expected
    )
    with pytest.raises(Invalid, match="live or open"):
        consultations.create_session(store, OWNER, project_id, "Panel 3", mode="hybrid")
    with pytest.raises(NotFound):
        _session(store, project_id, [10_000_000])


def test_invitation_tokens_are_long_random_urlsafe_strings_from_secrets_and_stored_only_hashed(
    demo, monkeypatch
):
    store, project_id, configs = demo
    drawn = []
    real = secrets.token_urlsafe
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n=None: drawn.append(n) or real(n))
    session_id = _session(store, project_id, [configs[0].id])
    invitations = consultations.invite(store, OWNER, session_id, 20, names=["Ann"])
    tokens = [i.token for i in invitations]
    assert drawn == [32] * 20  # 256 bits each
    assert all(TOKEN_SHAPE.fullmatch(t) for t in tokens) and len(set(tokens)) == 20
    assert [i.link for i in invitations] == [f"/?join={t}" for t in tokens]
    assert [i.pseudonym for i in invitations[:3]] == ["Participant 1", "Participant 2", "Participant 3"]
    consultation_answers.answer(
        store, tokens[0], consultations.session_cards(store, OWNER, session_id)[0].id, 4
    )
    with store.engine.connect() as conn:
        stored = " ".join(
            str(row) for table in Base.metadata.sorted_tables for row in conn.execute(select(table)).all()
        )
    assert not [t for t in tokens if t in stored]
    assert "Ann" in stored  # the dump above does read the participants


def test_unknown_withdrawn_and_expired_links_are_refused_with_a_clear_message(demo):
    store, project_id, configs = demo
    session_id = _session(store, project_id, [configs[0].id])
    kept, withdrawn, stale = consultations.invite(store, OWNER, session_id, 3)
    consultations.revoke(store, OWNER, withdrawn.participant_id)
    with store.transaction() as session:  # a week goes by for the third link
        session.execute(
            update(ConsultationParticipant)
            .where(ConsultationParticipant.id == stale.participant_id)
            .values(expires_at=datetime.now(UTC) - timedelta(days=7))
        )
    assert consultation_answers.join(store, kept.token).pseudonym == "Participant 1"
    for token, message in (
        (kept.token[:-1], "not valid"),
        ("", "not valid"),
        (withdrawn.token, "withdrawn"),
        (stale.token, "expired"),
    ):
        with pytest.raises(InvitationRefused, match=message):
            consultation_answers.join(store, token)
        with pytest.raises(InvitationRefused):
            consultation_answers.participant_cards(store, token)
    assert isinstance(InvitationRefused("x"), PermissionDenied)


def test_a_session_outside_its_open_period_refuses_its_links(demo):
    store, project_id, configs = demo
    now = datetime.now(UTC)
    closed = _session(
        store,
        project_id,
        [configs[0].id],
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
    )
    later = _session(store, project_id, [configs[0].id], "Later panel", opens_at=now + timedelta(days=2))
    (was,) = consultations.invite(store, OWNER, closed, 1, expires_at=now + timedelta(days=30))
    (soon,) = consultations.invite(store, OWNER, later, 1)
    with pytest.raises(ConsultationNotOpen, match="closed on"):
        consultation_answers.join(store, was.token)
    with pytest.raises(ConsultationNotOpen, match="opens on"):
        consultation_answers.participant_cards(store, soon.token)
    assert isinstance(ConsultationNotOpen("x"), Invalid)


def test_a_link_reads_and_answers_only_its_own_sessions_cards(demo):
    store, project_id, configs = demo
    ours = _session(store, project_id, [configs[0].id, configs[1].id])
    theirs = _session(store, project_id, [configs[0].id, configs[2].id], "Another panel")
    (ann,) = consultations.invite(store, OWNER, ours, 1)
    seen = consultation_answers.participant_cards(store, ann.token)
    assert [c.card.id for c in seen] == [c.id for c in consultations.session_cards(store, OWNER, ours)]
    # a card carries the plain-language text only: no study text, codings or evidence
    assert {f.name for f in fields(seen[0].card)} == {
        "id",
        "configuration_id",
        "position",
        "statement",
        "context",
        "mechanism",
        "outcome",
        "example_quote",
        "show_figure",  # a flag: the figure itself comes through consultation_figures, naming no study
    }
    other_card = consultations.session_cards(store, OWNER, theirs)[
        0
    ]  # the same configuration, another session
    with pytest.raises(NotFound, match="not part of your consultation"):
        consultation_answers.answer(store, ann.token, other_card.id, 5, "sneaking in")
    assert consultations.results(store, OWNER, theirs).cards[0].ratings == ()


def test_answering_again_replaces_the_answer_and_bad_answers_are_refused(demo):
    store, project_id, configs = demo
    session_id = _session(store, project_id, [configs[0].id])
    (ann,) = consultations.invite(store, OWNER, session_id, 1)
    card = consultations.session_cards(store, OWNER, session_id)[0]
    consultation_answers.answer(store, ann.token, card.id, 2, "not on my ward")
    again = consultation_answers.answer(
        store, ann.token, card.id, 4, " rings true ", "a key worker", "context"
    )
    assert (again.rating, again.comment, again.missing, again.kind_missing) == (
        4,
        "rings true",
        "a key worker",
        "context",
    )
    assert consultation_answers.participant_cards(store, ann.token)[0].answer == again
    assert consultation_answers.join(store, ann.token).answered == 1
    assert consultations.results(store, OWNER, session_id).cards[0].ratings == (4,)
    for rating, comment, missing, kind in (
        (6, "", "", None),
        (None, " ", "", None),
        (3, "", "", "context"),
        (3, "", "x", "actor"),
    ):
        with pytest.raises(Invalid):
            consultation_answers.answer(store, ann.token, card.id, rating, comment, missing, kind)


def test_results_summarise_each_card_and_put_the_most_disputed_first(demo):
    store, project_id, configs = demo
    calm, split, mixed = configs[0], configs[1], configs[2]
    session_id = _session(store, project_id, [calm.id, split.id, mixed.id])
    cards = {c.configuration_id: c.id for c in consultations.session_cards(store, OWNER, session_id)}
    p1, p2, p3, p4 = consultations.invite(store, OWNER, session_id, 4)
    before = consultations.results_revision(store, session_id)
    answers = [
        (p1, calm, 5, "", ""), (p2, calm, 5, "", ""), (p3, calm, 5, "yes", ""),
        (p1, split, 1, "not at all", "time to talk"), (p2, split, 5, "", ""), (p3, split, 3, "", ""),
        (p1, mixed, 2, "", ""), (p2, mixed, 4, "depends", ""), (p3, mixed, None, "unsure", ""),
        (p4, calm, 1, "spam", ""),
    ]  # fmt: skip
    for who, config, rating, comment, missing in answers:
        consultation_answers.answer(
            store, who.token, cards[config.id], rating, comment, missing, "mechanism" if missing else None
        )
    assert consultations.results_revision(store, session_id) != before
    consultations.revoke(store, OWNER, p4.participant_id)  # a leaked link: its answers no longer count
    found = consultations.results(store, OWNER, session_id)
    assert found.participants == 3
    assert [c.configuration_id for c in found.cards] == [split.id, mixed.id, calm.id]
    by_config = {c.configuration_id: c for c in found.cards}
    assert by_config[split.id].ratings == (1, 5, 3) and by_config[split.id].mean == 3.0
    assert by_config[split.id].distribution == {1: 1, 2: 0, 3: 1, 4: 0, 5: 1}
    assert by_config[split.id].disagreement == pytest.approx(1.633, abs=1e-3)
    assert [(m.kind, m.text) for m in by_config[split.id].missing] == [("mechanism", "time to talk")]
    assert by_config[mixed.id].ratings == (2, 4) and by_config[mixed.id].comments == ("depends", "unsure")
    assert (by_config[calm.id].ratings, by_config[calm.id].mean, by_config[calm.id].disagreement) == (
        (5, 5, 5),
        5.0,
        0.0,
    )


def test_the_facilitator_shows_a_card_of_the_session_to_the_room(demo):
    store, project_id, configs = demo
    session_id = _session(store, project_id, [configs[0].id])
    other = _session(store, project_id, [configs[1].id], "Another panel")
    (ann,) = consultations.invite(store, OWNER, session_id, 1)
    card = consultations.session_cards(store, OWNER, session_id)[0]
    before = consultations.results_revision(store, session_id)
    consultations.show_card(store, OWNER, session_id, card.id)
    assert consultation_answers.join(store, ann.token).shown_card_id == card.id
    assert consultations.results_revision(store, session_id) != before
    with pytest.raises(NotFound):
        consultations.show_card(
            store, OWNER, session_id, consultations.session_cards(store, OWNER, other)[0].id
        )


def test_a_signed_in_stakeholder_answers_through_the_same_path_but_runs_nothing(demo):
    store, project_id, configs = demo
    session_id = _session(store, project_id, [configs[0].id])
    card = consultation_answers.member_cards(store, SAM, session_id)[0].card
    consultation_answers.answer_as_member(store, SAM, session_id, card.id, 2, "", "peer mentors", "context")
    assert consultation_answers.member_join(store, SAM, session_id).answered == 1
    assert consultations.results(store, OWNER, session_id).cards[0].missing[0].text == "peer mentors"
    for run in (
        lambda: consultations.invite(store, SAM, session_id, 1),
        lambda: consultations.results(store, SAM, session_id),
        lambda: consultations.show_card(store, SAM, session_id, card.id),
        lambda: consultations.edit_card(store, SAM, card.id, statement="mine"),
    ):
        with pytest.raises(PermissionDenied, match="stakeholder"):
            run()
    with pytest.raises(PermissionDenied):
        consultation_answers.member_cards(store, "stranger", session_id)


def test_the_cli_creates_a_session_with_links_and_prints_results_exactly_as_documented(demo):
    store, _project_id, configs = demo
    url = store.engine.url.render_as_string(hide_password=False)
    chosen = f"{configs[1].id},{configs[0].id}"
    made = run_workbench(url, "consultation", "create", "--project", "Peer support demo", "--title", "Panel",
                         "--configurations", chosen, "--participants", "2", "--json", user=OWNER)  # fmt: skip
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    assert list(created) == ["session", "links"] and len(created["links"]) == 2
    assert all(link.startswith("/?join=") and TOKEN_SHAPE.fullmatch(link[7:]) for link in created["links"])
    token = created["links"][0].removeprefix("/?join=")
    card = consultation_answers.participant_cards(store, token)[1].card
    consultation_answers.answer(store, token, card.id, 4, "rings true", "a buddy", "mechanism")
    shown = run_workbench(url, "consultation", "results", "--project", "Peer support demo",
                          "--session", str(created["session"]), "--json", user=OWNER)  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == {
        "session": created["session"], "participants": 2,
        "cards": [
            {"configuration": configs[1].id, "ratings": [], "mean": None, "comments": [], "missing": []},
            {
                "configuration": configs[0].id, "ratings": [4], "mean": 4.0, "comments": ["rings true"],
                "missing": ["a buddy"],
            },
        ],
    }  # fmt: skip
    refused = run_workbench(url, "consultation", "results", "--project", "Peer support demo",
                            "--session", "999999", "--json", user=OWNER)  # fmt: skip
    assert refused.returncode == 1 and refused.stderr.startswith("workbench: error: consultation 999999")


BEFORE_CONSULTATION_REVISION = "18cad6811e7d"  # the revision before cards, invitations and answers' fields
OLD_ROWS = [
    ("users", {"id": 1, "username": "u", "display_name": "U", "created_at": "_at"}),
    ("projects", {"id": 1, "name": "p", "description": "", "created_at": "_at", "version_id": 1}),
    ("configurations", {
        "id": 1, "project_id": 1, "label": "C1", "statement": "s", "nested": False, "status": "proposed",
        "status_note": "", "created_at": "_at", "updated_at": "_at", "version_id": 1,
    }),
    ("consultation_sessions", {"id": 1, "project_id": 1, "title": "Panel", "notes": "", "created_at": "_at"}),
    ("consultation_participants", {"id": 1, "session_id": 1, "user_id": 1, "name": "U", "perspective": ""}),
    ("configuration_ratings", {
        "id": 1, "participant_id": 1, "configuration_id": 1, "rating": 4, "comment": "ok",
        "created_at": "_at",
    }),
]  # fmt: skip


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_answers_given_before_the_upgrade_keep_their_rating_and_count_as_updated_when_given(
    empty_database_url,
):
    store = Store.open(empty_database_url)
    migrate.upgrade_to(store.engine, empty_database_url, BEFORE_CONSULTATION_REVISION)
    given = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    stamp = "2026-02-03 10:00:00" + ("+00:00" if store.engine.dialect.name == "postgresql" else "")
    with store.engine.begin() as conn:
        for table, row in OLD_ROWS:
            values = {k: stamp if v == "_at" else v for k, v in row.items()}
            columns, params = ", ".join(values), ", ".join(f":{k}" for k in values)
            conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)
    database.upgrade_database(store, backup=False)
    with store.transaction() as session:
        rating = session.scalars(select(ConfigurationRating)).one()
        assert (rating.rating, rating.comment, rating.missing, rating.kind_missing) == (4, "ok", "", None)
        updated = rating.updated_at
        assert (updated if updated.tzinfo else updated.replace(tzinfo=UTC)) == given
        assert session.scalars(select(ConsultationSession.mode)).one() == "live"
    store.dispose()


def test_a_second_session_with_the_same_title_is_refused_so_results_and_reports_stay_distinguishable(demo):
    store, project_id, configs = demo
    _session(store, project_id, [configs[0].id])
    with pytest.raises(Conflict, match="already has a consultation called"):
        consultations.create_session(store, OWNER, project_id, "PEER WORKERS' PANEL ")
    assert len(consultation_sessions.list_sessions(store, OWNER, project_id)) == 1
