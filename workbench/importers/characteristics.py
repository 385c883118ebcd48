"""Read a study characteristics CSV (one row per study, keyed by the study's file stem)."""

from __future__ import annotations

import csv
import io
from typing import Any

from workbench.importers.errors import ImportProblem

TYPED_COLUMNS = ("country", "setting", "discipline", "participants", "method", "relevance", "rigour")


def parse_characteristics(text: str, filename: str = "characteristics.csv") -> dict[str, dict[str, Any]]:
    """Map study key -> characteristics; unknown columns go into ``extras``."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "study" not in reader.fieldnames:
        raise ImportProblem(filename, "the header needs a 'study' column", "line 1")
    rows: dict[str, dict[str, Any]] = {}
    for number, row in enumerate(reader, start=2):
        key = (row.pop("study") or "").strip()
        if not key:
            raise ImportProblem(filename, "empty study key", f"line {number}")
        values: dict[str, Any] = {c: (row.pop(c, "") or "").strip() for c in TYPED_COLUMNS}
        participants = values["participants"]
        if participants and not participants.isdigit():
            raise ImportProblem(
                filename, f"participants must be a whole number, got {participants!r}", f"line {number}"
            )
        values["participants"] = int(participants) if participants else None
        values["relevance_note"] = values["rigour_note"] = ""
        note = (row.pop("appraisal_notes", "") or "").strip()
        values["rigour_note"] = note
        values["extras"] = {k: v for k, v in row.items() if k and v}
        rows[key] = values
    return rows
