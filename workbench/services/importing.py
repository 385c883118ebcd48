"""Batch import of studies: full texts, references and characteristics, one transaction per file.

Every failure is per file and explained; the rest of the batch goes on, and nothing of a failed
file stays in the store. Duplicates are reported and either skipped, merged, or left for the user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workbench.domain.characteristics import CharacteristicError
from workbench.domain.matching import is_duplicate, match_reference
from workbench.domain.studies import Reference, citation_key, first_line_title
from workbench.importers.archive import IncomingFile, check_size, expand_zip, max_file_bytes
from workbench.importers.characteristics import parse_characteristics
from workbench.importers.encoding import decode_text
from workbench.importers.errors import ImportProblem
from workbench.importers.references import parse_references
from workbench.importers.text import MEDIA_TYPES, extract_bytes
from workbench.importers.text_types import ExtractedText
from workbench.services.access import EDITORS, require_member
from workbench.services.study_rows import apply_characteristics, attach_document, fill_blanks, new_study
from workbench.store.db import Store
from workbench.store.models import Study

REFERENCE_SUFFIXES = {".ris", ".bib", ".csv"}
OnDuplicate = Literal["ask", "skip", "merge"]
Progress = Callable[[int, int, str], None]


class Status(StrEnum):
    """What happened to one file of a batch."""

    IMPORTED = "imported"
    MATCHED = "matched"
    DUPLICATE = "duplicate"
    MERGED = "merged"
    FAILED = "failed"
    REFERENCES = "references"
    CHARACTERISTICS = "characteristics"


@dataclass
class FileOutcome:
    """One line of the import summary."""

    filename: str
    status: Status
    message: str
    study_key: str | None = None


@dataclass
class PendingDuplicate:
    """A duplicate awaiting the user's choice: merge into the existing study, or skip."""

    filename: str
    existing_study_id: int
    existing_key: str
    reason: str
    reference: Reference | None = None
    extracted: ExtractedText | None = None


@dataclass
class ImportSummary:
    """The outcome of a batch: a line per file, and the duplicates still awaiting a choice."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    pending: list[PendingDuplicate] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many outcomes have this status."""
        return sum(1 for o in self.outcomes if o.status is status)

    def headline(self) -> str:
        """ "12 imported, 1 matched, 2 duplicates, 1 failed" style summary."""
        parts = [f"{self.count(s)} {s.value}" for s in Status if self.count(s)]
        return ", ".join(parts) or "nothing to import"


@dataclass
class _Batch:
    project_id: int
    username: str
    on_duplicate: OnDuplicate
    summary: ImportSummary
    references: list[tuple[str, Reference]] = field(default_factory=list)
    used: set[int] = field(default_factory=set)


def import_files(
    store: Store,
    username: str,
    project_id: int,
    files: list[IncomingFile],
    *,
    on_duplicate: OnDuplicate = "skip",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import full texts, reference files (RIS, BibTeX, CSV), characteristics CSVs and zips of them."""
    with store.transaction() as session:
        require_member(session, project_id, username, EDITORS)
    batch = _Batch(project_id, username, on_duplicate, ImportSummary())
    texts, characteristics = _read_references(batch, _expand(batch, files))
    steps = len(texts) + len(characteristics) + 1
    for done, item in enumerate(texts):
        if progress:
            progress(done, steps, item.name)
        _import_text(store, batch, item)
    if progress:
        progress(len(texts), steps, "references")
    _import_unused_references(store, batch)
    for done, item in enumerate(characteristics, start=len(texts) + 1):
        if progress:
            progress(done, steps, item.name)
        _import_characteristics(store, batch, item)
    if progress:
        progress(steps, steps, "done")
    return batch.summary


def _fail(batch: _Batch, problem: ImportProblem) -> None:
    where = f" ({problem.where})" if problem.where else ""
    batch.summary.outcomes.append(FileOutcome(problem.filename, Status.FAILED, f"{problem.what}{where}"))


def _expand(batch: _Batch, files: list[IncomingFile]) -> list[IncomingFile]:
    limit, out = max_file_bytes(), []
    for item in files:
        try:
            check_size(item.name, item.size, limit)
            if PurePosixPath(item.name).suffix.lower() == ".zip":
                members, problems = expand_zip(item, limit)
                out.extend(members)
                for problem in problems:
                    _fail(batch, problem)
            else:
                out.append(item)
        except ImportProblem as problem:
            _fail(batch, problem)
    return out


def _suffix(item: IncomingFile) -> str:
    return PurePosixPath(item.name).suffix.lower()


def _read_references(
    batch: _Batch, files: list[IncomingFile]
) -> tuple[list[IncomingFile], list[IncomingFile]]:
    """Parse every reference file first (full texts are matched against them)."""
    texts, characteristics = [], []
    for item in files:
        suffix = _suffix(item)
        if suffix in MEDIA_TYPES:
            texts.append(item)
        elif suffix in REFERENCE_SUFFIXES:
            try:
                data = item.read()
                if suffix == ".csv" and _is_characteristics(item.name, data):
                    characteristics.append(IncomingFile(item.name, len(data), lambda d=data: d))
                    continue
                result = parse_references(item.name, data)
            except ImportProblem as problem:
                _fail(batch, problem)
                continue
            batch.references.extend((item.name, ref) for ref in result.references)
            message = f"{len(result.references)} references read"
            if result.problems:
                message += f"; {len(result.problems)} problems: " + "; ".join(result.problems)
            batch.summary.outcomes.append(FileOutcome(item.name, Status.REFERENCES, message))
        else:
            _fail(batch, ImportProblem(item.name, f"unsupported file type {suffix or '(none)'}"))
    return texts, characteristics


def _is_characteristics(name: str, data: bytes) -> bool:
    header = decode_text(name, data).text.lstrip("\ufeff").split("\n", 1)[0].lower()
    return "study" in [h.strip().strip('"') for h in header.split(",")]


def _existing(session: Session, project_id: int) -> list[Study]:
    return list(
        session.scalars(
            select(Study).where(Study.project_id == project_id).options(selectinload(Study.documents))
        )
    )


def _as_reference(study: Study) -> Reference:
    return Reference(
        title=study.title, authors=list(study.authors), year=study.year, journal=study.journal, doi=study.doi
    )


def _import_text(store: Store, batch: _Batch, item: IncomingFile) -> None:
    try:
        extracted = extract_bytes(item.name, item.read())
    except ImportProblem as problem:
        _fail(batch, problem)
        return
    with store.transaction() as session:
        studies = _existing(session, batch.project_id)
        existing_refs = [_as_reference(s) for s in studies]
        candidates = [ref for _name, ref in batch.references] + existing_refs
        found = match_reference(extracted.text[:3000], candidates)
        same_file = next((s for s in studies for d in s.documents if d.sha256 == extracted.sha256), None)
        if same_file is not None:
            if found is not None and not any(found[0] is ref for ref in existing_refs):
                batch.used.add(_index_of(batch, found[0]))  # its reference is the same duplicate
            message = f"the same file is already the full text of {same_file.key}"
            batch.summary.outcomes.append(FileOutcome(item.name, Status.DUPLICATE, message, same_file.key))
            return
        if found is None:
            title = first_line_title(extracted.text)
            target = _duplicate_of(Reference(title=title), studies)
            reference, how = Reference(title=title), "no reference matched"
        else:
            reference, reason = found
            how = f"matched by {reason}"
            if any(reference is ref for ref in existing_refs):
                target = studies[next(i for i, r in enumerate(existing_refs) if r is reference)]
            else:
                batch.used.add(_index_of(batch, reference))
                target = _duplicate_of(reference, studies)
        _place_text(session, batch, item.name, extracted, reference, how, target)


def _index_of(batch: _Batch, reference: Reference) -> int:
    return next(i for i, (_name, ref) in enumerate(batch.references) if ref is reference)


def _duplicate_of(reference: Reference, studies: list[Study]) -> Study | None:
    if not reference.title and not reference.doi:
        return None
    return next((s for s in studies if is_duplicate(reference, _as_reference(s))), None)


def _place_text(
    session: Session,
    batch: _Batch,
    filename: str,
    extracted: ExtractedText,
    reference: Reference,
    how: str,
    target: Study | None,
) -> None:
    outcomes = batch.summary.outcomes
    if target is None:
        key = PurePosixPath(filename).stem or citation_key(reference.authors, reference.year, reference.title)
        study = new_study(session, batch.project_id, key, reference)
        attach_document(session, study, filename, extracted)
        outcomes.append(FileOutcome(filename, Status.IMPORTED, f"new study {study.key}; {how}", study.key))
    elif not target.documents:
        attach_document(session, target, filename, extracted)
        fill_blanks(target, reference)
        outcomes.append(
            FileOutcome(filename, Status.MATCHED, f"full text of {target.key}; {how}", target.key)
        )
    else:
        pending = PendingDuplicate(
            filename, target.id, target.key, f"{target.key} already has a full text", reference, extracted
        )
        _duplicate(session, batch, pending)


def _duplicate(session: Session, batch: _Batch, pending: PendingDuplicate) -> None:
    if batch.on_duplicate == "merge":
        batch.summary.outcomes.append(_merge(session, pending))
    else:
        message = f"duplicate of {pending.existing_key}: {pending.reason}"
        batch.summary.outcomes.append(
            FileOutcome(pending.filename, Status.DUPLICATE, message, pending.existing_key)
        )
        if batch.on_duplicate == "ask":
            batch.summary.pending.append(pending)


def _merge(session: Session, pending: PendingDuplicate) -> FileOutcome:
    study = session.get(Study, pending.existing_study_id)
    if study is None:
        return FileOutcome(pending.filename, Status.FAILED, f"{pending.existing_key} no longer exists")
    merged = fill_blanks(study, pending.reference) if pending.reference else []
    if pending.extracted is not None:
        attach_document(session, study, pending.filename, pending.extracted)
        merged.append("another full text")
    message = f"merged into {study.key}: " + (", ".join(merged) or "nothing new")
    return FileOutcome(pending.filename, Status.MERGED, message, study.key)


def resolve_duplicates(
    store: Store, username: str, project_id: int, choices: list[tuple[PendingDuplicate, bool]]
) -> list[FileOutcome]:
    """Apply the user's choices for pending duplicates: merge (True) or skip (False)."""
    outcomes = []
    for pending, merge in choices:
        with store.transaction() as session:
            require_member(session, project_id, username, EDITORS)
            if merge:
                outcomes.append(_merge(session, pending))
            else:
                outcomes.append(
                    FileOutcome(pending.filename, Status.DUPLICATE, "skipped", pending.existing_key)
                )
    return outcomes


def _import_unused_references(store: Store, batch: _Batch) -> None:
    """References with no full text in the batch become studies of their own (one transaction per file)."""
    by_file: dict[str, list[Reference]] = {}
    for i, (name, ref) in enumerate(batch.references):
        if i not in batch.used:
            by_file.setdefault(name, []).append(ref)
    for name, refs in by_file.items():
        with store.transaction() as session:
            created = 0
            for ref in refs:
                target = _duplicate_of(ref, _existing(session, batch.project_id))
                if target is not None:
                    label = f"{name}: {ref.title[:60]}"
                    pending = PendingDuplicate(label, target.id, target.key, "same reference", ref)
                    _duplicate(session, batch, pending)
                    continue
                new_study(session, batch.project_id, citation_key(ref.authors, ref.year, ref.title), ref)
                created += 1
            if created:
                batch.summary.outcomes.append(
                    FileOutcome(
                        name, Status.IMPORTED, f"{created} studies from references without a full text"
                    )
                )


def _import_characteristics(store: Store, batch: _Batch, item: IncomingFile) -> None:
    try:
        rows = parse_characteristics(decode_text(item.name, item.read()).text, item.name)
        with store.transaction() as session:
            studies = {s.key: s for s in _existing(session, batch.project_id)}
            unknown = sorted(set(rows) - set(studies))
            if unknown:
                raise ImportProblem(item.name, f"unknown study keys: {', '.join(unknown)}")
            changed = sum(apply_characteristics(studies[key], values) for key, values in rows.items())
    except (CharacteristicError, ValueError) as exc:
        problem = exc if isinstance(exc, ImportProblem) else ImportProblem(item.name, str(exc))
        _fail(batch, problem)
        return
    message = f"characteristics of {len(rows)} studies read; {changed} changed"
    batch.summary.outcomes.append(FileOutcome(item.name, Status.CHARACTERISTICS, message))
