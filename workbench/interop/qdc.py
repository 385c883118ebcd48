"""REFI-QDA codebooks (``.qdc``, ``urn:QDA-XML:codebook:1.0``): the code tree and kind Sets, both ways.

Written: ``<CodeBook origin=...>`` with ``<Codes>`` (nested ``Code`` elements with ``guid``, ``name``,
``isCodable``, ``color`` as ``#RRGGBB``, ``Description``) and, when any code has a kind other than
``other``, ``<Sets>`` holding the ``Contexts``/``Mechanisms``/``Outcomes`` Sets of
:mod:`workbench.interop.realist`. Valid against ``Codebook.xsd``.

Read: a ``.qdc`` file, or the ``CodeBook`` of a ``.qdpx`` project (its one ``*.qde`` at the zip root).
The reader checks what ``Codebook.xsd`` requires and warns (an empty ``<Sets/>``, as Taguette writes,
a missing attribute, a malformed GUID or colour) and goes on; hostile XML (DTD, entities, oversize)
is refused (:mod:`workbench.interop.safe_xml`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

from lxml import etree

from workbench.importers.archive import expand_zip, from_bytes, max_file_bytes
from workbench.importers.errors import ImportProblem
from workbench.interop.model import QdaCode, QdaProject, QdaSet
from workbench.interop.qdpx_write import colour_attribute, xml_text
from workbench.interop.realist import kind_sets
from workbench.interop.safe_xml import child, children, local, parse

NS = "urn:QDA-XML:codebook:1.0"
_GUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")
_RGBA = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,[^)]*)?\)", re.IGNORECASE)


def normal_colour(raw: str | None) -> str | None:
    """``#rrggbb`` from ``#RGB``, ``#RRGGBB`` in any case or ``rgb(a)(...)``; else None."""
    if not raw:
        return None
    value = raw.strip()
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return value.lower()
    if re.fullmatch(r"#[0-9A-Fa-f]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:]).lower()
    match = _RGBA.fullmatch(value)
    if match and all(int(part) <= 255 for part in match.groups()):
        return "#" + "".join(f"{int(part):02x}" for part in match.groups())
    return None


def _qde_from_zip(data: bytes, filename: str) -> bytes:
    files, problems = expand_zip(from_bytes(filename, data), max_file_bytes())
    qdes = [f for f in files if "/" not in f.name and f.name.lower().endswith(".qde")]
    if len(qdes) != 1:
        raise ImportProblem(filename, f"a .qdpx holds one .qde project file at its root; found {len(qdes)}")
    if problems and not files:
        raise problems[0]
    return qdes[0].read()


def _read_code(
    element: etree._Element, parent: str | None, codes: list[QdaCode], warnings: list[str], seen: set[str]
) -> None:
    guid, name = element.get("guid"), element.get("name")
    where = f"code {name or guid or '(unnamed)'!r}"
    if not guid:
        warnings.append(f"{where}: no guid; skipped with its sub-codes")
        return
    if not _GUID.fullmatch(guid.strip()):
        warnings.append(f"{where}: the guid {guid!r} is not a GUID as Codebook.xsd wants; kept")
    if guid in seen:
        warnings.append(f"{where}: the guid {guid} is used twice; the second is skipped")
        return
    seen.add(guid)
    if name is None:
        warnings.append(f"code {guid}: no name; named after its guid")
    if element.get("isCodable") is None:
        warnings.append(f"{where}: no isCodable attribute; taken as codable")
    raw_colour = element.get("color")
    colour = normal_colour(raw_colour)
    if raw_colour and colour is None:
        warnings.append(f"{where}: colour {raw_colour!r} not understood; left out")
    description = child(element, "Description")
    codes.append(
        QdaCode(
            guid,
            (name if name is not None else guid).strip() or guid,
            parent,
            colour,
            (description.text or "") if description is not None else "",
            (element.get("isCodable") or "true").strip().lower() not in ("false", "0"),
        )
    )
    for sub in children(element, "Code"):
        _read_code(sub, guid, codes, warnings, seen)


def _read_sets(container: etree._Element | None, warnings: list[str]) -> list[QdaSet]:
    if container is None:
        return []
    found = children(container, "Set")
    if not found:
        warnings.append("the codebook's <Sets> element is empty, which Codebook.xsd does not allow; ignored")
    sets = []
    for element in found:
        description = child(element, "Description")
        members = tuple(m.get("targetGUID") or m.get("guid") or "" for m in children(element, "MemberCode"))
        sets.append(
            QdaSet(
                element.get("guid") or "",
                element.get("name") or "",
                (description.text or "") if description is not None else "",
                tuple(m for m in members if m),
            )
        )
    return sets


def read_codebook(data: bytes, filename: str) -> QdaProject:
    """The codes (parents first) and Sets of a ``.qdc`` or of a ``.qdpx``'s CodeBook, with warnings."""
    if data[:4] == b"PK\x03\x04" or zipfile.is_zipfile(io.BytesIO(data)):
        data = _qde_from_zip(data, filename)
    root = parse(data, filename)
    warnings: list[str] = []
    kind = local(root)
    if kind == "Project":
        book = child(root, "CodeBook")
        codes_el = child(book, "Codes") if book is not None else None
        sets_el = child(root, "Sets")
    elif kind == "CodeBook":
        codes_el, sets_el = child(root, "Codes"), child(root, "Sets")
    else:
        raise ImportProblem(filename, f"not a REFI-QDA codebook or project (the root element is <{kind}>)")
    codes: list[QdaCode] = []
    if codes_el is None or not children(codes_el, "Code"):
        warnings.append("the codebook has no codes (an empty <Codes> is not valid against Codebook.xsd)")
    else:
        seen: set[str] = set()
        for element in children(codes_el, "Code"):
            _read_code(element, None, codes, warnings, seen)
    sets = _read_sets(sets_el, warnings)
    origin = root.get("origin") or ""
    return QdaProject(
        root.get("name") or filename, origin, codes=tuple(codes), sets=tuple(sets), warnings=warnings
    )


def write_qdc(codes: tuple[QdaCode, ...], kinds: Mapping[str, str], origin: str) -> bytes:
    """A ``.qdc`` of the code tree (parents before children) with its kind Sets; UTF-8, no BOM."""
    root = etree.Element(f"{{{NS}}}CodeBook", nsmap={None: NS})
    root.set("origin", xml_text(origin))
    codes_el = etree.SubElement(root, f"{{{NS}}}Codes")
    children_of: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        children_of.setdefault(code.parent_guid, []).append(code)

    def add(parent: etree._Element, code: QdaCode) -> None:
        element = etree.SubElement(parent, f"{{{NS}}}Code")
        element.set("guid", code.guid)
        element.set("name", xml_text(code.name))
        element.set("isCodable", "true" if code.codable else "false")
        colour = colour_attribute(code.colour)
        if colour:
            element.set("color", colour)
        if code.description:
            etree.SubElement(element, f"{{{NS}}}Description").text = xml_text(code.description)
        for sub in children_of.get(code.guid, []):
            add(element, sub)

    for code in children_of.get(None, []):
        add(codes_el, code)
    sets = kind_sets(kinds, [code.guid for code in codes])
    if sets:
        sets_el = etree.SubElement(root, f"{{{NS}}}Sets")
        for qda_set in sets:
            element = etree.SubElement(sets_el, f"{{{NS}}}Set")
            element.set("guid", qda_set.guid)
            element.set("name", qda_set.name)
            if qda_set.description:
                etree.SubElement(element, f"{{{NS}}}Description").text = qda_set.description
            for member in qda_set.member_codes:
                etree.SubElement(element, f"{{{NS}}}MemberCode").set("guid", member)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
