"""The sign-in settings: which modes exist, where ``local`` may serve, and the server key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from workbench.services import auth
from workbench.services import auth_tokens as tokens
from workbench.services.errors import Invalid
from workbench.store.db import Store


@pytest.mark.parametrize("value, expected", [(None, "local"), ("password", "password"), (" OIDC ", "oidc")])
def test_the_mode_comes_from_workbench_auth(monkeypatch: pytest.MonkeyPatch, value, expected) -> None:
    if value is None:
        monkeypatch.delenv(auth.MODE_ENV, raising=False)
    else:
        monkeypatch.setenv(auth.MODE_ENV, value)
    assert auth.mode() == expected


def test_an_unknown_mode_is_refused_naming_the_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.MODE_ENV, "ldap")
    with pytest.raises(Invalid, match="local, password, oidc"):
        auth.mode()


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_local_mode_serves_loopback_addresses(address: str) -> None:
    assert auth.startup_problem("local", address) is None


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "192.168.1.20", "review.example.org", "::"])
def test_local_mode_refuses_other_addresses_and_names_the_modes_to_use(address: str | None) -> None:
    problem = auth.startup_problem("local", address)
    assert problem is not None
    assert "WORKBENCH_AUTH=password" in problem and "WORKBENCH_AUTH=oidc" in problem


@pytest.mark.parametrize("mode", ["password", "oidc"])
def test_signed_in_modes_serve_any_address(mode: str) -> None:
    assert auth.startup_problem(mode, "0.0.0.0") is None


def test_without_a_configured_key_one_is_made_once_beside_the_sqlite_file_readable_only_by_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tokens.SECRET_ENV, raising=False)
    store = Store.open(f"sqlite:///{tmp_path / 'review.db'}")
    key = tokens.server_key(store)
    path = tmp_path / tokens.KEY_FILE
    assert path.read_bytes().strip() == key and len(key) >= 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    tokens._KEYS.clear()  # another app server process reading the same file
    assert tokens.server_key(store) == key
    store.dispose()


def test_a_configured_key_wins_over_the_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(tokens.SECRET_ENV, "shared by every app server")
    store = Store.open(f"sqlite:///{tmp_path / 'review.db'}")
    assert tokens.server_key(store) == b"shared by every app server"
    assert not (tmp_path / tokens.KEY_FILE).exists()
    store.dispose()
