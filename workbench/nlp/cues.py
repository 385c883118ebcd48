"""Realist cue phrases, read from ``models/suggester/cues.jsonl``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workbench.domain.errors import Invalid

CATEGORIES = ("causal", "experience", "outcome", "context", "hedge", "interpretation", "method")
REASON_NAMES = {
    "causal": "causal cue",
    "experience": "experience cue",
    "outcome": "outcome cue",
    "context": "context cue",
    "hedge": "hedge",
    "interpretation": "interpretive cue",
    "method": "methods wording",
}


class CueError(Invalid):
    """A cue file line that is not a cue; the message names the line."""


@dataclass(frozen=True)
class Cue:
    """A phrase in a category, matched on lemmas in any case ("led to" also finds "leads to")."""

    category: str
    phrase: str


def parse_cue(line: str, number: int) -> Cue:
    """One line of a cue file."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CueError(f"line {number}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or data.get("category") not in CATEGORIES:
        raise CueError(f"line {number}: 'category' must be one of {', '.join(CATEGORIES)}")
    phrase = data.get("phrase")
    if not isinstance(phrase, str) or not phrase.strip():
        raise CueError(f"line {number}: 'phrase' must be a non-empty string")
    return Cue(data["category"], phrase.strip())


def read_cues(path: Path) -> list[Cue]:
    """Every cue in a JSON-lines file (blank lines skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [parse_cue(line, n) for n, line in enumerate(lines, start=1) if line.strip()]
