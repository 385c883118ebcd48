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
    return value if value.isprintable() else value.translate(_XML_ILLEGAL)  # each of them is unprintable


def xml_text(value: str) -> str:
    """The text as an XML element's content: what XML cannot hold dropped, ``& < >`` escaped, and a
    carriage return written ``&#13;`` (a bare one would be read back as a line feed)."""
    escaped = xml_safe(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped if "\r" not in escaped else escaped.replace("\r", "&#13;")
