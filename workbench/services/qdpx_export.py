"""Export a project as REFI-QDA ``.qdpx`` for NVivo, ATLAS.ti and MAXQDA, with the realist layer.

What the acting user may read is what goes out: codings through the blind-coding filter
(``services/visibility.py``) and memos through ``memos_visible``. Studies' documents become text
sources; each coder (consensus codings: the user ``@consensus``) a ``User``; memos ``Note``s; code
kinds and configurations the Sets, Links and Notes of ``workbench/interop/realist.py``. GUIDs are
UUID 5 of the project and row ids, so exporting again gives the same GUIDs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.interop.model import QdaCode, QdaCoding, QdaNote, QdaProject, QdaSelection, QdaUser, TextSource
from workbench.interop.qdpx_write import write_qdpx
from workbench.interop.realist import RealistChain, RealistConfiguration, RealistLayer, encode, stable_guid
from workbench.services.access import Action, require
from workbench.services.memos import memos_visible
from workbench.services.visibility import CodingVisibility, visibility_of_name
from workbench.store.db import Store
from workbench.store.enums import MemoTarget
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    ConfigurationLink,
    Document,
    ElementEvidence,
    Excerpt,
    Memo,
    Project,
    Study,
    User,
)

ORIGIN = "Realist workbench 0.1"
_ROLE_ORDER = ("context", "mechanism", "outcome")


class ExportGuids:
    """Stable GUIDs of one project's rows."""

    def __init__(self, project_id: int) -> None:
        self.project_id = project_id
        self.made: dict[tuple[str, int | str], str] = {}  # a row's GUID is asked for many times

    def __call__(self, kind: str, row_id: int | str) -> str:
        key = (kind, row_id)
        if key not in self.made:
            self.made[key] = stable_guid(self.project_id, kind, row_id)
        return self.made[key]

    def user(self, username: str) -> str:
        return stable_guid("user", username)


def ordered_codes(session: Session, project_id: int) -> list[Code]:
    """The project's codes, parents before children, siblings by position (the codebook's order)."""
    codes = list(
        session.scalars(select(Code).where(Code.project_id == project_id).order_by(Code.position, Code.id))
    )
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    ordered: list[Code] = []
    stack = list(reversed(children[None]))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(children[code.id]))
    return ordered


def qda_codes(
    codes: Iterable[Code], guid: ExportGuids, notes: dict[int, list[str]] | None = None
) -> list[QdaCode]:
    """Codes as exchange codes: GUIDs, colours, descriptions (and memos' Note GUIDs)."""
    notes = notes or {}
    return [
        QdaCode(
            guid("code", c.id),
            c.name,
            guid("code", c.parent_id) if c.parent_id is not None else None,
            c.colour,
            c.description,
            True,
            tuple(notes.get(c.id, [])),
        )
        for c in codes
    ]


def _codings(session: Session, project_id: int, seen: CodingVisibility) -> list[Coding]:
    query = (
        select(Coding)
        .join(Excerpt, Coding.excerpt_id == Excerpt.id)
        .join(Document, Excerpt.document_id == Document.id)
        .join(Study, Document.study_id == Study.id)
        .where(Study.project_id == project_id, seen.clause)
        .options(selectinload(Coding.coder))
        .order_by(Excerpt.document_id, Excerpt.start, Excerpt.end, Coding.id)
    )
    return list(session.scalars(query))


def _memos(session: Session, project_id: int, seen: CodingVisibility) -> list[Memo]:
    query = select(Memo).where(Memo.project_id == project_id, memos_visible(seen)).order_by(Memo.id)
    return list(session.scalars(query))


class _Builder:
    """Collects the exchange project from one transaction's rows."""

    def __init__(self, session: Session, project: Project, username: str) -> None:
        self.session, self.project = session, project
        self.guid = ExportGuids(project.id)
        self.seen = visibility_of_name(session, project.id, username)
        self.users: dict[str, QdaUser] = {}
        self.notes: list[QdaNote] = []
        self.attached: dict[tuple[MemoTarget, int | None], list[str]] = defaultdict(list)

    def user(self, user: User | None) -> str | None:
        if user is None:
            return None
        guid = self.guid.user(user.username)
        self.users.setdefault(user.username, QdaUser(guid, user.username, user.username))
        return guid

    def load(self) -> None:
        """The studies' documents and the codings (and so excerpts) the user may read."""
        self.creators = {u.id: u for u in self.session.scalars(select(User))}
        studies = self.session.scalars(
            select(Study)
            .where(Study.project_id == self.project.id)
            .options(selectinload(Study.documents))
            .order_by(Study.key, Study.id)
        )
        self.documents = [
            (study, d) for study in studies for d in sorted(study.documents, key=lambda d: d.id)
        ]
        self.first_document: dict[int, int] = {}
        for study, document in reversed(self.documents):
            self.first_document[study.id] = document.id
        self.by_excerpt: dict[int, list[Coding]] = defaultdict(list)
        for coding in _codings(self.session, self.project.id, self.seen):
            self.by_excerpt[coding.excerpt_id].append(coding)
        self.exported_codings = {c.id for codings in self.by_excerpt.values() for c in codings}
        excerpts = self.session.scalars(
            select(Excerpt)
            .where(Excerpt.id.in_(sorted(self.by_excerpt)))
            .order_by(Excerpt.start, Excerpt.end)
        )
        self.by_document: dict[int, list[Excerpt]] = defaultdict(list)
        for excerpt in excerpts:
            self.by_document[excerpt.document_id].append(excerpt)

    def memos(self) -> None:
        """Memos the user may read as Notes, filed by what they are about."""
        for memo in _memos(self.session, self.project.id, self.seen):
            target: tuple[MemoTarget, int | None] = (memo.target_type, memo.target_id)
            if memo.target_type is MemoTarget.STUDY and memo.target_id not in self.first_document:
                target = (MemoTarget.PROJECT, None)  # a study without documents is no source
            if memo.target_type is MemoTarget.EXCERPT and memo.target_id not in self.by_excerpt:
                continue  # its excerpt carries no coding the user may read
            author = self.user(self.creators.get(memo.author_id)) if memo.author_id is not None else None
            self.notes.append(QdaNote(self.guid("memo", memo.id), memo.title, memo.body, author))
            self.attached[target].append(self.guid("memo", memo.id))

    def text_sources(self) -> list[TextSource]:
        sources = []
        for study, document in self.documents:
            many = len(study.documents) > 1
            name = f"{study.key} ({document.source_filename})" if many else study.key
            selections = tuple(
                QdaSelection(
                    self.guid("excerpt", excerpt.id),
                    excerpt.start,
                    excerpt.end,
                    excerpt.text,
                    self.user(self.creators.get(excerpt.created_by_id)) if excerpt.created_by_id else None,
                    tuple(
                        QdaCoding(self.guid("coding", c.id), self.guid("code", c.code_id), self.user(c.coder))
                        for c in self.by_excerpt[excerpt.id]
                    ),
                    tuple(self.attached.get((MemoTarget.EXCERPT, excerpt.id), [])),
                )
                for excerpt in self.by_document.get(document.id, [])
            )
            notes: tuple[str, ...] = ()
            if self.first_document[study.id] == document.id:
                notes = tuple(self.attached.get((MemoTarget.STUDY, study.id), []))
            sources.append(
                TextSource(self.guid("document", document.id), name, document.text, selections, notes)
            )
        return sources

    def layer(self, codes: list[Code]) -> RealistLayer:
        """Kinds, configurations (evidence the user may read) and chains."""
        configs = list(
            self.session.scalars(
                select(Configuration)
                .where(Configuration.project_id == self.project.id)
                .options(selectinload(Configuration.elements).selectinload(ConfigurationElement.evidence))
                .order_by(Configuration.id)
            )
        )
        realist = []
        for config in configs:
            elements = sorted(
                config.elements, key=lambda e: (_ROLE_ORDER.index(e.role.value), e.position, e.id)
            )
            by_role = {
                role: tuple(self.guid("code", e.code_id) for e in elements if e.role.value == role)
                for role in _ROLE_ORDER
            }
            evidence = tuple(
                (self.guid("code", e.code_id), self.guid("coding", ev.coding_id))
                for e in elements
                for ev in sorted(e.evidence, key=_evidence_key)
                if ev.coding_id in self.exported_codings
            )
            status_evidence = tuple(
                self.guid("coding", i) for i in config.status_evidence if i in self.exported_codings
            )
            creator = self.creators.get(config.created_by_id) if config.created_by_id else None
            realist.append(
                RealistConfiguration(
                    self.guid("configuration", config.id), config.label, config.statement,
                    by_role["context"], by_role["mechanism"], by_role["outcome"], config.status.value,
                    config.status_note, config.nested, self.user(creator), evidence, status_evidence,
                    tuple(self.attached.get((MemoTarget.CONFIGURATION, config.id), [])),
                )
            )  # fmt: skip
        labels = {c.id: c.label for c in configs}
        chains = tuple(
            RealistChain(labels[link.from_id], labels[link.to_id], link.note)
            for link in self.session.scalars(
                select(ConfigurationLink)
                .where(ConfigurationLink.from_id.in_(sorted(labels)))
                .order_by(ConfigurationLink.id)
            )
            if link.to_id in labels
        )
        kinds = {self.guid("code", c.id): c.kind.value for c in codes if c.kind.value != "other"}
        return RealistLayer(kinds, tuple(realist), chains)


def _evidence_key(evidence: ElementEvidence) -> int:
    return evidence.coding_id


def build_project(session: Session, project: Project, username: str) -> QdaProject:
    """The exchange form of a project as ``username`` may read it (the caller has checked access)."""
    builder = _Builder(session, project, username)
    builder.load()
    builder.memos()
    codes = ordered_codes(session, project.id)
    code_notes = {
        code_id: guids
        for (kind, code_id), guids in builder.attached.items()
        if kind is MemoTarget.CODE and code_id
    }
    qcodes = qda_codes(codes, builder.guid, code_notes)
    sources = builder.text_sources()
    layer = builder.layer(codes)
    sets, links, layer_notes = encode(layer, [c.guid for c in qcodes], {c.guid: c.name for c in qcodes})
    return QdaProject(
        project.name,
        ORIGIN,
        tuple(sorted(builder.users.values(), key=lambda u: u.name)),
        tuple(qcodes),
        tuple(sources),
        tuple(builder.notes + layer_notes),
        tuple(sets),
        tuple(links),
    )


def export_qdpx(store: Store, username: str, project_id: int) -> bytes:
    """The project as a REFI-QDA ``.qdpx`` (what the acting user may read), for NVivo, ATLAS.ti, MAXQDA."""
    with store.transaction() as session:
        require(session, project_id, username, Action.EXPORT)
        project = session.get(Project, project_id)
        assert project is not None  # require() raised NotFound otherwise
        qda = build_project(session, project, username)
    return write_qdpx(qda)
