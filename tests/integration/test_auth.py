"""Password sign-in on SQLite and PostgreSQL: hashes, lockout, sessions, tickets, resets, oidc matching."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from workbench.services import auth, projects
from workbench.services import auth_tokens as tokens
from workbench.services.errors import Invalid, NotFound, PermissionDenied
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import AuthSession, Membership, PasswordReset, User

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _fast_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.DELAY_ENV, "0")
    monkeypatch.setenv(tokens.SECRET_ENV, "a test key, the same for every app server")


@pytest.fixture
def alice(store: Store) -> Store:
    auth.add_user(store, "alice", name="Alice", email="Alice@Example.org", password=PASSWORD)
    return store


def signed_in(store: Store, login: str = "alice", password: str = PASSWORD) -> str:
    return auth.redeem_ticket(store, auth.sign_in(store, login, password)).value


def test_passwords_are_stored_as_argon2id_hashes_and_emails_lower_case(alice: Store) -> None:
    with alice.transaction() as session:
        user = session.scalars(select(User).where(User.username == "alice")).one()
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert user.email == "alice@example.org"


def test_the_right_password_signs_in_through_a_ticket_and_the_cookie_names_the_user(alice: Store) -> None:
    cookie = auth.redeem_ticket(alice, auth.sign_in(alice, "alice", PASSWORD))
    assert auth.session_user(alice, cookie.value) == "alice"
    assert cookie.max_age == pytest.approx(auth.session_lifetime().total_seconds(), abs=5)


@pytest.mark.parametrize("login, password", [("alice", "wrong password!"), ("nobody", PASSWORD)])
def test_a_wrong_password_or_login_gets_the_same_message(alice: Store, login: str, password: str) -> None:
    with pytest.raises(auth.SignInFailed, match=r"^Wrong login or password\.$"):
        auth.sign_in(alice, login, password)


def test_five_failures_lock_the_account_for_fifteen_minutes_even_for_the_right_password(alice: Store) -> None:
    for _ in range(4):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(alice, "alice", "wrong password!")
    before = datetime.now(UTC)
    with pytest.raises(auth.AccountLocked, match=r"Too many failed attempts; try again after \d\d:\d\d UTC."):
        auth.sign_in(alice, "alice", "wrong password!")
    with pytest.raises(auth.AccountLocked) as locked:
        auth.sign_in(alice, "alice", PASSWORD)
    [account] = [a for a in auth.list_users(alice) if a.login == "alice"]
    assert account.locked_until is not None
    assert timedelta(minutes=14) < account.locked_until - before <= timedelta(minutes=15, seconds=5)
    assert account.locked_until.strftime("%H:%M") in str(locked.value)


def test_a_lock_ends_after_its_time_and_a_success_resets_the_count(alice: Store) -> None:
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            auth.sign_in(alice, "alice", "wrong password!")
    with alice.transaction() as session:  # fifteen minutes later
        session.execute(
            update(User).where(User.username == "alice").values(locked_until=datetime.now(UTC) - timedelta(1))
        )
    assert auth.sign_in(alice, "alice", PASSWORD)
    for _ in range(4):
        with pytest.raises(auth.SignInFailed):
            auth.sign_in(alice, "alice", "wrong password!")
    assert auth.sign_in(alice, "alice", PASSWORD)  # the 5th attempt: right, so no lock


def test_a_ticket_works_once(alice: Store) -> None:
    ticket = auth.sign_in(alice, "alice", PASSWORD)
    auth.redeem_ticket(alice, ticket)
    with pytest.raises(PermissionDenied, match="used or expired"):
        auth.redeem_ticket(alice, ticket)


def test_a_ticket_older_than_a_minute_is_refused(alice: Store) -> None:
    ticket = auth.sign_in(alice, "alice", PASSWORD)
    with alice.transaction() as session:
        session.execute(
            update(AuthSession).values(ticket_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    with pytest.raises(PermissionDenied, match="used or expired"):
        auth.redeem_ticket(alice, ticket)


def test_sign_out_revokes_the_session_on_the_server(alice: Store) -> None:
    cookie = signed_in(alice)
    auth.sign_out(alice, cookie)
    assert auth.session_user(alice, cookie) is None


def test_a_session_past_its_expiry_is_refused_even_with_a_good_signature(alice: Store) -> None:
    cookie = signed_in(alice)
    with alice.transaction() as session:
        session.execute(update(AuthSession).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert auth.session_user(alice, cookie) is None


def test_forged_tampered_and_expired_cookies_are_refused(alice: Store) -> None:
    cookie = signed_in(alice)
    token, expiry, signature = cookie.split(".")
    later = str(int(expiry) + 86_400)
    key = tokens.server_key(alice)
    past = datetime.now(UTC) - timedelta(seconds=5)
    for forged in [
        f"{token}.{later}.{signature}",  # expiry moved
        f"{token[:-1]}{'B' if token.endswith('A') else 'A'}.{expiry}.{signature}",  # token changed
        tokens.sign(b"someone else's key", token, datetime.fromtimestamp(int(expiry), UTC)),
        tokens.sign(key, token, past),  # signed by us, but expired
        tokens.sign(key, tokens.new_token(), datetime.now(UTC) + timedelta(days=1)),  # no such session
        "garbage",
        "",
    ]:
        assert auth.session_user(alice, forged) is None, forged
    assert auth.session_user(alice, cookie) == "alice"


def test_an_inactive_user_loses_their_session(alice: Store) -> None:
    cookie = signed_in(alice)
    with alice.transaction() as session:
        session.execute(update(User).where(User.username == "alice").values(active=False))
    assert auth.session_user(alice, cookie) is None
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(alice, "alice", PASSWORD)


def test_changing_the_password_needs_the_old_one_and_signs_out_other_browsers(alice: Store) -> None:
    here, elsewhere = signed_in(alice), signed_in(alice)
    with pytest.raises(PermissionDenied, match="current password is wrong"):
        auth.change_password(alice, "alice", "not my password", "a brand new password")
    with pytest.raises(Invalid, match="at least 10"):
        auth.change_password(alice, "alice", PASSWORD, "short")
    auth.change_password(alice, "alice", PASSWORD, "a brand new password", cookie=here)
    assert auth.session_user(alice, here) == "alice"
    assert auth.session_user(alice, elsewhere) is None
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(alice, "alice", PASSWORD)
    assert auth.sign_in(alice, "alice", "a brand new password")


def _project_with(store: Store, owner: str, member: str, role: Role = Role.REVIEWER) -> int:
    project_id = projects.create_project(store, owner, "Team review")
    with store.transaction() as session:
        user = session.scalars(select(User).where(User.username == member)).one()
        session.add(Membership(project_id=project_id, user_id=user.id, role=role))
    return project_id


def test_an_owner_issues_a_one_time_reset_link_for_a_member(alice: Store) -> None:
    project_id = _project_with(alice, "olivia", "alice")
    old_cookie = signed_in(alice)
    token = auth.issue_password_reset(alice, "olivia", project_id, "alice")
    assert auth.reset_login(alice, token) == "alice"
    assert auth.reset_password(alice, token, "reset to something long") == "alice"
    assert auth.sign_in(alice, "alice", "reset to something long")
    assert auth.session_user(alice, old_cookie) is None  # a reset signs out every browser
    with pytest.raises(NotFound, match="used or expired"):
        auth.reset_password(alice, token, "and once more, please")


def test_a_reset_link_expires_after_a_day(alice: Store) -> None:
    token = auth.issue_password_reset(alice, "olivia", _project_with(alice, "olivia", "alice"), "alice")
    with alice.transaction() as session:
        session.execute(update(PasswordReset).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(NotFound, match="used or expired"):
        auth.reset_password(alice, token, "reset to something long")


def test_only_an_owner_may_issue_a_reset_and_only_for_a_member(alice: Store) -> None:
    project_id = _project_with(alice, "olivia", "alice")
    auth.add_user(alice, "bob", password=PASSWORD)
    with pytest.raises(PermissionDenied):
        auth.issue_password_reset(alice, "alice", project_id, "olivia")  # a reviewer
    with pytest.raises(NotFound, match="bob is not a member"):
        auth.issue_password_reset(alice, "olivia", project_id, "bob")


def test_adding_an_existing_user_sets_their_password_and_email(store: Store) -> None:
    projects.create_project(store, "carol", "Carol's review")  # carol exists, without a password
    assert auth.add_user(store, "carol", email="CAROL@example.org", password=PASSWORD) is False
    [carol] = [a for a in auth.list_users(store) if a.login == "carol"]
    assert (carol.has_password, carol.email) == (True, "carol@example.org")
    assert auth.sign_in(store, "carol", PASSWORD)


@pytest.mark.parametrize("login", ["@consensus", "", "has space", "-dash-first", "x" * 101])
def test_invalid_and_reserved_logins_are_refused(store: Store, login: str) -> None:
    with pytest.raises(Invalid):
        auth.add_user(store, login, password=PASSWORD)


def test_oidc_matches_a_verified_email_case_insensitively(alice: Store) -> None:
    assert auth.oidc_username(alice, "ALICE@example.org", True) == "alice"
    assert auth.oidc_username(alice, "alice@example.org", None) == "alice"  # provider sends no claim
    with pytest.raises(PermissionDenied, match="not verified"):
        auth.oidc_username(alice, "alice@example.org", False)
    with pytest.raises(NotFound, match=r"No account for mallory@example\.org; ask"):
        auth.oidc_username(alice, "mallory@example.org", True)


def test_session_rows_keep_only_hashes_of_tokens_and_tickets(alice: Store) -> None:
    ticket = auth.sign_in(alice, "alice", PASSWORD)
    cookie = auth.redeem_ticket(alice, ticket).value
    with alice.transaction() as session:
        row = session.scalars(select(AuthSession)).one()
        assert row.token_hash == tokens.digest(cookie.split(".")[0])
        assert row.ticket_hash is None and ticket not in row.token_hash
