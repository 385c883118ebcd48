"""What every reference reader shares: the result with its problems, and year and page rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.domain.studies import Reference

_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


@dataclass
class ReferenceResult:
    """References read from a file, and the problems (with file and line) met on the way."""

    references: list[Reference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def year_in(value: str) -> int | None:
    """The first four-digit year in ``value``, if any."""
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def pages(value: str) -> str:
    """A page range with one plain hyphen ("10 -- 22" becomes "10-22")."""
    return re.sub(r"\s*(?:-+|–|—)\s*", "-", value.strip())
