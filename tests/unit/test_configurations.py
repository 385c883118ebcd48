"""A configuration needs a context, a mechanism and an outcome, each a code of the right kind."""

import pytest

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import (
    ConfigurationError,
    Element,
    ElementRole,
    check_elements,
    count_studies,
    is_nested,
)

C = Element(ElementRole.CONTEXT, "Shared lived experience", CodeKind.CONTEXT)
M = Element(ElementRole.MECHANISM, "Others are safe, trusted or like me", CodeKind.MECHANISM)
OUT = Element(ElementRole.OUTCOME, "Hope", CodeKind.OUTCOME)


def test_a_complete_configuration_passes():
    check_elements([C, M, OUT])


@pytest.mark.parametrize(
    ("elements", "missing"), [([C, M], "outcome"), ([M, OUT], "context"), ([C], "mechanism and outcome")]
)
def test_a_configuration_missing_a_part_is_refused(elements, missing):
    with pytest.raises(ConfigurationError, match=missing):
        check_elements(elements)


def test_a_mechanism_code_cannot_be_the_context():
    wrong = Element(ElementRole.CONTEXT, "Others are safe, trusted or like me", CodeKind.MECHANISM)
    with pytest.raises(ConfigurationError, match="is a mechanism and cannot be the context"):
        check_elements([wrong, M, OUT])


def test_studies_are_counted_once_however_many_excerpts_they_give():
    assert count_studies({"Hope": ["s01", "s01", "s02"], "Trust": []}) == {"Hope": 2, "Trust": 0}


def test_nested_means_one_excerpt_carries_all_three_kinds():
    assert is_nested([{CodeKind.CONTEXT}, {CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME}])
    assert not is_nested([{CodeKind.CONTEXT, CodeKind.MECHANISM}, {CodeKind.OUTCOME}])
