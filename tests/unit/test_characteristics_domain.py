"""Extraction fields coerce what reviewers type, and the CASP checklist adds up."""

import pytest

from workbench.domain.appraisal import AppraisalError, casp_score, casp_summary, check_casp
from workbench.domain.characteristics import (
    CharacteristicError,
    ExtractionField,
    FieldType,
    coerce,
    display,
    participants,
)
from workbench.domain.safety import neutralise_formula

SETTING = ExtractionField("Peer role", FieldType.CHOICE, ("paid", "volunteer"))
OUTCOMES = ExtractionField("Outcomes measured", FieldType.MULTI_CHOICE, ("hope", "stigma", "recovery"))


@pytest.mark.parametrize(
    ("field", "raw", "stored"),
    [
        (ExtractionField("Notes", FieldType.TEXT), "  weekly groups ", "weekly groups"),
        (ExtractionField("Follow-up (months)", FieldType.NUMBER), "12", 12),
        (ExtractionField("Dose (hours)", FieldType.NUMBER), "1,5".replace(",", "."), 1.5),
        (SETTING, "paid", "paid"),
        (OUTCOMES, "hope; recovery", ["hope", "recovery"]),
        (OUTCOMES, ["stigma"], ["stigma"]),
        (SETTING, "", None),
    ],
)
def test_values_are_stored_in_their_fields_type(field, raw, stored):
    assert coerce(field, raw) == stored


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        (ExtractionField("Follow-up", FieldType.NUMBER), "a year", "Follow-up: 'a year' is not a number"),
        (SETTING, "sessional", "'sessional' not among: paid, volunteer"),
        (OUTCOMES, "hope; joy", "'joy' not among"),
    ],
)
def test_values_that_do_not_fit_are_refused_naming_the_field(field, raw, message):
    with pytest.raises(CharacteristicError, match=message):
        coerce(field, raw)


def test_choice_fields_need_choices_and_cannot_shadow_standard_fields():
    with pytest.raises(CharacteristicError, match="needs at least one choice"):
        ExtractionField("Role", FieldType.CHOICE)
    with pytest.raises(CharacteristicError, match="already a standard characteristic"):
        ExtractionField("country", FieldType.TEXT)


@pytest.mark.parametrize(("raw", "count"), [("24", 24), (24.0, 24), ("", None), (None, None)])
def test_participants_are_whole_numbers(raw, count):
    assert participants(raw) == count


@pytest.mark.parametrize("raw", ["-3", "2.5", "many"])
def test_participants_that_are_not_whole_numbers_are_refused(raw):
    with pytest.raises(CharacteristicError):
        participants(raw)


def test_multi_choice_values_display_joined():
    assert display(["hope", "stigma"]) == "hope; stigma" and display(None) == ""


def test_casp_answers_are_checked_and_scored():
    answers = check_casp({"1": "yes", "2": "no", "3": "can't tell", "4": "yes", "5": ""})
    assert answers == {"1": "yes", "2": "no", "3": "can't tell", "4": "yes"}
    assert casp_score(answers) == 2 and casp_summary(answers) == "2/10 yes"
    assert casp_summary({}) == ""
    with pytest.raises(AppraisalError, match="questions 1-10"):
        check_casp({"11": "yes"})
    with pytest.raises(AppraisalError, match="yes, no or can't tell"):
        check_casp({"1": "maybe"})


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("@SUM", "'@SUM"),
     ("-2", "'-2"), ("peer-led", "peer-led"), ("", "")],
)  # fmt: skip
def test_spreadsheet_formulas_are_neutralised(value, safe):
    assert neutralise_formula(value) == safe
