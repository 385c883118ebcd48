"""Read RIS reference files, collecting every problem with its line instead of stopping at the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.domain.studies import Reference, normalise_doi

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


@dataclass
class RisResult:
    """References read from a RIS file, and the lines that could not be read."""

    references: list[Reference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_ris(text: str, filename: str = "references.ris") -> RisResult:
    """Parse RIS text (as exported by Zotero, EndNote or Mendeley)."""
    result = RisResult()
    current: Reference | None = None
    last_tag = ""
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        match = _TAG.match(line)
        if not match:
            if current is not None and last_tag in ("AB", "N2"):
                current.abstract += " " + line.strip()
                continue
            result.problems.append(f"{filename} line {number}: not a RIS tag line: {line[:60]!r}")
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        last_tag = tag
        if tag == "TY":
            current = Reference(source_line=number)
        elif current is None:
            result.problems.append(f"{filename} line {number}: {tag} before any 'TY  -' record start")
        elif tag == "ER":
            result.references.append(current)
            current = None
        else:
            _apply(current, tag, value)
    if current is not None:
        result.problems.append(f"{filename} line {current.source_line}: record has no 'ER  -' end")
        result.references.append(current)
    return result


def _apply(ref: Reference, tag: str, value: str) -> None:
    if tag in ("AU", "A1", "A2"):
        ref.authors.append(value)
    elif tag in ("TI", "T1"):
        ref.title = value
    elif tag in ("T2", "JO", "JF"):
        ref.journal = ref.journal or value
    elif tag in ("PY", "Y1"):
        year = re.match(r"\d{4}", value)
        ref.year = int(year.group()) if year else None
    elif tag == "VL":
        ref.volume = value
    elif tag == "IS":
        ref.issue = value
    elif tag == "SP":
        ref.pages = value
    elif tag == "EP":
        ref.pages = f"{ref.pages}-{value}" if ref.pages else value
    elif tag == "DO":
        ref.doi = normalise_doi(value)
    elif tag in ("AB", "N2"):
        ref.abstract = value
    elif tag == "KW":
        ref.keywords.append(value)
