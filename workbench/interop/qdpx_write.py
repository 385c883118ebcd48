"""Write a :class:`QdaProject` as a REFI-QDA ``.qdpx``: ``project.qde`` plus ``sources/<GUID>.txt``.

What is written (valid against QDA-XML 1.0 ``Project.xsd``, namespace ``urn:QDA-XML:project:1.0``):

- ``project.qde`` at the zip root, UTF-8, built with lxml (never string formatting); children in the
  schema's order (Users, CodeBook, Sources, Notes, Links, Sets, then the project's own ``NoteRef``s);
  empty containers are omitted (``<Sets/>`` is invalid).
- Each text source as ``sources/<GUID>.txt`` (lower-case folder), UTF-8 **without** a byte-order
  mark, exactly the document text (CRLF kept), referenced as ``plainTextPath="internal://<GUID>.txt"``.
- ``PlainTextSelection`` positions are **code points** from 0, half-open ``[start, end)``, as the
  standard says; one selection per distinct range, its ``name`` the selected text (as ATLAS.ti writes
  it, so a reader can check the unit), with one ``Coding`` per (code, coder), its ``creatingUser``
  the coder (consensus codings belong to the user named ``@consensus``).
- Codes nested as in the codebook, ``isCodable="true"``, ``color`` as ``#RRGGBB`` (anything else is
  left out), the description as ``Description``, memos about a code as its ``NoteRef``s.
- Memos are ``Note``s (``PlainTextContent``, ``creatingUser`` = author), attached by ``NoteRef``: on the
  code (code memo), on the ``TextSource`` (study memo, on the study's first document), on the
  ``PlainTextSelection`` (excerpt memo), on the configuration's first Link (configuration memo, see
  below), on the ``Project`` (project memo: any Note nothing else refers to).
- The realist layer (kinds and configurations as Sets, Links and Notes) is described, encoded and
  decoded in :mod:`workbench.interop.realist`; this module writes what that one produces.
"""

from __future__ import annotations

import re

from lxml import etree

from workbench.exporters.zipped import write_zip
from workbench.interop.model import QdaCode, QdaLink, QdaNote, QdaProject, QdaSet, TextSource

NS = "urn:QDA-XML:project:1.0"
QDE_NAME = "project.qde"
SOURCES_DIR = "sources"
_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: control characters (other than tab, LF, CR) and lone surrogates dropped."""
    return _NOT_XML.sub("", text)


def colour_attribute(colour: str | None) -> str | None:
    """``#RRGGBB`` (or ``#RGB``) as the schema wants it, else None (left out)."""
    if colour and _COLOUR.fullmatch(colour.strip()):
        return colour.strip().upper()
    return None


def source_path(source: TextSource) -> str:
    """The member name of a source's text in the zip: ``sources/<GUID>.txt``."""
    return f"{SOURCES_DIR}/{source.guid}.txt"


def _el(parent: etree._Element, tag: str, **attributes: str | None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for key, value in attributes.items():
        if value is not None:
            element.set(key, xml_text(value))
    return element


def _text_el(parent: etree._Element, tag: str, text: str) -> None:
    _el(parent, tag).text = xml_text(text)


def _note_refs(parent: etree._Element, guids: tuple[str, ...], tag: str = "NoteRef") -> None:
    for guid in guids:
        _el(parent, tag, targetGUID=guid)


def _codes(parent: etree._Element, codes: tuple[QdaCode, ...]) -> None:
    children: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        children.setdefault(code.parent_guid, []).append(code)

    def add(under: etree._Element, code: QdaCode) -> None:
        element = _el(
            under,
            "Code",
            guid=code.guid,
            name=code.name,
            isCodable="true" if code.codable else "false",
            color=colour_attribute(code.colour),
        )
        if code.description:
            _text_el(element, "Description", code.description)
        _note_refs(element, code.note_guids)
        for child in children.get(code.guid, []):
            add(element, child)

    known = {code.guid for code in codes}
    for code in codes:
        if code.parent_guid is None or code.parent_guid not in known:
            add(parent, code)


def _source(parent: etree._Element, source: TextSource) -> None:
    element = _el(
        parent,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=f"internal://{source.guid}.txt",
        creatingUser=source.user_guid,
    )
    for selection in source.selections:
        sel = _el(
            element,
            "PlainTextSelection",
            guid=selection.guid,
            name=selection.name or None,
            startPosition=str(selection.start),
            endPosition=str(selection.end),
            creatingUser=selection.user_guid,
        )
        for coding in selection.codings:
            _el(
                _el(sel, "Coding", guid=coding.guid, creatingUser=coding.user_guid),
                "CodeRef",
                targetGUID=coding.code_guid,
            )
        _note_refs(sel, selection.note_guids)
    _note_refs(element, source.note_guids)


def _note(parent: etree._Element, note: QdaNote) -> None:
    element = _el(parent, "Note", guid=note.guid, name=note.name, creatingUser=note.user_guid)
    _text_el(element, "PlainTextContent", note.text)


def _link(parent: etree._Element, link: QdaLink) -> None:
    element = _el(
        parent,
        "Link",
        guid=link.guid,
        name=link.name,
        direction=link.direction,
        originGUID=link.origin_guid,
        targetGUID=link.target_guid,
    )
    _note_refs(element, link.note_guids)


def _set(parent: etree._Element, qda_set: QdaSet) -> None:
    element = _el(parent, "Set", guid=qda_set.guid, name=qda_set.name)
    if qda_set.description:
        _text_el(element, "Description", qda_set.description)
    _note_refs(element, qda_set.member_codes, "MemberCode")
    _note_refs(element, qda_set.member_sources, "MemberSource")
    _note_refs(element, qda_set.member_notes, "MemberNote")


def referenced_notes(project: QdaProject) -> set[str]:
    """GUIDs of the Notes something refers to (the rest are the project's own)."""
    found = {g for code in project.codes for g in code.note_guids}
    found |= {g for source in project.sources for g in source.note_guids}
    found |= {g for source in project.sources for sel in source.selections for g in sel.note_guids}
    found |= {g for link in project.links for g in link.note_guids}
    found |= {g for qda_set in project.sets for g in qda_set.member_notes}
    return found


def project_xml(project: QdaProject) -> etree._Element:
    """The ``<Project>`` element of ``project.qde``."""
    root = etree.Element(f"{{{NS}}}Project", nsmap={None: NS})
    root.set("name", xml_text(project.name))
    if project.origin:
        root.set("origin", xml_text(project.origin))
    if project.users:
        users = _el(root, "Users")
        for user in project.users:
            _el(users, "User", guid=user.guid, name=user.name or None, id=user.id or None)
    if project.codes:
        _codes(_el(_el(root, "CodeBook"), "Codes"), project.codes)
    if project.sources:
        sources = _el(root, "Sources")
        for source in project.sources:
            _source(sources, source)
    if project.notes:
        notes = _el(root, "Notes")
        for note in project.notes:
            _note(notes, note)
    if project.links:
        links = _el(root, "Links")
        for link in project.links:
            _link(links, link)
    if project.sets:
        sets = _el(root, "Sets")
        for qda_set in project.sets:
            _set(sets, qda_set)
    referenced = referenced_notes(project)
    _note_refs(root, tuple(n.guid for n in project.notes if n.guid not in referenced))
    return root


def write_qde(project: QdaProject) -> bytes:
    """``project.qde``: the XML document, UTF-8 with a declaration, no byte-order mark."""
    return bytes(
        etree.tostring(project_xml(project), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def write_qdpx(project: QdaProject) -> bytes:
    """The ``.qdpx`` zip: ``project.qde`` and each source's text as ``sources/<GUID>.txt`` (UTF-8, no BOM)."""
    sources = [(source_path(source), source.text.encode("utf-8")) for source in project.sources]
    return write_zip([(QDE_NAME, write_qde(project)), *sources])
