"""Every `workbench` command run into its failure modes: one clear line on stderr, exit 1, no traceback;
and `workbench stats` shows the acting user's projects only."""

from pathlib import Path

import pytest

from tests.conftest import run_workbench as workbench
from workbench.services import demo, projects, stats

DEMO = demo.DEMO_PROJECT
TABLE = ("export", "configurations", "--project", DEMO, "--format", "csv", "--out")
FIGURE = ("figure", "--project", DEMO, "--format", "svg")
# (arguments, what the one line on stderr says); {dir} is a folder holding the files made below,
# {db} the URL of a demo store; a case may run as another user or against another store
CASES = [
    (("stats", "--project", "Nope"), "no project named 'Nope'"),
    (("project", "create", " "), "a project needs a name"),
    (("project", "create", DEMO), "already exists"),
    (("extract", "{dir}/missing.pdf"), "missing.pdf: no such file"),
    (("extract", "{dir}/folder"), "folder: is a folder"),
    (("extract", "{dir}/notes.xyz"), "unsupported file type .xyz"),
    (("extract", "{dir}/empty.txt"), "the file is empty"),
    (("extract", "{dir}/broken.pdf"), "not a readable PDF"),
    (("import", "--project", "Nope", "{dir}/study.txt"), "no project named 'Nope'"),
    (("import", "--project", DEMO, "{dir}/missing.txt"), "missing.txt: no such file or folder"),
    (
        ("export", "configurations", "--project", "Nope", "--format", "csv", "--out", "{dir}/x.csv"),
        "no project",
    ),
    ((*TABLE, "{dir}/a-file/out.csv"), "a-file: "),
    ((*TABLE, "{dir}/folder"), "folder: is a directory"),
    ((*FIGURE, "--context", "Nope", "--out", "{dir}/x.svg"), "no context code named 'Nope'"),
    ((*FIGURE, "--all", "--out", "{dir}/a-file"), "a-file: file exists"),
    (("suggest", "{dir}/missing.txt", "--codebook", "{dir}/codebook.yaml"), "missing.txt: no such file"),
    (("suggest", "{dir}/study.txt", "--codebook", "{dir}/none.yaml"), "no such codebook file"),
    (("suggest", "{dir}/study.txt", "--codebook", "{dir}/broken.yaml"), "not valid YAML"),
]
STRANGER = [
    (("import", "--project", DEMO, "{dir}/study.txt"), "stranger is not a member"),
    (("stats", "--project", DEMO), "stranger is not a member"),
    ((*TABLE, "{dir}/x.csv"), "stranger is not a member"),
]
BAD_STORES = [
    ("sqlite:///{dir}/empty.db", ("stats",), "run `workbench db upgrade` first"),
    ("sqlite:///{dir}/empty.db", ("project", "list"), "run `workbench db upgrade` first"),
    ("sqlite:///{dir}/a-file", ("stats",), "could not be used (file is not a database)"),
    ("sqlite:///{dir}/a-file/x.db", ("db", "upgrade"), "a-file"),
    ("sqlite:///{dir}/a-file/x.db", ("demo",), "a-file"),
    ("nonsense://somewhere", ("stats",), "the database could not be used"),
    ("postgresql+psycopg://nobody:secret@127.0.0.1:1/none", ("project", "list"), "could not be used"),
]


@pytest.fixture(scope="module")
def place(templates, tmp_path_factory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("failures")
    (folder / "folder").mkdir()
    (folder / "a-file").write_text("not a folder", encoding="utf-8")
    (folder / "notes.xyz").write_text("x", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "empty.db").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 nothing more")
    (folder / "study.txt").write_text("Peer workers listened without judging.", encoding="utf-8")
    (folder / "codebook.yaml").write_text("codes: []\n", encoding="utf-8")
    (folder / "broken.yaml").write_text("codes: [unclosed\n", encoding="utf-8")
    url = next(templates.clone("sqlite", folder))
    return url, folder


def _check(result, expected: str) -> None:
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench: error: "), result.stderr
    assert expected in lines[0]


def _args(args: tuple[str, ...], folder: Path) -> list[str]:
    return [a.replace("{dir}", str(folder)) for a in args]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(c[0][:2]) for c in CASES])
def test_a_failing_command_prints_one_line_and_exits_non_zero(place, args, expected):
    url, folder = place
    _check(workbench(url, *_args(args, folder), user="owner"), expected)


@pytest.mark.parametrize(("args", "expected"), STRANGER, ids=[c[0][0] for c in STRANGER])
def test_a_non_member_is_refused_in_one_line(place, args, expected):
    url, folder = place
    _check(workbench(url, *_args(args, folder), user="stranger"), expected)


@pytest.mark.parametrize(("url", "args", "expected"), BAD_STORES, ids=[" ".join(c[1]) for c in BAD_STORES])
def test_an_unusable_store_is_one_line_naming_the_problem(place, url, args, expected):
    _check(workbench(url.replace("{dir}", str(place[1])), *args), expected)


def test_stats_without_a_project_shows_only_the_acting_users_projects(place):
    url, _ = place
    assert workbench(url, "project", "create", "Someone else's review", user="someone").returncode == 0
    mine = workbench(url, "stats", "--json", user="owner")
    theirs = workbench(url, "stats", "--json", user="someone")
    stranger = workbench(url, "stats", "--json", user="stranger")
    assert '"projects": 1' in mine.stdout and '"studies": 13' in mine.stdout
    assert '"projects": 1' in theirs.stdout and '"studies": 0' in theirs.stdout
    assert '"projects": 0' in stranger.stdout and '"codings": 0' in stranger.stdout


def test_store_stats_sum_the_users_projects_and_hide_the_others(store):
    projects.create_project(store, "ana", "Ana's review")
    projects.create_project(store, "ana", "Ana's second review")
    projects.create_project(store, "ben", "Ben's review")
    demo.load_demo(store, "ben")
    assert stats.store_stats(store, "ana") == dict.fromkeys(stats.COUNTED, 0) | {"projects": 2}
    bens = stats.store_stats(store, "ben")
    assert bens["projects"] == 2 and bens["studies"] == 13
    assert stats.store_stats(store, "nobody") == dict.fromkeys(stats.COUNTED, 0)
    assert stats.store_has_projects(store)
