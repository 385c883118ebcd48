"""The `workbench` command as a script uses it: upgrade, demo, stats; and its help is documented."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_workbench as workbench
from workbench.cli import COMMAND_MODULES, build_parser
from workbench.importers.text import extract_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_upgrade_then_demo_twice_leaves_the_same_counts(empty_database_url):
    assert workbench(empty_database_url, "db", "upgrade").returncode == 0
    first = workbench(empty_database_url, "demo")
    assert first.returncode == 0, first.stderr
    assert "loaded" in first.stdout
    counts = json.loads(workbench(empty_database_url, "stats", "--json").stdout)
    again = workbench(empty_database_url, "demo")
    assert "already present" in again.stdout
    assert json.loads(workbench(empty_database_url, "stats", "--json").stdout) == counts
    assert counts["projects"] == 1 and counts["studies"] >= 12
    demo = json.loads(
        workbench(empty_database_url, "stats", "--project", "Peer support demo", "--json").stdout
    )
    assert demo == counts


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_stats_of_an_unknown_project_is_a_clear_error(empty_database_url):
    workbench(empty_database_url, "db", "upgrade")
    result = workbench(empty_database_url, "stats", "--project", "Nope", "--json")
    assert result.returncode == 1
    assert result.stderr.strip() == "workbench: error: no project named 'Nope'"


def _commands(parser, prefix=()):
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            if sub._subparsers:
                yield from _commands(sub, (*prefix, name))
            else:
                yield " ".join((*prefix, name))


def test_every_cli_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(build_parser()))
    assert "db upgrade" in commands and "stats" in commands
    missing = [c for c in commands if f"workbench {c}" not in readme]
    assert missing == []


def _top_level(parser):
    return parser._subparsers._group_actions[0].choices


def test_a_command_run_alone_has_the_same_options_and_help_as_in_the_whole_command():
    whole = _top_level(build_parser())
    alone_commands = [name for name in whole if name in COMMAND_MODULES]
    assert {"bundle", "suggest", "qdpx", "consultation", "user"} <= set(alone_commands)
    for name in alone_commands:
        alone = _top_level(build_parser(name))
        assert name in alone, f"{name}: its module does not register it"
        assert alone[name].format_help() == whole[name].format_help()
    one_each = {module: name for name, module in COMMAND_MODULES.items()}.values()
    registered = {name for one in one_each for name in _top_level(build_parser(one))}
    assert registered == set(COMMAND_MODULES)  # every command a module registers is in the table


def test_workbench_bundle_loads_no_other_command_nor_the_database_layer_before_its_workers_start():
    code = (
        "import sys; from workbench import cli; cli.build_parser('bundle'); "
        "print(sorted(m for m in sys.modules if m.startswith(('workbench.cli_', 'sqlalchemy'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['workbench.cli_publish']"


@pytest.mark.parametrize(
    "name", ["s01_acute_ward.txt", "s03_early_intervention.docx", "s09_veterans_ptsd.pdf", "s08_perinatal.md"]
)
def test_extract_prints_exactly_the_text_the_importer_stores(name):
    path = ROOT / "sample_corpus" / "studies" / name
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "extract", str(path)],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.decode("utf-8") == extract_file(path).text
    pages = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "extract", "--pages-json", str(path)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(pages.stdout) == extract_file(path).page_starts


def test_extract_of_a_broken_file_says_what_failed_without_a_database(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 nothing more")
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "extract", str(broken)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "WORKBENCH_DATABASE_URL": "sqlite:///:memory:"},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("workbench: error: broken.pdf")
    assert "not a readable PDF" in result.stderr
