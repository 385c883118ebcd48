"""Import a REFI-QDA project (.qdpx) into a workbench project, all of it in one transaction.

What becomes what: each text source a study with one document holding the source's text exactly;
the code tree (keyed by GUID, so repeated names under different parents stay apart) with kind
``other`` unless our own kind Sets say otherwise; each User a member (role reviewer, no password);
each Coding a coding by its ``creatingUser`` through the one coding write path; Notes memos on what
they annotate; our configuration Sets and Links configurations again. A top-level code whose name
an existing code already has gets a suffix ("Trust (2)"): merging would mix two codebooks' codings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from workbench.domain.codebook import DEFAULT_COLOURS, MAX_NAME_LENGTH, CodeKind, fits_under
from workbench.domain.configurations import CodingMode
from workbench.domain.errors import Invalid
from workbench.domain.spans import codable_span
from workbench.importers.archive import check_text_size
from workbench.interop import realist
from workbench.interop.model import QdaCode, QdaProject, QdaUser, TextSource, guid_key
from workbench.interop.qdpx_read import read_qdpx
from workbench.services.access import Action, ensure_user, require
from workbench.services.import_index import lock_project
from workbench.services.projects import add_project
from workbench.services.qdpx_layer import LayerWriter
from workbench.services.rows.codes import code_dict, siblings
from workbench.services.rows.coding_actions import ActionWriter, CodingRecord
from workbench.services.rows.studies import unique_key
from workbench.store import queries
from workbench.store.audit import record
from workbench.store.db import Store
from workbench.store.enums import AuditAction, CodingOrigin, Role
from workbench.store.models import Code, Document, Membership, Study, User

_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


@dataclass
class QdpxReport:
    """What an import brought in, and what it could not place (each warning names where and why)."""

    sources: int = 0
    codes: int = 0
    codings: int = 0
    users: int = 0
    memos: int = 0
    warnings: list[str] = field(default_factory=list)


def login_for(user: QdaUser) -> str:
    """The login a REFI-QDA User becomes: its name, else its id, else its GUID; a name with spaces
    or other characters a login cannot hold has them turned into dots ("Ann Lee" -> "Ann.Lee")."""
    if user.name.strip() == queries.CONSENSUS_USERNAME:
        return queries.CONSENSUS_USERNAME
    for candidate in (user.name, user.id):
        cleaned = re.sub(r"[^A-Za-z0-9._@+-]+", ".", candidate.strip()).strip(".")
        if _LOGIN.fullmatch(cleaned):
            return cleaned
    return guid_key(user.guid) or "imported-user"


def import_qdpx(store: Store, username: str, project_id: int, data: bytes, filename: str) -> QdpxReport:
    """Import a .qdpx into a project (Action.IMPORT); nothing is written when anything fails."""
    project = read_qdpx(data, filename)
    with store.transaction() as session:
        actor = require(session, project_id, username, Action.IMPORT)
        lock_project(session, project_id)
        return _Importer(session, project_id, actor, project, filename).run()


def import_qdpx_into(
    store: Store, username: str, project_name: str, data: bytes, filename: str
) -> QdpxReport:
    """Import into the named project, created (owned by the acting user) in the same transaction when
    it does not exist yet."""
    name = project_name.strip()
    if not name:
        raise Invalid("a project needs a name")
    project = read_qdpx(data, filename)
    with store.transaction() as session:
        existing = queries.project_by_name(session, name)
        project_id = (
            existing.id if existing else add_project(session, ensure_user(session, username), name).id
        )
        actor = require(session, project_id, username, Action.IMPORT)
        lock_project(session, project_id)
        return _Importer(session, project_id, actor, project, filename).run()


class _Importer:
    def __init__(self, session: Session, project_id: int, actor: User, project: QdaProject, filename: str):
        self.session = session
        self.project_id = project_id
        self.actor = actor
        self.project = project
        self.filename = filename
        self.report = QdpxReport(warnings=list(project.warnings))
        self.users: dict[str, User] = {}
        self.codes: dict[str, Code] = {}
        self.studies: dict[str, Study] = {}
        self.excerpts: dict[str, int] = {}  # selection GUID -> excerpt id
        self.codings: dict[str, int] = {}  # Coding GUID -> coding id

    def audit(self, action: AuditAction, entity: str, entity_id: int | None, after: dict[str, Any]) -> None:
        record(
            self.session, action=action, entity_type=entity, entity_id=entity_id, user_id=self.actor.id,
            project_id=self.project_id, after=after,
        )  # fmt: skip

    def run(self) -> QdpxReport:
        layer = realist.decode(self.project)
        self.add_users()
        self.add_codes(layer.kinds)
        for source in self.project.sources:
            self.add_source(source)
        writer = LayerWriter(self.session, self.project_id, self.actor, self.report)
        writer.add_configurations(layer, self.codes, self.codings, self.users)
        writer.add_memos(self.project, layer, self.codes, self.studies, self.excerpts, self.users)
        self.report.warnings += _unmapped(self.project, layer)
        self.audit(
            AuditAction.CREATE, "qdpx_import", None,
            {"file": self.filename, "origin": self.project.origin, "sources": self.report.sources,
             "codes": self.report.codes, "codings": self.report.codings, "users": self.report.users,
             "memos": self.report.memos, "warnings": len(self.report.warnings)},
        )  # fmt: skip
        return self.report

    def add_users(self) -> None:
        for qda_user in self.project.users:
            login = login_for(qda_user)
            if login == queries.CONSENSUS_USERNAME:
                self.users[guid_key(qda_user.guid)] = queries.consensus_user(self.session)
                continue
            user = queries.user_by_name(self.session, login)
            if user is None:
                user = User(username=login, display_name=qda_user.name.strip() or login)
                self.session.add(user)
                self.session.flush()
            if queries.membership(self.session, self.project_id, user.id) is None:
                self.session.add(Membership(project_id=self.project_id, user_id=user.id, role=Role.REVIEWER))
                self.session.flush()
                record(
                    self.session, action=AuditAction.CREATE, entity_type="membership", entity_id=user.id,
                    user_id=self.actor.id, project_id=self.project_id,
                    after={"member": login, "role": Role.REVIEWER.value, "imported": True},
                )  # fmt: skip
            self.users[guid_key(qda_user.guid)] = user
        self.report.users = len({u.id for u in self.users.values()})

    def user(self, guid: str | None) -> User:
        """The member a REFI-QDA user GUID became; the importing user when unknown or absent."""
        return self.users.get(guid_key(guid), self.actor) if guid else self.actor

    def _kinds(self, kinds: Mapping[str, str]) -> dict[str, CodeKind]:
        """Code kinds from our kind Sets, if they respect the placement rule (else every code is other)."""
        by_guid = {guid_key(c.guid): c for c in self.project.codes}
        chosen = {key: CodeKind(kind) for key, kind in kinds.items() if key in by_guid}
        for key, code in by_guid.items():
            kind = chosen.get(key, CodeKind.OTHER)
            parent = chosen.get(guid_key(code.parent_guid), CodeKind.OTHER) if code.parent_guid else None
            if not fits_under(kind, parent):
                self.report.warnings.append(
                    f"code {code.name!r}: its kind ({kind.value}) does not fit under its parent's; "
                    "every code was imported as other (map kinds after the import)"
                )
                return {}
        return chosen

    def add_codes(self, kinds: Mapping[str, str]) -> None:
        chosen = self._kinds(dict(kinds))
        taken: dict[int | None, set[str]] = {
            None: {c.name.casefold() for c in siblings(self.session, self.project_id, None)}
        }
        positions: dict[int | None, int] = {None: len(taken[None])}
        for qda_code in self.project.codes:
            parent = self.codes.get(guid_key(qda_code.parent_guid)) if qda_code.parent_guid else None
            if qda_code.parent_guid and parent is None:
                self.report.warnings.append(f"code {qda_code.name!r}: its parent is missing; put at the top")
            parent_id = parent.id if parent else None
            names = taken.setdefault(parent_id, set())
            kind = chosen.get(guid_key(qda_code.guid), CodeKind.OTHER)
            code = Code(
                project_id=self.project_id, parent_id=parent_id, name=self._name(qda_code, names), kind=kind,
                colour=qda_code.colour or (parent.colour if parent else DEFAULT_COLOURS[kind]),
                description=qda_code.description, examples=[], position=positions.get(parent_id, 0),
            )  # fmt: skip
            positions[parent_id] = positions.get(parent_id, 0) + 1
            self.session.add(code)
            self.session.flush()
            self.audit(AuditAction.CREATE, "code", code.id, code_dict(code) | {"imported": True})
            self.codes[guid_key(qda_code.guid)] = code
        self.report.codes = len(self.codes)

    def _name(self, qda_code: QdaCode, taken: set[str]) -> str:
        base = " ".join(qda_code.name.split())[: MAX_NAME_LENGTH - 6] or "(unnamed code)"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} ({n})"
        if name != qda_code.name:
            self.report.warnings.append(f"code {qda_code.name!r} imported as {name!r} (the name was taken)")
        taken.add(name.casefold())
        return name

    def add_source(self, source: TextSource) -> None:
        check_text_size(source.name, source.text)
        wanted = re.sub(r"[^a-z0-9]+", "-", source.name.lower()).strip("-")[:60] or "source"
        study = Study(project_id=self.project_id, key=unique_key(self.session, self.project_id, wanted))
        study.title = source.name
        self.session.add(study)
        self.session.flush()
        self.audit(
            AuditAction.CREATE, "study", study.id, {"key": study.key, "title": study.title, "imported": True}
        )
        document = Document(
            study_id=study.id, text=source.text, source_filename=source.name, media_type="text/plain",
            sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest(), page_starts=[],
        )  # fmt: skip
        self.session.add(document)
        self.session.flush()
        self.studies[guid_key(source.guid)] = study
        self.report.sources += 1
        self.add_codings(source, document)

    def add_codings(self, source: TextSource, document: Document) -> None:
        writer = ActionWriter(self.session, self.project_id, self.actor.id, document)
        for selection in source.selections:
            by_coder: dict[int, list[tuple[str, Code]]] = {}
            for coding in selection.codings:
                coder = self.user(coding.user_guid or selection.user_guid)
                by_coder.setdefault(coder.id, []).append(
                    (coding.guid, self.codes[guid_key(coding.code_guid)])
                )
            where = f"source {source.name!r}, selection {selection.guid} [{selection.start}, {selection.end})"
            try:
                if not by_coder and selection.note_guids:  # an ATLAS.ti quotation with a comment
                    codable_span(document.text, selection.start, selection.end)
                    self.excerpts[guid_key(selection.guid)] = writer.excerpt_for(
                        selection.start, selection.end
                    ).id
                for coder_id, pairs in by_coder.items():
                    template = CodingRecord(
                        0, 0, selection.start, selection.end, 0, "", coder_id, CodingMode.INDUCTIVE,
                        CodingOrigin.HUMAN, "",
                    )  # fmt: skip
                    excerpt, created = writer.code(
                        selection.start, selection.end, list({c.id: c for _, c in pairs}.values()), template
                    )
                    self.excerpts[guid_key(selection.guid)] = excerpt.id
                    self.report.codings += len(created)
                    ids = {r.code_id: r.coding_id for r in created}
                    for guid, code in pairs:
                        if code.id in ids:
                            self.codings[guid_key(guid)] = ids[code.id]
            except Invalid as problem:
                self.report.warnings.append(f"{where}: not imported: {problem}")


def _unmapped(project: QdaProject, layer: realist.RealistLayer) -> list[str]:
    """Sets and Links with no counterpart here (a Set of sources, a Link between two codes), named."""
    labels = {c.label for c in layer.configurations}
    ours = set(realist.KIND_SETS.values()) | labels
    notes = {guid_key(n.guid) for n in project.notes}
    sets = [s.name for s in project.sets if s.name not in ours]
    links = [
        link.name or "(unnamed)"
        for link in project.links
        if not any(
            link.name.startswith(f"{label}: ") or link.name.startswith(f"{label} -> ") for label in labels
        )
        and not {guid_key(link.origin_guid), guid_key(link.target_guid)} & notes
    ]
    out = []
    if sets:
        out.append(f"{len(sets)} Sets have no counterpart here and were not imported: {', '.join(sets[:10])}")
    if links:
        out.append(
            f"{len(links)} Links have no counterpart here and were not imported: {', '.join(links[:10])}"
        )
    return out
