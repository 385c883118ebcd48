"""Make user and document text inert where other programs would interpret it."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula (=, +, -, @) with an apostrophe."""
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
