"""The publication bundle: a zip of named files with a README at its root."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping


def write_bundle(files: Mapping[str, bytes], readme: str) -> bytes:
    """A deflated zip holding ``README.md`` and each file under its (relative, forward-slash) name."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme)
        for name, content in sorted(files.items()):
            if name.startswith("/") or ".." in name.split("/"):
                raise ValueError(f"unsafe file name in a bundle: {name!r}")
            archive.writestr(name, content)
    return out.getvalue()
