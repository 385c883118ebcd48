"""Parse exchange XML safely: no entities, no DTD, no network, bounded size; local names for tags."""

from __future__ import annotations

from lxml import etree

from workbench.importers.archive import max_file_bytes
from workbench.importers.errors import ImportProblem


def local(element: etree._Element) -> str:
    """An element's tag without its namespace (tools write 1.0, 1:0 and 0.4 namespaces)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """The child elements with this local name, in document order."""
    return [child for child in element if local(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    """The first child element with this local name, if any."""
    found = children(element, name)
    return found[0] if found else None


def parse(data: bytes, filename: str, limit: int | None = None) -> etree._Element:
    """The root element of ``data``; a DTD (so any entity), oversize or malformed XML is refused."""
    limit = max_file_bytes() if limit is None else limit
    if len(data) > limit:
        raise ImportProblem(filename, f"the XML is {len(data):,} bytes; the limit is {limit:,}")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or b"<\x00!\x00D\x00O\x00C" in data:
        raise ImportProblem(filename, "the XML declares a DTD or entities, which are refused")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportProblem(filename, f"not well-formed XML ({exc})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ImportProblem(filename, "the XML declares a DTD, which is refused")
    return root
