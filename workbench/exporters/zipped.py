"""Zip files written for export: the publication bundle, Word and Excel documents, REFI-QDA projects.

Written here, not with :mod:`zipfile`, so that their parts are deflated by Intel's ISA-L (``isal``: a
standard raw deflate stream in a fifth of zlib's fastest level's time, about the size of zlib's default
level; a bundle's 11 MB of tables and SVGs were the last thing its build waited for). Only what these
files need: entries in the order given, no directories, no ZIP64 (a file or an archive past 4 GiB, or
65,535 files, is refused), UTF-8 names flagged as such. ``zipfile``, Word, Excel, LibreOffice, NVivo,
Windows, macOS and ``unzip`` read them; reading a zip is left to ``zipfile``.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Collection, Sequence
from datetime import datetime

from isal import isal_zlib

LEVEL = 1  # ISA-L's levels run 0-3
_LIMIT = 2**32 - 1
_STORE, _DEFLATE = 0, 8  # zip compression methods
_VERSION = 20  # 2.0: deflate
_MADE_ON_UNIX = 3 << 8 | _VERSION
_UTF8_NAME = 0x800
_READABLE = 0o100644 << 16  # a regular file, rw-r--r--


def _dos_time(when: datetime) -> tuple[int, int]:
    """A zip entry's modification time and date fields (two-second steps, from 1980)."""
    time = when.hour << 11 | when.minute << 5 | when.second // 2
    date = (max(when.year, 1980) - 1980) << 9 | when.month << 5 | when.day
    return time, date


def write_zip(
    entries: Sequence[tuple[str, bytes]], stored: Collection[str] = (), when: datetime | None = None
) -> bytes:
    """A zip of ``(name, content)`` entries in that order, dated ``when`` (now): each deflated, but for
    names ending in one of ``stored`` (formats compressed already), kept as they are."""
    if len(entries) > 0xFFFF:
        raise ValueError(f"a zip without ZIP64 holds at most 65,535 files, not {len(entries)}")
    time, date = _dos_time(when or datetime.now())
    suffixes = tuple(stored)
    parts: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, content in entries:
        keep = name.lower().endswith(suffixes)
        data = content if keep else isal_zlib.compress(content, LEVEL, -15)  # raw deflate, no header
        encoded = name.encode("utf-8")
        if max(len(content), len(data), offset) > _LIMIT:
            raise ValueError(f"the zip passes 4 GiB at {name!r}: too large without ZIP64")
        fields = (
            _VERSION, 0 if name.isascii() else _UTF8_NAME, _STORE if keep else _DEFLATE, time, date,
            zlib.crc32(content), len(data), len(content), len(encoded),
        )  # fmt: skip
        local = struct.pack("<I5H3I2H", 0x04034B50, *fields, 0) + encoded
        directory.append(
            struct.pack("<IH5H3I5H2I", 0x02014B50, _MADE_ON_UNIX, *fields, 0, 0, 0, 0, _READABLE, offset)
            + encoded
        )
        parts += (local, data)
        offset += len(local) + len(data)
    listing = b"".join(directory)
    if offset + len(listing) > _LIMIT:
        raise ValueError("the zip passes 4 GiB: too large without ZIP64")
    end = struct.pack("<I4H2IH", 0x06054B50, 0, 0, len(entries), len(entries), len(listing), offset, 0)
    return b"".join((*parts, listing, end))
