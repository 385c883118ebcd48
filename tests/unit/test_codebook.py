"""The codebook YAML format: parsed, validated with locations, and written back unchanged."""

from pathlib import Path

import pytest
import yaml

from workbench.domain.codebook import CodebookError, CodeKind, dump_codebook, iter_codes, parse_codebook

SAMPLE = Path(__file__).resolve().parents[2] / "sample_corpus" / "codebook.yaml"
APPEAR = ["Accepting", "Personalised Practice", "Empowering", "Available", "Reciprocal"]


def load_sample():
    return parse_codebook(yaml.safe_load(SAMPLE.read_text(encoding="utf-8")))


def test_the_sample_codebook_holds_the_five_appear_contexts_with_sub_factors():
    codes = {code.name: code for _parents, code in iter_codes(load_sample())}
    for context in APPEAR:
        assert codes[context].kind is CodeKind.CONTEXT
        assert codes[context].children, f"{context} has no sub-factors"
    assert codes["I am acceptable or worthwhile"].kind is CodeKind.MECHANISM
    assert codes["Hope"].kind is CodeKind.OUTCOME


def test_a_codebook_survives_a_round_trip_through_yaml():
    codes = load_sample()
    again = parse_codebook(yaml.safe_load(yaml.safe_dump(dump_codebook(codes))))
    assert again == codes


def test_the_same_name_may_appear_under_different_parents():
    data = {
        "codes": [
            {"name": "Peer worker", "kind": "context", "children": [{"name": "Trust", "kind": "mechanism"}]},
            {"name": "Clinician", "kind": "context", "children": [{"name": "Trust", "kind": "mechanism"}]},
        ]
    }
    paths = [(parents, code.name) for parents, code in iter_codes(parse_codebook(data))]
    assert (("Peer worker",), "Trust") in paths and (("Clinician",), "Trust") in paths


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": []}, "top-level 'codes:'"),
        ({"codes": [{"name": "Hope"}]}, r"codes\[0\] \('Hope'\): 'kind' must be one of"),
        ({"codes": [{"name": "", "kind": "outcome"}]}, "'name' must be a non-empty string"),
        ({"codes": [{"name": "Hope", "kind": "outcome", "colour": "green"}]}, "'colour' must look like"),
        (
            {"codes": [{"name": "A", "kind": "context", "children": [{"name": "B", "kind": "x"}]}]},
            r"codes\[0\] \('A'\)\.children\[0\] \('B'\)",
        ),
        ({"codes": [{"name": "A", "kind": "context", "parent": "B"}]}, "unknown keys"),
    ],
)
def test_a_broken_codebook_is_refused_with_where_it_breaks(data, message):
    with pytest.raises(CodebookError, match=message):
        parse_codebook(data)
