"""Read a REFI-QDA ``.qdpx`` (as NVivo, ATLAS.ti, MAXQDA and we write it) into a :class:`QdaProject`.

Elements are matched on local names (namespaces ``1.0``, ``1:0`` and ``0.4`` all occur), GUIDs are
compared normalised, sources are looked up case-insensitively, and offsets are converted to code
points in the unit detected per source (:mod:`workbench.interop.offsets`). Whatever cannot be placed
(a selection past the end, a Coding of an unknown code, a PDF or media source) becomes a warning
naming the source, the selection and the reason: nothing is silently misplaced.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from lxml import etree

from workbench.importers.errors import ImportProblem
from workbench.interop.container import QdpxContainer, open_qdpx, parse_xml
from workbench.interop.model import (
    QdaCode,
    QdaCoding,
    QdaLink,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaUser,
    TextSource,
    guid_key,
)
from workbench.interop.offsets import (
    RawSelection,
    Unit,
    Utf16Index,
    detect_unit,
    name_matches,
    names_are_text,
    resolve,
)
from workbench.interop.safe_xml import children, local

MEDIA_SOURCES = ("PDFSource", "PictureSource", "AudioSource", "VideoSource")
LOG = logging.getLogger(__name__)
_HEX = re.compile(r"#?([0-9a-fA-F]{6})(?:[0-9a-fA-F]{2})?")
_RGBA = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")


def child_text(element: etree._Element, name: str) -> str:
    """The text of the first direct child with this local name ("" when none)."""
    found = children(element, name)
    return (found[0].text or "") if found else ""


def _attr(element: etree._Element, name: str) -> str:
    return (element.get(name) or "").strip()


def _refs(element: etree._Element, name: str, attribute: str = "targetGUID") -> tuple[str, ...]:
    return tuple(_attr(ref, attribute) for ref in children(element, name) if _attr(ref, attribute))


def colour(raw: str) -> str | None:
    """``#rrggbb`` from ``#RRGGBB``, ``#rrggbbaa`` or ``rgba(r, g, b, a)``; None when unreadable."""
    raw = raw.strip()
    if match := _HEX.fullmatch(raw):
        return "#" + match.group(1).lower()
    if match := _RGBA.match(raw):
        parts = [min(int(v), 255) for v in match.groups()]
        return "#" + "".join(f"{v:02x}" for v in parts)
    return None


def decode_text(data: bytes) -> str:
    """A plain-text source: UTF-8 with the byte-order mark dropped, otherwise exactly as stored."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


class _Reader:
    def __init__(self, root: etree._Element, container: QdpxContainer | None) -> None:
        self.root = root
        self.container = container
        self.origin = _attr(root, "origin")
        self.base_path = _attr(root, "basePath")
        self.warnings: list[str] = []
        self.notes: list[QdaNote] = []
        self.code_keys: set[str] = set()

    def users(self) -> tuple[QdaUser, ...]:
        found = [u for block in children(self.root, "Users") for u in children(block, "User")]
        return tuple(QdaUser(_attr(u, "guid"), _attr(u, "name"), _attr(u, "id")) for u in found)

    def codes(self) -> tuple[QdaCode, ...]:
        out: list[QdaCode] = []

        def walk(element: etree._Element, parent: str | None) -> None:
            for code in children(element, "Code"):
                guid = _attr(code, "guid")
                if not guid or guid_key(guid) in self.code_keys:
                    self.warnings.append(
                        f"a code without a GUID or with a repeated GUID was skipped ({guid!r})"
                    )
                    continue
                self.code_keys.add(guid_key(guid))
                raw_colour = _attr(code, "color")
                out.append(
                    QdaCode(
                        guid, _attr(code, "name") or "(unnamed code)", parent,
                        colour(raw_colour) if raw_colour else None, child_text(code, "Description").strip(),
                        _attr(code, "isCodable").lower() != "false", _refs(code, "NoteRef"),
                    )
                )  # fmt: skip
                walk(code, guid)

        for book in children(self.root, "CodeBook"):
            for codes in children(book, "Codes"):
                walk(codes, None)
        return tuple(out)

    def note_list(self) -> None:
        for block in children(self.root, "Notes"):
            for note in children(block, "Note"):
                text = child_text(note, "PlainTextContent") or child_text(note, "Description")
                self.notes.append(
                    QdaNote(
                        _attr(note, "guid"), _attr(note, "name"), text, _attr(note, "creatingUser") or None
                    )
                )

    def _description_note(self, element: etree._Element, what: str) -> tuple[str, ...]:
        """A bare ``Description`` on a source or selection becomes a note attached to it."""
        text = child_text(element, "Description").strip()
        if not text:
            return ()
        guid = f"{_attr(element, 'guid')}#description"
        self.notes.append(QdaNote(guid, what, text, _attr(element, "creatingUser") or None))
        return (guid,)

    def sources(self) -> tuple[TextSource, ...]:
        out = []
        for block in children(self.root, "Sources"):
            for element in block:
                kind = local(element)
                if kind == "TextSource":
                    source = self.text_source(element)
                    if source is not None:
                        out.append(source)
                elif kind in MEDIA_SOURCES:
                    self.media_source(element, kind)
        return tuple(out)

    def media_source(self, element: etree._Element, kind: str) -> None:
        codings = sum(
            len(children(sel, "Coding")) for sel in element.iter() if local(sel).endswith("Selection")
        )
        what = kind.removesuffix("Source").lower()
        article = "an" if what[0] in "aeiou" else "a"
        self.warnings.append(
            f"source {_attr(element, 'name')!r} is {article} {what} source: "
            "skipped (only text sources are imported)"
            + (f"; its {codings} codings were not imported" if codings else "")
        )

    def _text_of(self, element: etree._Element, name: str) -> str | None:
        inline = children(element, "PlainTextContent")
        if inline:
            return inline[0].text or ""
        path = _attr(element, "plainTextPath")
        data = self.container.source(path, self.base_path) if self.container and path else None
        if data is None:
            return None
        try:
            return decode_text(data)
        except UnicodeDecodeError:
            self.warnings.append(f"source {name!r}: its text file is not UTF-8; skipped")
            return None

    def text_source(self, element: etree._Element) -> TextSource | None:
        name = _attr(element, "name") or _attr(element, "guid")
        selections = children(element, "PlainTextSelection")
        text = self._text_of(element, name)
        if text is None:
            codings = sum(len(children(s, "Coding")) for s in selections)
            self.warnings.append(
                f"source {name!r}: its text file ({_attr(element, 'plainTextPath') or 'no path'}) is not in "
                f"the .qdpx; skipped with its {len(selections)} selections and {codings} codings"
            )
            return None
        return TextSource(
            _attr(element, "guid"), name, text, self.selections(name, text, selections),
            _refs(element, "NoteRef") + self._description_note(element, f"{name}: description"),
            _attr(element, "creatingUser") or None,
        )  # fmt: skip

    def selections(self, source: str, text: str, elements: list[etree._Element]) -> tuple[QdaSelection, ...]:
        raw = []
        for element in elements:
            try:
                start, end = int(_attr(element, "startPosition")), int(_attr(element, "endPosition"))
            except ValueError:
                self.warnings.append(
                    f"{source!r}, selection {_attr(element, 'guid')}: positions are not numbers"
                )
                continue
            raw.append((RawSelection(_attr(element, "guid"), start, end, _attr(element, "name")), element))
        unit = detect_unit(text, [r for r, _ in raw], self.origin)
        LOG.info("source %r: %d selections read as %s (origin %r)", source, len(raw), unit.value, self.origin)
        if raw and any(ord(ch) > 0xFFFF for ch in text):
            self.warnings.append(f"source {source!r}: selection positions read as {unit.value}")
        index = Utf16Index(text) if unit is Unit.UTF16 else None
        resolved = [(s, e, resolve(text, s, unit, index)) for s, e in raw]
        ok = [(s, p) for s, _, p in resolved if not isinstance(p, str)]
        check_names = names_are_text(text, ok, self.origin)
        merged: dict[tuple[int, int], QdaSelection] = {}
        for selection, element, placed in resolved:
            if (
                not isinstance(placed, str)
                and check_names
                and name_matches(text, *placed, selection.name) is False
            ):
                placed = "its name (the selected text, as the producer wrote it) differs from the text there"
            if isinstance(placed, str):
                self.warnings.append(
                    f"source {source!r}, selection {selection.guid} [{selection.start}, {selection.end}) "
                    f"({unit.value}): not imported: {placed}"
                )
                continue
            codings = self.codings(source, selection, element)
            notes = _refs(element, "NoteRef") + self._description_note(element, f"{source}: quotation")
            before = merged.get(placed)
            if before is None:
                merged[placed] = QdaSelection(
                    selection.guid,
                    *placed,
                    selection.name,
                    _attr(element, "creatingUser") or None,
                    codings,
                    notes,
                )
            else:
                merged[placed] = QdaSelection(
                    before.guid, *placed, before.name, before.user_guid, before.codings + codings,
                    before.note_guids + notes,
                )  # fmt: skip
        return tuple(merged.values())

    def codings(self, source: str, selection: RawSelection, element: etree._Element) -> tuple[QdaCoding, ...]:
        out = []
        for coding in children(element, "Coding"):
            for code_guid in _refs(coding, "CodeRef"):
                if guid_key(code_guid) not in self.code_keys:
                    self.warnings.append(
                        f"source {source!r}, selection {selection.guid} "
                        f"[{selection.start}, {selection.end}): a Coding refers to code {code_guid}, "
                        "which is not in the codebook; skipped"
                    )
                    continue
                out.append(QdaCoding(_attr(coding, "guid"), code_guid, _attr(coding, "creatingUser") or None))
        return tuple(out)

    def sets(self) -> tuple[QdaSet, ...]:
        return tuple(
            QdaSet(
                _attr(s, "guid"),
                _attr(s, "name"),
                child_text(s, "Description"),
                _refs(s, "MemberCode"),
                _refs(s, "MemberSource"),
                _refs(s, "MemberNote"),
            )
            for block in children(self.root, "Sets")
            for s in children(block, "Set")
        )

    def links(self) -> tuple[QdaLink, ...]:
        return tuple(
            QdaLink(
                _attr(link, "guid"),
                _attr(link, "name"),
                _attr(link, "originGUID"),
                _attr(link, "targetGUID"),
                _attr(link, "direction") or "Associative",
                _refs(link, "NoteRef"),
            )
            for block in children(self.root, "Links")
            for link in children(block, "Link")
        )


def read_project(root: etree._Element, container: QdpxContainer | None = None) -> QdaProject:
    """A parsed ``.qde`` (and the zip holding its sources) as a :class:`QdaProject`."""
    if local(root) != "Project":
        raise ImportProblem("project file", f"the root element is <{local(root)}>, not <Project>")
    reader = _Reader(root, container)
    users, codes = reader.users(), reader.codes()
    reader.note_list()
    sources = reader.sources()
    return QdaProject(
        _attr(root, "name"), reader.origin, users, codes, sources, tuple(reader.notes), reader.sets(),
        reader.links(), reader.warnings,
    )  # fmt: skip


def read_qdpx(data: bytes | Path, filename: str = "") -> QdaProject:
    """Read a ``.qdpx`` (bytes or a path): zip bounds, safe XML, then the project."""
    if isinstance(data, Path):
        filename = filename or data.name
        data = data.read_bytes()
    filename = filename or "project.qdpx"
    container = open_qdpx(data, filename)
    root = parse_xml(container.qde(), f"{filename} › {container.qde_path}")
    return read_project(root, container)
