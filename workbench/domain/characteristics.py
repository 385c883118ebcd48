"""Study characteristics: the typed fields every review has, and project-defined extraction fields."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workbench.domain.errors import Invalid

TYPED_FIELDS = ("country", "setting", "discipline", "participants", "method")


class FieldType(StrEnum):
    """The kind of value a project-defined extraction field holds."""

    TEXT = "text"
    NUMBER = "number"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"


class CharacteristicError(Invalid):
    """A value that does not fit its field; the message names the field."""


@dataclass(frozen=True)
class ExtractionField:
    """A field a review team adds to extract data for its own question."""

    name: str
    type: FieldType
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise CharacteristicError("an extraction field needs a name")
        if self.name in TYPED_FIELDS:
            raise CharacteristicError(f"{self.name!r} is already a standard characteristic")
        if self.type in (FieldType.CHOICE, FieldType.MULTI_CHOICE) and not self.choices:
            raise CharacteristicError(f"field {self.name!r} needs at least one choice")


def coerce(field: ExtractionField, raw: Any) -> Any:
    """The stored value for ``raw`` entered in ``field`` (None when empty); refuses misfits."""
    if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
        return None
    if field.type is FieldType.TEXT:
        return str(raw).strip()
    if field.type is FieldType.NUMBER:
        return _number(field.name, raw)
    values = _split(raw) if field.type is FieldType.MULTI_CHOICE else [str(raw).strip()]
    unknown = [v for v in values if v not in field.choices]
    if unknown:
        allowed = ", ".join(field.choices)
        raise CharacteristicError(f"{field.name}: {', '.join(map(repr, unknown))} not among: {allowed}")
    return values if field.type is FieldType.MULTI_CHOICE else values[0]


def _number(name: str, raw: Any) -> float | int:
    try:
        value = float(str(raw).strip().replace(",", ""))
    except ValueError:
        raise CharacteristicError(f"{name}: {raw!r} is not a number") from None
    return int(value) if value.is_integer() else value


def _split(raw: Any) -> list[str]:
    if isinstance(raw, list | tuple):
        return [str(v).strip() for v in raw if str(v).strip()]
    return [part.strip() for part in str(raw).split(";") if part.strip()]


def participants(raw: Any) -> int | None:
    """The participant count: a whole number of at least zero, or None when empty."""
    if raw is None or str(raw).strip() in ("", "nan", "None"):
        return None
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise CharacteristicError(f"participants: {raw!r} is not a whole number") from None
    if value < 0 or not value.is_integer():
        raise CharacteristicError(f"participants: {raw!r} is not a whole number")
    return int(value)


def display(value: Any) -> str:
    """A stored value as text for grids and CSV (multi-choice values joined by '; ')."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
