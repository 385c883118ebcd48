"""Who is acting: the WORKBENCH_AUTH modes, accounts, password sign-in with sessions, resets, oidc matching.

The acting user still reaches every other service as a username; this module only decides which one.
``local``: the login name or ``WORKBENCH_USER``. ``password``: a signed cookie backed by an
``AuthSession`` row (sign-out revokes the row). ``oidc``: Streamlit's ``st.user``, matched by e-mail.
"""

from __future__ import annotations

import ipaddress
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.services import auth_tokens as tokens
from workbench.services.access import Action, require
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import AuthSession, PasswordReset, User

MODE_ENV = "WORKBENCH_AUTH"
MODES = ("local", "password", "oidc")
SESSION_DAYS_ENV = "WORKBENCH_SESSION_DAYS"
DELAY_ENV = "WORKBENCH_SIGN_IN_DELAY"  # seconds a failed sign-in waits before answering (default 1)
MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
TICKET_TIME = timedelta(seconds=60)
RESET_TIME = timedelta(hours=24)
MIN_PASSWORD = 10
SEEN_EVERY = timedelta(minutes=5)  # how often a session's last_seen_at is written
LOGIN_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
WRONG = "Wrong login or password."
LOCKED = "Too many failed attempts; try again after {time} UTC."


class SignInFailed(PermissionDenied):
    """A wrong login or password (the message never says which)."""


class AccountLocked(PermissionDenied):
    """Too many failed sign-ins in a row: the account waits until ``locked_until``."""


@dataclass(frozen=True)
class Account:
    """A user as ``workbench user list`` shows it."""

    login: str
    name: str
    email: str | None
    has_password: bool
    locked_until: datetime | None
    active: bool


@dataclass(frozen=True)
class Cookie:
    """A session cookie to set: its value and how many seconds the browser keeps it."""

    value: str
    max_age: int


def mode() -> str:
    """The sign-in mode, ``WORKBENCH_AUTH`` (default ``local``); Invalid for anything else."""
    value = (os.environ.get(MODE_ENV) or "local").strip().lower()
    if value not in MODES:
        raise Invalid(f"{MODE_ENV}={value!r} is not a sign-in mode; use one of: {', '.join(MODES)}")
    return value


def startup_problem(auth_mode: str, address: str | None) -> str | None:
    """Why the app must not serve ``auth_mode`` on ``address`` (None: fine). Empty means every interface."""
    if auth_mode != "local" or _is_loopback(address):
        return None
    where = address or "every network interface"
    return (
        f"WORKBENCH_AUTH=local has no sign-in, so it only serves 127.0.0.1; this server listens on {where}. "
        "Set WORKBENCH_AUTH=password (accounts with passwords) or WORKBENCH_AUTH=oidc (an identity "
        "provider), or pass --server.address 127.0.0.1."
    )


def _is_loopback(address: str | None) -> bool:
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def session_lifetime() -> timedelta:
    """How long a sign-in lasts: ``WORKBENCH_SESSION_DAYS`` (default 14)."""
    return timedelta(days=float(os.environ.get(SESSION_DAYS_ENV) or 14))


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stamp here is UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def check_login(login: str) -> str:
    """``login`` if it is a valid username (and not the reserved consensus user); else Invalid."""
    if not LOGIN_PATTERN.fullmatch(login) or login == queries.CONSENSUS_USERNAME:
        raise Invalid(f"{login!r} is not a valid login: letters, digits and . _ @ - (up to 100)")
    return login


def check_password(password: str) -> str:
    """``password`` if it is long enough; else Invalid."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def add_user(
    store: Store, login: str, name: str = "", email: str | None = None, password: str | None = None
) -> bool:
    """Create an account, or set the name, e-mail and password of an existing one; True if created."""
    check_login(login)
    email = email.strip().lower() if email else None
    hashed = tokens.hash_password(check_password(password)) if password is not None else None
    try:
        with store.transaction() as session:
            user = queries.user_by_name(session, login)
            created = user is None
            if user is None:
                user = User(username=login, display_name=name or login)
                session.add(user)
            elif name:
                user.display_name = name
            if email:
                user.email = email
            if hashed:
                user.password_hash = hashed
                user.failed_sign_ins, user.locked_until = 0, None
            session.flush()
            return created
    except IntegrityError:
        raise Conflict(f"another account already has the e-mail {email}") from None


def list_users(store: Store) -> list[Account]:
    """Every account (the reserved consensus user aside), by login."""
    with store.transaction() as session:
        users = session.scalars(select(User).order_by(User.username))
        return [_account(u) for u in users if u.username != queries.CONSENSUS_USERNAME]


def _account(user: User) -> Account:
    locked = _aware(user.locked_until)
    if locked is not None and locked <= _now():
        locked = None
    return Account(
        user.username, user.display_name, user.email, user.password_hash is not None, locked, user.active
    )


def sign_in(store: Store, login: str, password: str) -> str:
    """Check a password; returns a one-time ticket (60 s) that ``/auth/complete`` trades for the cookie.

    Wrong: SignInFailed after a short wait. Five wrong in a row lock the account for 15 minutes:
    AccountLocked, which names the time it opens again. A right password resets the count.
    """
    ticket = tokens.new_token()
    with store.transaction() as session:
        outcome = _check_password(session, login, password, ticket)
    if isinstance(outcome, str):
        return outcome
    time.sleep(float(os.environ.get(DELAY_ENV) or 1))  # outside the transaction: slows guessing only
    if outcome is not None:
        raise AccountLocked(LOCKED.format(time=outcome.strftime("%H:%M")))
    raise SignInFailed(WRONG)


def _check_password(session: Session, login: str, password: str, ticket: str) -> str | datetime | None:
    """The ticket on success; the lock's end when locked; None when wrong (the failure is counted)."""
    user = session.scalar(select(User).where(User.username == login).with_for_update())
    now = _now()
    locked_until = _aware(user.locked_until) if user else None
    if user is not None and locked_until is not None and locked_until > now:
        return locked_until
    matches = tokens.password_matches(user.password_hash if user else None, password)  # same time if no user
    if user is None:
        return None
    if not matches or not user.active:
        user.failed_sign_ins += 1
        if user.failed_sign_ins >= MAX_FAILURES:
            user.failed_sign_ins, user.locked_until = 0, now + LOCK_TIME
            return user.locked_until
        return None
    assert user.password_hash is not None
    if tokens.needs_rehash(user.password_hash):
        user.password_hash = tokens.hash_password(password)
    user.failed_sign_ins, user.locked_until = 0, None
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=tokens.digest(tokens.new_token()),  # replaced when the ticket is redeemed
            ticket_hash=tokens.digest(ticket),
            ticket_expires_at=now + TICKET_TIME,
            expires_at=now + session_lifetime(),
        )
    )
    return ticket


def redeem_ticket(store: Store, ticket: str) -> Cookie:
    """Trade a sign-in ticket (once, within 60 s) for the session cookie's signed value."""
    token = tokens.new_token()
    with store.transaction() as session:
        row = session.scalar(
            select(AuthSession).where(AuthSession.ticket_hash == tokens.digest(ticket)).with_for_update()
        )
        now = _now()
        if row is None or row.revoked_at is not None or (_aware(row.ticket_expires_at) or now) <= now:
            raise PermissionDenied("This sign-in link is used or expired; sign in again.")
        row.ticket_hash, row.ticket_expires_at = None, None
        row.token_hash = tokens.digest(token)
        expires_at = _aware(row.expires_at) or now
    value = tokens.sign(tokens.server_key(store), token, expires_at)
    return Cookie(value, max(0, int((expires_at - now).total_seconds())))


def session_user(store: Store, cookie: str | None) -> str | None:
    """The username a session cookie signs in, or None (forged, expired, revoked, or inactive user)."""
    if not cookie:
        return None
    now = _now()
    signed = tokens.verify(tokens.server_key(store), cookie, now)
    if signed is None:
        return None
    with store.transaction() as session:
        row = session.scalar(select(AuthSession).where(AuthSession.token_hash == tokens.digest(signed.token)))
        if row is None or row.revoked_at is not None or (_aware(row.expires_at) or now) <= now:
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        if now - (_aware(row.last_seen_at) or now) > SEEN_EVERY:
            row.last_seen_at = now
        return user.username


def sign_out(store: Store, cookie: str | None) -> None:
    """Revoke the session behind a cookie (nothing happens for an unknown or forged one)."""
    signed = tokens.verify(tokens.server_key(store), cookie or "", _now())
    if signed is None:
        return
    with store.transaction() as session:
        row = session.scalar(select(AuthSession).where(AuthSession.token_hash == tokens.digest(signed.token)))
        if row is not None and row.revoked_at is None:
            row.revoked_at = _now()


def _revoke_sessions(session: Session, user_id: int, keep_token: str | None = None) -> None:
    rows = session.scalars(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    )
    keep = tokens.digest(keep_token) if keep_token else None
    for row in rows:
        if row.token_hash != keep:
            row.revoked_at = _now()


def change_password(
    store: Store, username: str, old_password: str, new_password: str, cookie: str | None = None
) -> None:
    """Set a new password, given the old one; signs out every other browser of this user."""
    check_password(new_password)
    signed = tokens.verify(tokens.server_key(store), cookie, _now()) if cookie else None
    with store.transaction() as session:
        user = queries.user_by_name(session, username)
        if user is None or not tokens.password_matches(user.password_hash, old_password):
            raise PermissionDenied("The current password is wrong.")
        user.password_hash = tokens.hash_password(new_password)
        _revoke_sessions(session, user.id, signed.token if signed else None)


def issue_password_reset(store: Store, owner_username: str, project_id: int, login: str) -> str:
    """A one-time token (24 h) for ``/?reset=TOKEN``; an owner issues it for a member of their project."""
    token = tokens.new_token()
    with store.transaction() as session:
        owner = require(session, project_id, owner_username, Action.MANAGE_MEMBERS)
        user = queries.user_by_name(session, login)
        if user is None or queries.membership(session, project_id, user.id) is None:
            raise NotFound(f"{login} is not a member of this project")
        reset = PasswordReset(
            user_id=user.id, token_hash=tokens.digest(token), created_by_id=owner.id,
            expires_at=_now() + RESET_TIME,
        )  # fmt: skip
        session.add(reset)
        session.flush()
        record(
            session, action=AuditAction.CREATE, entity_type="password reset", entity_id=reset.id,
            user_id=owner.id, project_id=project_id, after={"for": login},
        )  # fmt: skip
    return token


def reset_login(store: Store, token: str) -> str:
    """The login a reset link is for, while it is unused and unexpired; else NotFound."""
    with store.transaction() as session:
        reset = _open_reset(session, token)
        user = session.get(User, reset.user_id)
        assert user is not None
        return user.username


def _open_reset(session: Session, token: str) -> PasswordReset:
    reset = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == tokens.digest(token)).with_for_update()
    )
    if reset is None or reset.used_at is not None or (_aware(reset.expires_at) or _now()) <= _now():
        raise NotFound("This reset link is used or expired; ask a project owner for a new one.")
    return reset


def reset_password(store: Store, token: str, new_password: str) -> str:
    """Set a new password through a reset link (once); unlocks the account and signs out its sessions."""
    check_password(new_password)
    with store.transaction() as session:
        reset = _open_reset(session, token)
        user = session.get(User, reset.user_id)
        assert user is not None
        reset.used_at = _now()
        user.password_hash = tokens.hash_password(new_password)
        user.failed_sign_ins, user.locked_until = 0, None
        _revoke_sessions(session, user.id)
        return user.username


def oidc_username(store: Store, email: str | None, verified: bool | None) -> str:
    """The account whose e-mail the identity provider vouches for (case-insensitive).

    ``verified`` is the ``email_verified`` claim: False is refused; None (a provider that does not
    send the claim) is accepted, as README says. No account: NotFound naming the e-mail.
    """
    address = (email or "").strip().lower()
    if not address:
        raise PermissionDenied("Your identity provider sent no e-mail address.")
    if verified is False:
        raise PermissionDenied(f"Your identity provider has not verified {address}.")
    with store.transaction() as session:
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        if user is None or not user.active:
            raise NotFound(f"No account for {address}; ask a project owner to add you.")
        return user.username
