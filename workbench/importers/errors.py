"""Errors raised by importers: each says which file failed, what failed and where."""

from __future__ import annotations

from workbench.domain.errors import Invalid


class ImportProblem(Invalid):
    """A file (or a part of one) that could not be read; ``where`` is a page or line when known."""

    def __init__(self, filename: str, what: str, where: str | None = None) -> None:
        self.filename = filename
        self.what = what
        self.where = where
        location = f" ({where})" if where else ""
        super().__init__(f"{filename}{location}: {what}")
