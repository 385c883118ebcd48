"""The publication bundle: a zip of named files with a README at its root."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from workbench.exporters.zipped import write_zip

# formats that are compressed already: deflating them again costs time and saves nothing
STORED = (".png", ".pdf", ".docx", ".xlsx", ".zip")


def write_bundle(files: Mapping[str, bytes], readme: str, when: datetime | None = None) -> bytes:
    """A zip holding ``README.md`` and each file under its (relative, forward-slash) name, in name
    order: text deflated, already-compressed formats stored as they are; each dated ``when`` (now)."""
    for name in files:
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise ValueError(f"unsafe file name in a bundle: {name!r}")
    return write_zip([("README.md", readme.encode("utf-8")), *sorted(files.items())], STORED, when)
