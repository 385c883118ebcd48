"""Realist appraisal (relevance and rigour) and the optional CASP qualitative checklist."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from workbench.domain.errors import Invalid

CASP_QUESTIONS = (
    "Was there a clear statement of the aims of the research?",
    "Is a qualitative methodology appropriate?",
    "Was the research design appropriate to address the aims of the research?",
    "Was the recruitment strategy appropriate to the aims of the research?",
    "Was the data collected in a way that addressed the research issue?",
    "Has the relationship between researcher and participants been adequately considered?",
    "Have ethical issues been taken into consideration?",
    "Was the data analysis sufficiently rigorous?",
    "Is there a clear statement of findings?",
    "Is the research valuable?",
)


class CaspAnswer(StrEnum):
    """An answer to one CASP question."""

    YES = "yes"
    NO = "no"
    CANT_TELL = "can't tell"


class AppraisalError(Invalid):
    """An appraisal that cannot be stored as given."""


def check_casp(answers: Mapping[str, str]) -> dict[str, str]:
    """Validated CASP answers keyed by question number "1".."10" (unanswered questions omitted)."""
    out: dict[str, str] = {}
    for key, answer in answers.items():
        if not answer:
            continue
        if key not in {str(i) for i in range(1, len(CASP_QUESTIONS) + 1)}:
            raise AppraisalError(f"CASP has questions 1-{len(CASP_QUESTIONS)}, not {key!r}")
        try:
            out[key] = CaspAnswer(answer).value
        except ValueError:
            raise AppraisalError(f"CASP question {key}: answer yes, no or can't tell") from None
    return out


def casp_score(answers: Mapping[str, str]) -> int:
    """The CASP total: how many questions are answered yes."""
    return sum(1 for answer in answers.values() if answer == CaspAnswer.YES)


def casp_summary(answers: Mapping[str, str]) -> str:
    """ "7/10 yes" when any question is answered, else an empty string."""
    if not answers:
        return ""
    return f"{casp_score(answers)}/{len(CASP_QUESTIONS)} yes"
