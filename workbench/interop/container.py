"""The .qdpx zip: its one ``*.qde`` and its source files, read within the study-import zip bounds."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from workbench.importers.archive import IncomingFile, check_size, expand_zip, from_bytes, max_file_bytes
from workbench.importers.errors import ImportProblem
from workbench.interop.safe_xml import parse


@dataclass
class QdpxContainer:
    """The members of a .qdpx by lower-case path, and its project file."""

    name: str
    members: dict[str, IncomingFile]
    qde_path: str

    def qde(self) -> bytes:
        """The project file's bytes."""
        return self.members[self.qde_path].read()

    def source(self, path: str, base_path: str = "") -> bytes | None:
        """A source file named by ``internal://``, ``relative:///``, ``absolute:///`` or a bare name,
        looked up case-insensitively in the zip (None when it is not there)."""
        for candidate in _candidates(path, base_path):
            found = self.members.get(candidate.lower())
            if found is not None:
                return found.read()
        return None


def _candidates(path: str, base_path: str) -> list[str]:
    raw = unquote(path.strip()).replace("\\", "/")
    lowered = raw.lower()
    for prefix in ("internal://", "relative:///", "relative://", "absolute:///", "absolute://", "file:///"):
        if lowered.startswith(prefix):
            raw = raw[len(prefix) :]
            break
    raw = raw.lstrip("/")
    name = posixpath.basename(raw)
    joined = (
        posixpath.normpath(posixpath.join(base_path.replace("\\", "/").lstrip("/"), raw))
        if base_path
        else raw
    )
    out = [f"sources/{raw}", raw, f"sources/{name}", name, joined]
    return list(dict.fromkeys(c for c in out if c and not c.startswith("..")))


def open_qdpx(data: bytes, name: str) -> QdpxContainer:
    """Open a .qdpx: size and zip limits as for study imports; exactly one ``.qde`` at the root."""
    limit = max_file_bytes()
    check_size(name, len(data), limit)
    files, problems = expand_zip(from_bytes(name, data), limit)
    if problems:
        raise problems[0]
    members = {f.name.lower(): f for f in files}
    roots = sorted(path for path in members if "/" not in path and path.endswith(".qde"))
    if not roots:
        raise ImportProblem(name, "no project file (*.qde) at the top of the .qdpx")
    if len(roots) > 1:
        raise ImportProblem(name, f"{len(roots)} project files (*.qde) at the top of the .qdpx; expected one")
    return QdpxContainer(name, members, roots[0])


def parse_xml(data: bytes, name: str) -> etree._Element:
    """The project file parsed safely (entities, DTDs and the network off; any DOCTYPE refused)."""
    if b"<!DOCTYPE" in data.upper():  # safe_xml matches the upper-case spelling only
        raise ImportProblem(name, "the XML declares a DTD, which is refused")
    return parse(data, name)
