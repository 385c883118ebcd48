"""What text the store accepts on every database: no control characters, lengths within the columns."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from workbench.domain.studies import Reference

# Column sizes of workbench/store/models.py (PostgreSQL refuses longer values; SQLite keeps them).
STUDY_KEY_MAX = 200
JOURNAL_MAX = 300
VOLUME_MAX = ISSUE_MAX = PAGES_MAX = 50
DOI_MAX = 200
SOURCE_FILENAME_MAX = 500
CODE_NAME_MAX = 300
TITLE_MAX = 2000
"""Not a column limit (titles are TEXT) but a sane one: longer "titles" are parsing accidents."""
KEY_SUFFIX_ROOM = 10
"""Room left in a study key for the "-2", "-3"... that keeps keys unique."""

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_REFERENCE_LIMITS = {
    "title": TITLE_MAX,
    "journal": JOURNAL_MAX,
    "volume": VOLUME_MAX,
    "issue": ISSUE_MAX,
    "pages": PAGES_MAX,
}


def clean_text(text: str) -> str:
    """The text without NUL and the other C0 control characters (tab, line feed, return are kept)."""
    return _CONTROLS.sub("", text) if _CONTROLS.search(text) else text


def clean_text_with_offsets(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """``clean_text``, with offsets into the old text (e.g. page starts) moved to the same places."""
    removed = [m.start() for m in _CONTROLS.finditer(text)]
    if not removed:
        return text, offsets
    return _CONTROLS.sub("", text), [offset - bisect_left(removed, offset) for offset in offsets]


def shorten(value: str, limit: int) -> str:
    """The value cut to ``limit`` characters, ending in "…" when it was cut."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def clean_reference(reference: Reference) -> tuple[Reference, list[str]]:
    """The reference with clean text and fields cut to their columns, and a note for each field cut.

    A DOI longer than its column cannot be a real DOI and is dropped (with a note) rather than cut.
    """
    notes: list[str] = []
    values: dict[str, object] = {}
    for name, limit in _REFERENCE_LIMITS.items():
        value = clean_text(getattr(reference, name))
        if len(value) > limit:
            notes.append(f"{name} shortened from {len(value)} to {limit} characters")
            value = shorten(value, limit)
        values[name] = value
    values["abstract"] = clean_text(reference.abstract)
    values["authors"] = [clean_text(a) for a in reference.authors]
    values["keywords"] = [clean_text(k) for k in reference.keywords]
    doi = clean_text(reference.doi) if reference.doi else reference.doi
    if doi and len(doi) > DOI_MAX:
        notes.append(f"DOI of {len(doi)} characters dropped (the limit is {DOI_MAX})")
        doi = None
    values["doi"] = doi
    return replace(reference, **values), notes  # type: ignore[arg-type]


def study_key(wanted: str) -> str:
    """A study key that fits its column with room for a uniqueness suffix."""
    return clean_text(wanted)[: STUDY_KEY_MAX - KEY_SUFFIX_ROOM].strip() or "study"


def source_filename(name: str) -> str:
    """A document's source file name cut to its column (its end, with the suffix, is kept)."""
    name = clean_text(name)
    return name if len(name) <= SOURCE_FILENAME_MAX else "…" + name[-(SOURCE_FILENAME_MAX - 1) :]


def code_name_problem(name: str) -> str | None:
    """Why a code name cannot be stored, or None (names are refused, never cut: they are identities)."""
    if len(name) > CODE_NAME_MAX:
        return f"the code name {name[:40]!r}… is {len(name)} characters; the limit is {CODE_NAME_MAX}"
    if _CONTROLS.search(name):
        return f"the code name {name[:40]!r} contains control characters"
    return None
