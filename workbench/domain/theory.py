"""Programme theory versions: snapshots of the configurations and the difference between two."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SnapshotConfiguration = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """A configuration present in both versions whose content or evidence changed."""

    label: str
    fields: dict[str, tuple[Any, Any]]
    because: str = ""  # the title of the consultation session that caused the change, if one did

    @property
    def reason(self) -> str:
        """The sentence "changed because of session <title>", or "" when no consultation caused it."""
        return f"changed because of session {self.because}" if self.because else ""


@dataclass
class TheoryDiff:
    """What changed from one version of the programme theory to another."""

    added: list[SnapshotConfiguration] = field(default_factory=list)
    removed: list[SnapshotConfiguration] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0


COMPARED = ("statement", "status", "nested", "context", "mechanisms", "outcomes", "n_studies", "n_codings")


def diff_snapshots(
    old: list[SnapshotConfiguration],
    new: list[SnapshotConfiguration],
    because: Mapping[str, str] | None = None,
) -> TheoryDiff:
    """Configurations added, removed and changed (by label), with before/after of each changed field;
    ``because`` names, by label, the consultation session the newer version's change came from."""
    before = {c["label"]: c for c in old}
    after = {c["label"]: c for c in new}
    diff = TheoryDiff(
        added=[after[label] for label in sorted(after.keys() - before.keys())],
        removed=[before[label] for label in sorted(before.keys() - after.keys())],
    )
    for label in sorted(before.keys() & after.keys()):
        fields = {
            name: (before[label].get(name), after[label].get(name))
            for name in COMPARED
            if before[label].get(name) != after[label].get(name)
        }
        if fields:
            diff.changed.append(Change(label, fields, (because or {}).get(label, "")))
        else:
            diff.unchanged += 1
    return diff
