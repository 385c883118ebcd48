"""Incoming files for a batch import: size limits checked before reading, and bounded zip expansion."""

from __future__ import annotations

import os
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workbench.importers.errors import ImportProblem

MAX_FILE_MB_ENV = "WORKBENCH_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 100
MAX_TEXT_CHARS_ENV = "WORKBENCH_MAX_TEXT_CHARS"
DEFAULT_MAX_TEXT_CHARS = 5_000_000
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_TOTAL_FACTOR = 4  # a zip may expand to at most 4 x the per-file limit in all
MAX_COMPRESSION_RATIO = 100
MEMBER_SEPARATOR = " › "
DAMAGED_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError)
"""What zipfile raises for a damaged member: a bad CRC, a local header lying about sizes, a cut stream."""


def max_file_bytes() -> int:
    """The per-file size limit in bytes (``WORKBENCH_MAX_FILE_MB``, default 100 MB)."""
    raw = os.environ.get(MAX_FILE_MB_ENV, "")
    megabytes = float(raw) if raw.strip() else DEFAULT_MAX_FILE_MB
    return int(megabytes * 1024 * 1024)


def max_batch_bytes() -> int:
    """The most one upload may hold in all: as much as one zip may expand to."""
    return max_file_bytes() * MAX_ZIP_TOTAL_FACTOR


def max_text_chars() -> int:
    """The most characters one study's text may have (``WORKBENCH_MAX_TEXT_CHARS``, default 5 million)."""
    raw = os.environ.get(MAX_TEXT_CHARS_ENV, "")
    return int(float(raw)) if raw.strip() else DEFAULT_MAX_TEXT_CHARS


def check_text_size(name: str, text: str, limit: int | None = None) -> None:
    """Refuse a document whose extracted text is longer than the limit (reading and coding it would crawl)."""
    limit = max_text_chars() if limit is None else limit
    if len(text) > limit:
        raise ImportProblem(
            name, f"the text is {len(text):,} characters; the limit is {limit:,} ({MAX_TEXT_CHARS_ENV})"
        )


@dataclass
class IncomingFile:
    """A file waiting to be imported: its name, its size, and how to read it (only when accepted).

    ``origin`` is the zip it came out of, if any: the summary then names it "archive.zip › member".
    """

    name: str
    size: int
    read: Callable[[], bytes]
    origin: str = ""

    @property
    def label(self) -> str:
        """How the import summary names the file."""
        return member_label(self.origin, self.name) if self.origin else self.name


def member_label(archive: str, member: str) -> str:
    """ "archive.zip › folder/member.pdf": how a zip member is named to the user."""
    return f"{archive}{MEMBER_SEPARATOR}{member}"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(name: str, size: int, limit: int) -> None:
    """Refuse a file over the limit, before any of it is read."""
    if size > limit:
        raise ImportProblem(name, f"the file is {_mb(size)}; the limit is {_mb(limit)} ({MAX_FILE_MB_ENV})")


def from_path(path: Path) -> IncomingFile:
    """A file on disk (read lazily)."""
    return IncomingFile(path.name, path.stat().st_size, path.read_bytes)


def from_bytes(name: str, data: bytes) -> IncomingFile:
    """A file already in memory, e.g. an upload."""
    return IncomingFile(name, len(data), lambda: data)


def walk(paths: list[Path]) -> Iterator[Path]:
    """Files named, and the files inside folders named (recursively, hidden files skipped), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.parts)
            )
        else:
            yield path


def safe_member_name(name: str) -> str | None:
    """The member's path if it stays inside the archive, else None (absolute, drive or '..' names)."""
    clean = name.replace("\\", "/")
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":"):
        return None
    normal = posixpath.normpath(clean)
    if normal.startswith("..") or normal in (".", ""):
        return None
    return normal


def expand_zip(archive: IncomingFile, limit: int) -> tuple[list[IncomingFile], list[ImportProblem]]:
    """The files inside a zip, each bounded; unsafe or oversized members become problems."""
    import io

    data = archive.read()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except DAMAGED_ZIP_ERRORS as exc:
        raise ImportProblem(archive.name, f"not a readable zip file: {exc}") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportProblem(archive.name, f"the zip holds {len(infos)} files; the limit is {MAX_ZIP_MEMBERS}")
    files: list[IncomingFile] = []
    problems: list[ImportProblem] = []
    budget = limit * MAX_ZIP_TOTAL_FACTOR
    for info in infos:
        if info.is_dir():
            continue
        name = safe_member_name(info.filename)
        if name is None:
            label = member_label(archive.name, info.filename)
            problems.append(ImportProblem(label, "unsafe path in the zip (outside the archive)"))
            continue
        if PurePosixPath(name).name.startswith(".") or name.startswith("__MACOSX/"):
            continue
        try:
            _check_member(info, limit, budget)
        except ImportProblem as problem:
            problems.append(ImportProblem(member_label(archive.name, name), problem.what))
            continue
        budget -= info.file_size
        reader = _bounded_reader(zf, info, limit, member_label(archive.name, name))
        files.append(IncomingFile(name, info.file_size, reader, archive.name))
    return files, problems


def _check_member(info: zipfile.ZipInfo, limit: int, budget: int) -> None:
    check_size(info.filename, info.file_size, limit)
    if info.file_size > budget:
        raise ImportProblem(info.filename, "the zip expands beyond the total size allowed")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO:
        raise ImportProblem(info.filename, f"compression ratio {ratio:.0f}:1 looks like a zip bomb")


def _bounded_reader(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, label: str
) -> Callable[[], bytes]:
    """Read a member but never more than the limit, whatever its header claims; damage is a problem."""

    def read() -> bytes:
        try:
            with zf.open(info) as member:
                data = member.read(limit + 1)
        except DAMAGED_ZIP_ERRORS as exc:
            raise ImportProblem(
                label, f"the zip member is damaged and cannot be read ({_reason(exc)})"
            ) from None
        if len(data) > limit:
            raise ImportProblem(label, "the member is larger than its zip header says")
        return data

    return read


def _reason(exc: BaseException) -> str:
    """zipfile's own words, e.g. "Bad CRC-32 for file 'a.txt'" (members are read from memory: no paths)."""
    return str(exc)[:200] or type(exc).__name__
