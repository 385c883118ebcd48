"""REFI-QDA codebooks (``.qdc``): import a code tree (kinds from our Sets, else ``other``) and export ours.

Import merges: a code whose name (ignoring case) is already used under the same parent is not added
again; its sub-codes go under the existing code, and the report says so. A code must fit under its
parent (``domain/codebook.fits_under``): a sub-code whose kind does not takes its parent's kind, with
a warning. Kinds come from the ``Contexts``/``Mechanisms``/``Outcomes`` Sets
(``interop/realist.py``); every other code is ``other`` until the kind-mapping step maps it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from workbench.domain.codebook import DEFAULT_COLOURS, MAX_NAME_LENGTH, CodeKind, fits_under
from workbench.interop.model import QdaCode, guid_key
from workbench.interop.qdc import read_codebook, write_qdc
from workbench.interop.realist import decode_kinds
from workbench.services.access import Action, require
from workbench.services.errors import Invalid
from workbench.services.qdpx_export import ORIGIN, ExportGuids, ordered_codes, qda_codes
from workbench.services.rows.codes import audit, code_dict, editing, siblings
from workbench.store.db import Store
from workbench.store.enums import AuditAction
from workbench.store.models import Code, User


@dataclass(frozen=True)
class QdcReport:
    """What a codebook import did: codes added, and what was merged, adjusted or doubtful."""

    codes: int
    warnings: list[str] = field(default_factory=list)


class _Merger:
    """Adds exchange codes under a project's tree, merging same-named siblings."""

    def __init__(self, session: Session, project_id: int, user: User, kinds: dict[str, str]) -> None:
        self.session, self.project_id, self.user, self.kinds = session, project_id, user, kinds
        self.added = 0
        self.warnings: list[str] = []

    def _kind(self, code: QdaCode, parent: Code | None) -> CodeKind:
        kind = CodeKind(self.kinds.get(guid_key(code.guid), "other"))
        if parent is not None and not fits_under(kind, parent.kind):
            if guid_key(code.guid) in self.kinds:
                self.warnings.append(
                    f"code {code.name!r} is marked {kind.value} but sits under the {parent.kind.value} "
                    f"code {parent.name!r}; it becomes a {parent.kind.value} like its parent"
                )
            kind = parent.kind
        return kind

    def _name(self, code: QdaCode) -> str | None:
        name = " ".join(code.name.split())
        if not name:
            self.warnings.append(f"code {code.guid}: no name; skipped with its sub-codes")
            return None
        if len(name) > MAX_NAME_LENGTH:
            self.warnings.append(f"code {name[:40]!r}…: name cut to {MAX_NAME_LENGTH} characters")
            name = name[:MAX_NAME_LENGTH]
        return name

    def add(self, code: QdaCode, parent: Code | None, tree: dict[str | None, list[QdaCode]]) -> None:
        name = self._name(code)
        if name is None:
            return
        present = {
            c.name.casefold(): c
            for c in siblings(self.session, self.project_id, parent.id if parent else None)
        }
        row = present.get(name.casefold())
        if row is not None:
            where = f"under {parent.name!r}" if parent else "at the top level"
            self.warnings.append(f"code {name!r} already exists {where}: merged into it")
        else:
            kind = self._kind(code, parent)
            row = Code(
                project_id=self.project_id,
                parent_id=parent.id if parent else None,
                name=name,
                kind=kind,
                colour=code.colour or (parent.colour if parent else DEFAULT_COLOURS[kind]),
                description=code.description.strip(),
                examples=[],
                position=len(present),
            )
            self.session.add(row)
            self.session.flush()
            audit(
                self.session,
                self.user,
                self.project_id,
                AuditAction.CREATE,
                row.id,
                after=code_dict(row) | {"imported": "qdc"},
            )
            self.added += 1
        for sub in tree.get(code.guid, []):
            self.add(sub, row, tree)


def import_qdc(
    store: Store, username: str, project_id: int, data: bytes, filename: str = "codebook.qdc"
) -> QdcReport:
    """Add the code tree of a ``.qdc`` (or of a ``.qdpx``'s codebook) to a project, in one transaction."""
    book = read_codebook(data, filename)
    tree: dict[str | None, list[QdaCode]] = defaultdict(list)
    known = {code.guid for code in book.codes}
    for code in book.codes:
        tree[code.parent_guid if code.parent_guid in known else None].append(code)
    with editing(store) as session:
        user = require(session, project_id, username, Action.IMPORT)
        merger = _Merger(session, project_id, user, decode_kinds(book.sets))
        for code in tree.get(None, []):
            merger.add(code, None, tree)
    return QdcReport(merger.added, [*book.warnings, *merger.warnings])


def export_qdc(store: Store, username: str, project_id: int) -> bytes:
    """The project's codebook as a ``.qdc`` (Codebook.xsd), kinds as Contexts/Mechanisms/Outcomes Sets."""
    with store.transaction() as session:
        require(session, project_id, username, Action.EXPORT)
        codes = ordered_codes(session, project_id)
        if not codes:
            raise Invalid("the project has no codes yet; a codebook file needs at least one")
        guid = ExportGuids(project_id)
        kinds = {guid("code", c.id): c.kind.value for c in codes if c.kind is not CodeKind.OTHER}
        qcodes = tuple(qda_codes(codes, guid))
    return write_qdc(qcodes, kinds, ORIGIN)
