"""The second half of a .qdpx import: configurations (our realist Sets and Links) and memos (Notes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.configurations import (
    ConfigurationError,
    ConfigurationStatus,
    Element,
    ElementRole,
    check_elements,
)
from workbench.interop.model import QdaProject, guid_key
from workbench.interop.realist import RealistConfiguration, RealistLayer, layer_note_guids
from workbench.services.evidence import check_evidence, replace_evidence
from workbench.services.memos import MAX_TITLE, memo_audit
from workbench.store.audit import record
from workbench.store.enums import AuditAction, MemoTarget
from workbench.store.models import (
    Code,
    Configuration,
    ConfigurationElement,
    ConfigurationLink,
    Memo,
    Study,
    User,
)

if TYPE_CHECKING:
    from workbench.services.qdpx_import import QdpxReport

_ROLES = (ElementRole.CONTEXT, ElementRole.MECHANISM, ElementRole.OUTCOME)


class LayerWriter:
    """Writes configurations, chains and memos of one import, audited as the importing user."""

    def __init__(self, session: Session, project_id: int, actor: User, report: QdpxReport) -> None:
        self.session = session
        self.project_id = project_id
        self.actor = actor
        self.report = report
        self.configurations: dict[str, Configuration] = {}  # by label

    def audit(self, entity: str, entity_id: int, after: dict[str, Any]) -> None:
        record(
            self.session, action=AuditAction.CREATE, entity_type=entity, entity_id=entity_id,
            user_id=self.actor.id, project_id=self.project_id, after=after,
        )  # fmt: skip

    def add_configurations(
        self, layer: RealistLayer, codes: dict[str, Code], codings: dict[str, int], users: dict[str, User]
    ) -> None:
        """Configurations and chains as our export encodes them (a foreign file has none)."""
        labels = set(
            self.session.scalars(
                select(Configuration.label).where(Configuration.project_id == self.project_id)
            )
        )
        for config in layer.configurations:
            try:
                self._configuration(config, codes, codings, users, labels)
            except ConfigurationError as problem:
                self.report.warnings.append(f"configuration {config.label!r}: not imported: {problem}")
        for chain in layer.chains:
            origin, target = self.configurations.get(chain.origin), self.configurations.get(chain.target)
            if origin is not None and target is not None:
                self.session.add(ConfigurationLink(from_id=origin.id, to_id=target.id, note=chain.note))
        self.session.flush()

    def _configuration(
        self, config: RealistConfiguration, codes: dict[str, Code], codings: dict[str, int],
        users: dict[str, User], labels: set[str],
    ) -> None:  # fmt: skip
        chosen = [
            (role, codes[guid_key(g)])
            for role, guids in zip(_ROLES, (config.contexts, config.mechanisms, config.outcomes), strict=True)
            for g in guids
            if guid_key(g) in codes
        ]
        check_elements(Element(role, code.name, code.kind) for role, code in chosen)
        label, n = config.label[:100], 1
        while label in labels:
            n += 1
            label = f"{config.label[:90]} ({n})"
        labels.add(label)
        creator = users.get(guid_key(config.user_guid), self.actor) if config.user_guid else self.actor
        row = Configuration(
            project_id=self.project_id, label=label, statement=config.statement.strip() or label,
            nested=config.nested, status=ConfigurationStatus(config.status), status_note=config.status_note,
            status_evidence=[codings[guid_key(g)] for g in config.status_evidence if guid_key(g) in codings],
            created_by_id=creator.id,
        )  # fmt: skip
        row.elements = [
            ConfigurationElement(code_id=code.id, role=role, position=i)
            for i, (role, code) in enumerate(chosen)
        ]
        self.session.add(row)
        self.session.flush()
        self.audit("configuration", row.id, {"label": label, "statement": row.statement, "imported": True})
        elements = {element.code_id: element for element in row.elements}
        wanted: dict[int, list[int]] = {}
        for code_guid, coding_guid in config.evidence:
            code = codes.get(guid_key(code_guid))
            if code is not None and code.id in elements and guid_key(coding_guid) in codings:
                wanted.setdefault(code.id, []).append(codings[guid_key(coding_guid)])
        for code_id, coding_ids in wanted.items():
            element = elements[code_id]
            replace_evidence(
                self.session, element, check_evidence(self.session, element.code, coding_ids), self.actor.id
            )
        self.configurations[config.label] = row

    def add_memos(
        self, project: QdaProject, layer: RealistLayer, codes: dict[str, Code], studies: dict[str, Study],
        excerpts: dict[str, int], users: dict[str, User],
    ) -> None:  # fmt: skip
        """Every Note as a memo on what refers to it (by NoteRef, or by a Link from or to the Note);
        a Note nothing importable refers to becomes a project memo."""
        targets: dict[str, tuple[MemoTarget, int | None]] = {}

        def attach(note_guids: tuple[str, ...], target: tuple[MemoTarget, int | None]) -> None:
            for guid in note_guids:
                targets.setdefault(guid_key(guid), target)

        for code in project.codes:
            if guid_key(code.guid) in codes:
                attach(code.note_guids, (MemoTarget.CODE, codes[guid_key(code.guid)].id))
        for source in project.sources:
            if guid_key(source.guid) in studies:
                attach(source.note_guids, (MemoTarget.STUDY, studies[guid_key(source.guid)].id))
            for selection in source.selections:
                if guid_key(selection.guid) in excerpts:
                    attach(selection.note_guids, (MemoTarget.EXCERPT, excerpts[guid_key(selection.guid)]))
        for config in layer.configurations:
            if config.label in self.configurations:
                attach(config.note_guids, (MemoTarget.CONFIGURATION, self.configurations[config.label].id))
        self._linked_notes(project, codes, studies, excerpts, attach)
        skip = layer_note_guids(project)
        for note in project.notes:
            key = guid_key(note.guid)
            body = note.text.strip() or note.name.strip()
            if key in skip or not body:
                continue
            target_type, target_id = targets.get(key, (MemoTarget.PROJECT, None))
            author = users.get(guid_key(note.user_guid), self.actor) if note.user_guid else self.actor
            memo = Memo(
                project_id=self.project_id, author_id=author.id, target_type=target_type, target_id=target_id,
                title=note.name.strip()[:MAX_TITLE], body=body,
            )  # fmt: skip
            self.session.add(memo)
            self.session.flush()
            self.audit("memo", memo.id, memo_audit(memo) | {"imported": True})
            self.report.memos += 1

    @staticmethod
    def _linked_notes(project: QdaProject, codes: dict[str, Code], studies: dict[str, Study],
                      excerpts: dict[str, int], attach: Any) -> None:  # fmt: skip
        """ATLAS.ti ties a memo to what it is about with a Link from the Note."""
        notes = {guid_key(n.guid) for n in project.notes}
        for link in project.links:
            ends = [guid_key(link.origin_guid), guid_key(link.target_guid)]
            for note_end, other in ((ends[0], ends[1]), (ends[1], ends[0])):
                if note_end not in notes:
                    continue
                if other in codes:
                    attach((note_end,), (MemoTarget.CODE, codes[other].id))
                elif other in studies:
                    attach((note_end,), (MemoTarget.STUDY, studies[other].id))
                elif other in excerpts:
                    attach((note_end,), (MemoTarget.EXCERPT, excerpts[other]))
