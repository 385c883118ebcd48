"""Context-mechanism-outcome configurations (CMOCs): what makes one valid, and how evidence counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from workbench.domain.codebook import CodeKind


class ConfigurationError(ValueError):
    """A configuration whose parts do not form a context-mechanism-outcome configuration."""


class ElementRole(StrEnum):
    """The part a code plays in a configuration."""

    CONTEXT = "context"
    MECHANISM = "mechanism"
    OUTCOME = "outcome"


class ConfigurationStatus(StrEnum):
    """Where a configuration stands as the programme theory is tested."""

    PROPOSED = "proposed"
    SUPPORTED = "supported"
    REVISED = "revised"
    REFUTED = "refuted"


class CodingMode(StrEnum):
    """How a code was arrived at for an excerpt."""

    INDUCTIVE = "inductive"
    DEDUCTIVE = "deductive"
    RETRODUCTIVE = "retroductive"


_ROLE_KIND = {
    ElementRole.CONTEXT: CodeKind.CONTEXT,
    ElementRole.MECHANISM: CodeKind.MECHANISM,
    ElementRole.OUTCOME: CodeKind.OUTCOME,
}


@dataclass(frozen=True)
class Element:
    """One code in a configuration, in a role."""

    role: ElementRole
    code: str
    kind: CodeKind


def check_elements(elements: Iterable[Element]) -> None:
    """Refuse a configuration lacking a context, a mechanism or an outcome, or with a code in the
    wrong role (a mechanism code used as the context, say)."""
    elements = list(elements)
    for element in elements:
        if element.kind is not _ROLE_KIND[element.role]:
            raise ConfigurationError(
                f"code {element.code!r} is a {element.kind.value} and cannot be the "
                f"{element.role.value} of a configuration"
            )
    missing = [role.value for role in ElementRole if not any(e.role is role for e in elements)]
    if missing:
        raise ConfigurationError(f"a configuration needs at least one {' and '.join(missing)}")


def count_studies(evidence_studies: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Distinct studies behind each key (an element or a whole configuration): "coded in N papers"."""
    return {key: len(set(studies)) for key, studies in evidence_studies.items()}


def is_nested(excerpt_kinds: Iterable[set[CodeKind]]) -> bool:
    """A configuration is nested when one excerpt alone carries a context, a mechanism and an outcome."""
    needed = {CodeKind.CONTEXT, CodeKind.MECHANISM, CodeKind.OUTCOME}
    return any(needed <= kinds for kinds in excerpt_kinds)
