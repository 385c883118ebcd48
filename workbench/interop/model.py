"""A REFI-QDA project as plain data: what the reader produces and the writer consumes.

Offsets here are always Python ``str`` indices (code points) into ``TextSource.text``, half-open
``[start, end)``: the reader converts whatever unit the producer used, the writer emits code points
as the standard says. GUIDs are kept as written (``guid``) and compared normalised (:func:`guid_key`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


def guid_key(guid: str) -> str:
    """A GUID normalised for lookup: no braces, lower case (tools differ in both)."""
    return guid.strip().strip("{}").lower()


@dataclass(frozen=True)
class QdaUser:
    guid: str
    name: str = ""
    id: str = ""

    @property
    def login(self) -> str:
        """The login it becomes: the User's name, else its id, else its GUID."""
        return self.name.strip() or self.id.strip() or guid_key(self.guid)


@dataclass(frozen=True)
class QdaCode:
    guid: str
    name: str
    parent_guid: str | None = None
    colour: str | None = None  # "#rrggbb" once read (out-of-spec colours normalised or dropped)
    description: str = ""
    codable: bool = True
    note_guids: tuple[str, ...] = ()  # NoteRef: notes (memos) about the code


@dataclass(frozen=True)
class QdaCoding:
    """One code applied to a selection by one user."""

    guid: str
    code_guid: str
    user_guid: str | None = None


@dataclass(frozen=True)
class QdaSelection:
    """A plain-text selection ``[start, end)`` in code points, with the codings on it."""

    guid: str
    start: int
    end: int
    name: str = ""  # ATLAS.ti writes the selected text here
    user_guid: str | None = None
    codings: tuple[QdaCoding, ...] = ()
    note_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextSource:
    guid: str
    name: str
    text: str  # exactly the source's plain text: what a document stores
    selections: tuple[QdaSelection, ...] = ()
    note_guids: tuple[str, ...] = ()
    user_guid: str | None = None


@dataclass(frozen=True)
class QdaNote:
    """A note (memo): plain text, attached to whatever refers to it by NoteRef or Link."""

    guid: str
    name: str
    text: str
    user_guid: str | None = None


@dataclass(frozen=True)
class QdaSet:
    guid: str
    name: str
    description: str = ""
    member_codes: tuple[str, ...] = ()
    member_sources: tuple[str, ...] = ()
    member_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaLink:
    guid: str
    name: str
    origin_guid: str
    target_guid: str
    direction: str = "Associative"  # Associative | OneWay | Bidirectional
    note_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaProject:
    name: str
    origin: str = ""  # the producing tool, e.g. "NVivo 12.6"
    users: tuple[QdaUser, ...] = ()
    codes: tuple[QdaCode, ...] = ()  # parents before children
    sources: tuple[TextSource, ...] = ()
    notes: tuple[QdaNote, ...] = ()  # project-level notes; attached ones are found through note_guids
    sets: tuple[QdaSet, ...] = ()
    links: tuple[QdaLink, ...] = ()
    warnings: list[str] = field(default_factory=list)  # what the reader noticed and could not place
