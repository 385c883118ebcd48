"""Incoming files: size limits before reading, and zips that cannot escape or explode."""

import io
import zipfile

import pytest

from workbench.importers.archive import (
    IncomingFile,
    check_size,
    expand_zip,
    from_bytes,
    max_file_bytes,
    safe_member_name,
    walk,
)
from workbench.importers.errors import ImportProblem


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> IncomingFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return from_bytes("batch.zip", buffer.getvalue())


def test_an_oversized_file_is_refused_without_reading_it(monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_FILE_MB", "50")

    def never() -> bytes:
        raise AssertionError("the file was read")

    huge = IncomingFile("thesis.pdf", 200 * 1024 * 1024, never)
    with pytest.raises(ImportProblem, match=r"the file is 200\.0 MB; the limit is 50\.0 MB") as info:
        check_size(huge.name, huge.size, max_file_bytes())
    assert info.value.filename == "thesis.pdf"


@pytest.mark.parametrize(
    ("name", "safe"),
    [("a/b.pdf", "a/b.pdf"), ("../etc/passwd", None), ("/abs.txt", None), ("C:/x.txt", None),
     ("a/../../x.txt", None), ("a\\..\\..\\x.txt", None), ("ok/./c.md", "ok/c.md")],
)  # fmt: skip
def test_zip_member_names_that_leave_the_archive_are_unsafe(name, safe):
    assert safe_member_name(name) == safe


def test_a_zip_with_path_traversal_keeps_the_safe_members_and_reports_the_rest():
    files, problems = expand_zip(zip_of({"ok/study.txt": b"hello", "../../evil.txt": b"x"}), 10_000)
    assert [f.name for f in files] == ["ok/study.txt"]
    assert files[0].read() == b"hello"
    assert [(p.filename, p.what) for p in problems] == [
        ("batch.zip › ../../evil.txt", "unsafe path in the zip (outside the archive)")
    ]


def test_a_zip_bomb_is_refused_by_its_compression_ratio():
    files, problems = expand_zip(zip_of({"bomb.txt": b"0" * (20 * 1024 * 1024)}), 100 * 1024 * 1024)
    assert files == []
    assert "looks like a zip bomb" in problems[0].what


def test_zip_members_over_the_size_limit_are_refused():
    files, problems = expand_zip(zip_of({"big.txt": b"x" * 5000}, zipfile.ZIP_STORED), 1000)
    assert files == [] and "limit" in problems[0].what


def test_a_file_that_is_not_a_zip_is_explained():
    with pytest.raises(ImportProblem, match="not a readable zip file"):
        expand_zip(from_bytes("fake.zip", b"PK but not really"), 1000)


def test_folders_are_walked_recursively_skipping_hidden_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "s1.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "r.ris").write_text("x")
    assert [p.name for p in walk([tmp_path])] == ["s1.txt", "r.ris"]
