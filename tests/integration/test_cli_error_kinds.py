"""Every kind of ServiceError reaches the command line as one line and exit status 1, never a traceback."""

import pytest

from workbench import cli
from workbench.services import access
from workbench.services.errors import Conflict, Invalid, NotFound, PermissionDenied

from ..conftest import DEMO_OWNER, ROOT

KINDS = [NotFound, PermissionDenied, Conflict, Invalid]
DEMO = "Peer support demo"
# every command that touches a project goes through the membership check first
COMMANDS = [
    ["stats", "--project", DEMO],
    ["import", "--project", DEMO, str(ROOT / "sample_corpus" / "references.ris")],
    ["export", "configurations", "--project", DEMO, "--format", "csv", "--out", "{tmp}/t.csv"],
    ["figure", "--project", DEMO, "--all", "--format", "svg", "--out", "{tmp}/figures"],
]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_service_error_is_one_line_and_exit_1(
    kind, command, demo_sqlite_url, tmp_path, monkeypatch, capsys
):
    message = f"{kind.__name__} for the review 'APPEAR': nothing was changed"

    def failing(*_args, **_kwargs):
        raise kind(message)

    # every access check (require, require_for_work) starts by looking up the member's role
    monkeypatch.setattr(access, "member_role", failing)
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", demo_sqlite_url)
    monkeypatch.setenv("WORKBENCH_USER", DEMO_OWNER)
    status = cli.main([part.replace("{tmp}", str(tmp_path)) for part in command])
    out, err = capsys.readouterr()
    assert status == 1
    assert err.strip().splitlines() == [f"workbench: error: {message}"]
    assert "Traceback" not in out + err
