"""`workbench user add` and `workbench user list` as an administrator scripts them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.conftest import run_workbench as workbench
from workbench.services import auth
from workbench.store.db import Store


def user_add(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, auth.DELAY_ENV: "0"}
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "user", "add", *args], input=stdin, env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_an_account_added_with_a_password_from_stdin_can_sign_in(empty_database_url: str) -> None:
    assert workbench(empty_database_url, "db", "upgrade").returncode == 0
    added = user_add(
        empty_database_url, "dana", "--name", "Dana Scully", "--email", "Dana@X.org", "--password-stdin",
        stdin="a long enough password\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "created account 'dana' with a password"
    listed = workbench(empty_database_url, "user", "list").stdout
    [row] = [line for line in listed.splitlines() if line.startswith("dana ")]
    assert row.split()[1:6] == ["Dana", "Scully", "dana@x.org", "yes", "-"]
    store = Store.open(empty_database_url)
    assert auth.sign_in(store, "dana", "a long enough password")
    store.dispose()


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_user_add_refuses_short_or_missing_passwords_and_needs_an_explicit_choice(
    empty_database_url: str,
) -> None:
    workbench(empty_database_url, "db", "upgrade")
    short = user_add(empty_database_url, "dana", "--password-stdin", stdin="short\n")
    assert (short.returncode, short.stderr.strip()) == (
        1,
        "workbench: error: a password needs at least 10 characters",
    )
    empty = user_add(empty_database_url, "dana", "--password-stdin", stdin="")
    assert empty.returncode == 1 and "no password on stdin" in empty.stderr
    neither = user_add(empty_database_url, "dana")
    assert neither.returncode == 2 and "--password-stdin" in neither.stderr
    without = user_add(empty_database_url, "dana", "--email", "dana@x.org", "--no-password")
    assert without.returncode == 0 and without.stdout.strip() == "created account 'dana'"
    assert "dana@x.org" in workbench(empty_database_url, "user", "list").stdout
