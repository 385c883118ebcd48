"""Sign-in secrets: the server key, signed session cookies, one-time tokens and argon2id password hashes."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from workbench.store.db import DEFAULT_SQLITE_PATH, Store, sqlite_path

SECRET_ENV = "WORKBENCH_SECRET_KEY"
KEY_FILE = "workbench.secret-key"  # beside an SQLite file, else in data/; git-ignored

_HASHER = PasswordHasher(type=Type.ID)  # argon2id with argon2-cffi's recommended cost (RFC 9106 low-memory)
_KEYS: dict[Path, bytes] = {}


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted; the parameters are in the hash)."""
    return _HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a missing hash never matches (same time either way)."""
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """Verified when the login does not exist, so a wrong login costs the same time as a wrong
    password; made on first use, not at import (an argon2id hash costs every command ~0.4 s)."""
    return _HASHER.hash("not a password of anyone")


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehash it after a good sign-in)."""
    return _HASHER.check_needs_rehash(stored_hash)


def new_token() -> str:
    """A random URL-safe token (256 bits); only its :func:`digest` is stored."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The SHA-256 hex digest stored in place of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def key_file(store: Store) -> Path:
    """Where the server key is kept when ``WORKBENCH_SECRET_KEY`` is unset."""
    path = sqlite_path(store.engine.url.render_as_string(hide_password=False))
    return (path.parent if path is not None else DEFAULT_SQLITE_PATH.parent) / KEY_FILE


def server_key(store: Store) -> bytes:
    """``WORKBENCH_SECRET_KEY``, else a key file created once (mode 0600) and read from then on."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode()
    path = key_file(store).resolve()
    if path not in _KEYS:
        _KEYS[path] = _read_or_create_key(path)
    return _KEYS[path]


def _read_or_create_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made earlier, or just now by another app server on this machine
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_hex(32).encode())
    return path.read_bytes().strip()


@dataclass(frozen=True)
class SignedToken:
    """What a session cookie carries: the token and its expiry, signed with the server key."""

    token: str
    expires_at: datetime


def sign(key: bytes, token: str, expires_at: datetime) -> str:
    """The cookie value ``<token>.<expiry as Unix seconds>.<HMAC-SHA256 of both>``."""
    payload = f"{token}.{int(expires_at.timestamp())}"
    return f"{payload}.{hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()}"


def verify(key: bytes, value: str, now: datetime) -> SignedToken | None:
    """The token of a cookie value whose signature is right and which has not expired; else None."""
    parts = value.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    token, expiry, signature = parts
    expected = hmac.new(key, f"{token}.{expiry}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return None
    expires_at = datetime.fromtimestamp(int(expiry), UTC)
    return SignedToken(token, expires_at) if expires_at > now else None
