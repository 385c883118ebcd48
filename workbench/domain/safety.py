"""Make user and document text inert where other programs would interpret it."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula (=, +, -, @) with an apostrophe."""
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


_XML_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF])


def xml_safe(value: str) -> str:
    """The text without the control characters XML cannot hold (Word and Excel files are XML)."""
    return value.translate(_XML_ILLEGAL)
