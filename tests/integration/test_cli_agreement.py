"""`workbench agreement` as a script runs it: the exact JSON contract, the table, and refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import Templates, run_workbench
from tests.integration.agreement_project import ALICE, BOB, CAROL, ERIN, NAME, SAM, build
from workbench.store.db import Store


@pytest.fixture
def url(templates: Templates, tmp_path) -> Iterator[str]:
    for clone in templates.clone("sqlite", tmp_path, demo=False):
        store = Store.open(clone)
        build(store)
        store.dispose()
        yield clone


def test_the_json_output_is_exactly_the_contract(url):
    result = run_workbench(url, "agreement", "--project", NAME, "--json", user=ALICE)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["unit", "coders", "documents", "overall", "codes"]
    assert out["unit"] == "character" and out["coders"] == [ALICE, BOB] and out["documents"] == 1
    assert list(out["overall"]) == ["agreement", "kappa", "alpha"]
    # 20 characters x 2 codes = 40 pairs: both 7, only alice 7, only bob 9, neither 17
    # agreement 24/40; chance (14*16 + 26*24)/1600 = 0.53, kappa 0.07/0.47; alpha 1 - 79*16/(30*50)
    assert out["overall"] == pytest.approx({"agreement": 0.6, "kappa": 7 / 47, "alpha": 236 / 1500})
    assert [list(c) for c in out["codes"]] == [["code", "path", "agreement", "kappa", "alpha"]] * 2
    peer, hope = out["codes"]
    # Peer: alice [0,10), bob [5,15): 5 each of both/only alice/only bob/neither; chance 0.5, kappa 0
    # alpha 1 - 39*10/(20*20)
    assert (peer["code"], peer["path"]) == ("Peer", "Contexts/Peer")
    assert peer == pytest.approx({**peer, "agreement": 0.5, "kappa": 0.0, "alpha": 0.025})
    # Hope: alice [0,4), bob [0,2)+[16,20): both 2, only alice 2, only bob 4, neither 12
    # agreement 0.7; chance 0.2*0.3 + 0.8*0.7 = 0.62, kappa 0.08/0.38; alpha 1 - 39*6/(10*30)
    assert (hope["code"], hope["path"]) == ("Hope", "Outcomes/Hope")
    assert hope == pytest.approx({**hope, "agreement": 0.7, "kappa": 4 / 19, "alpha": 0.22})
    assert all(
        isinstance(v, float)
        for c in [out["overall"], peer, hope]
        for k, v in c.items()
        if k in out["overall"]
    )


def test_undefined_kappa_and_alpha_are_json_null(url):
    # carol and erin both coded all 20 characters of s01 with Peer and nothing else: every pair is
    # (1, 1), so agreement is 1, chance agreement is 1 (kappa undefined) and there is no variation
    result = run_workbench(
        url, "agreement", "--project", NAME, "--json", "--coders", f"{CAROL},{ERIN}", user=ALICE
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["coders"] == [CAROL, ERIN]
    assert out["overall"] == {"agreement": 1.0, "kappa": None, "alpha": None}
    assert out["codes"] == [
        {"code": "Peer", "path": "Contexts/Peer", "agreement": 1.0, "kappa": None, "alpha": None}
    ]


def test_the_table_lists_codes_worst_first(url):
    result = run_workbench(url, "agreement", "--project", NAME, "--unit", "excerpt", user=ALICE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "alice vs bob: 1 shared documents, excerpt units"
    assert [line.split()[0] for line in lines[2:]] == ["(overall)", "Contexts/Peer", "Outcomes/Hope"]


@pytest.mark.parametrize(
    ("args", "user", "message"),
    [
        (["--coders", "alice,nobody"], ALICE, "workbench: error: there is no user 'nobody'"),
        (["--coders", "alice,dave"], ALICE, "workbench: error: dave has no codings in this project"),
        ([], SAM, "workbench: error: sam is a stakeholder here and may not compare coders and see agreement"),
    ],
)
def test_a_refusal_is_one_line_and_exit_status_1(url, args, user, message):
    result = run_workbench(url, "agreement", "--project", NAME, "--json", *args, user=user)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (1, "", message)
