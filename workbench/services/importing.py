"""Batch import of studies: full texts, references and characteristics, one transaction per file.

Every failure is per file and explained; the rest of the batch goes on, and nothing of a failed
file stays in the store. Duplicates are reported and either skipped, merged, or left for the user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import PurePosixPath
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workbench.domain.characteristics import CharacteristicError
from workbench.domain.studies import Reference, citation_key
from workbench.domain.study_index import StudyIndex
from workbench.domain.text_rules import clean_reference, clean_text, source_filename, study_key
from workbench.importers.archive import (
    MEMBER_SEPARATOR,
    IncomingFile,
    check_size,
    check_text_size,
    expand_zip,
    max_file_bytes,
)
from workbench.importers.characteristics import parse_characteristics
from workbench.importers.encoding import decode_text
from workbench.importers.errors import ImportProblem
from workbench.importers.pdf_metadata import guess_reference
from workbench.importers.references import parse_references
from workbench.importers.text import MEDIA_TYPES, extract_bytes
from workbench.importers.text_types import ExtractedText
from workbench.services.access import Action, require
from workbench.services.import_index import catch_up, indexed, lock_project
from workbench.services.rows.studies import apply_characteristics, attach_document, fill_blanks, new_study
from workbench.store.db import Store
from workbench.store.models import Study

REFERENCE_SUFFIXES = {".ris", ".bib", ".csv"}
OnDuplicate = Literal["ask", "skip", "merge"]
Progress = Callable[[int, int, str], None]
WRITE_ATTEMPTS = 3
UNEXPECTED = (
    "could not be imported because of an unexpected error (it has been logged); nothing of it was saved"
)
CONFLICT = "another import changed this project at the same moment, several times; import the file again"
log = logging.getLogger(__name__)


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
    index: StudyIndex | None = None

    def fresh_index(self) -> StudyIndex:
        """The index, built (without any study yet) on first use or after a failed write."""
        if self.index is None:
            self.index = StudyIndex([ref for _name, ref in self.references])
        return self.index


Work = Callable[[Session, _Batch, StudyIndex, ImportSummary], None]


def import_files(
    store: Store,
    username: str,
    project_id: int,
    files: list[IncomingFile],
    *,
    on_duplicate: OnDuplicate = "skip",
    progress: Progress | None = None,
    total_limit: int | None = None,
) -> ImportSummary:
    """Import full texts, reference files (RIS, BibTeX, CSV), characteristics CSVs and zips of them.

    Each file succeeds or fails alone: a damaged file, or any unexpected error while importing it,
    is named in the summary and the batch goes on. With ``total_limit`` (bytes, an upload's bound),
    files past it are refused unread.
    """
    with store.transaction() as session:
        require(session, project_id, username, Action.IMPORT)
    batch = _Batch(project_id, username, on_duplicate, ImportSummary())
    texts, characteristics = _read_references(batch, _expand(batch, files, total_limit))
    steps = len(texts) + len(characteristics) + 1
    for done, item in enumerate(texts):
        if progress:
            progress(done, steps, item.label)
        _guarded(batch, item.label, partial(_import_text, store, batch, item))
    if progress:
        progress(len(texts), steps, "references")
    _guarded(batch, "references", partial(_import_unused_references, store, batch))
    for done, item in enumerate(characteristics, start=len(texts) + 1):
        if progress:
            progress(done, steps, item.label)
        _guarded(batch, item.label, partial(_import_characteristics, store, batch, item))
    if progress:
        progress(steps, steps, "done")
    return batch.summary


def _fail(batch: _Batch, problem: ImportProblem) -> None:
    where = f" ({problem.where})" if problem.where else ""
    batch.summary.outcomes.append(FileOutcome(problem.filename, Status.FAILED, f"{problem.what}{where}"))


def _guarded(batch: _Batch, label: str, step: Callable[[], None]) -> None:
    """Run one file's step; its failure becomes its line of the summary, never the batch's end."""
    try:
        step()
    except ImportProblem as problem:
        _fail(batch, problem)
    except (CharacteristicError, ValueError) as exc:
        _fail(batch, ImportProblem(label, str(exc)))
    except Exception:  # a bug or a damaged file no reader foresaw: log it whole, tell the user plainly
        log.exception("unexpected error importing %s", label)
        batch.index = None
        _fail(batch, ImportProblem(label, UNEXPECTED))


def _expand(batch: _Batch, files: list[IncomingFile], total_limit: int | None) -> list[IncomingFile]:
    limit, out, total = max_file_bytes(), list[IncomingFile](), 0
    for item in files:
        try:
            check_size(item.label, item.size, limit)
            total += item.size
            if total_limit is not None and total > total_limit:
                raise ImportProblem(item.label, f"not read: the upload is over {_mb(total_limit)} in all")
        except ImportProblem as problem:
            _fail(batch, problem)
            continue
        if _suffix(item) == ".zip":
            _guarded(batch, item.label, partial(_zip_members, batch, item, limit, out))
        else:
            out.append(item)
    return out


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def _zip_members(batch: _Batch, item: IncomingFile, limit: int, out: list[IncomingFile]) -> None:
    members, problems = expand_zip(item, limit)
    out.extend(members)
    for problem in problems:
        _fail(batch, problem)


def _suffix(item: IncomingFile) -> str:
    return PurePosixPath(item.name).suffix.lower()


def _read_references(
    batch: _Batch, files: list[IncomingFile]
) -> tuple[list[IncomingFile], list[IncomingFile]]:
    """Parse every reference file first (full texts are matched against them)."""
    texts: list[IncomingFile] = []
    characteristics: list[IncomingFile] = []
    for item in files:
        suffix = _suffix(item)
        if suffix in MEDIA_TYPES:
            texts.append(item)
        elif suffix in REFERENCE_SUFFIXES:
            _guarded(batch, item.label, partial(_read_reference_file, batch, item, characteristics))
        else:
            _fail(batch, ImportProblem(item.label, f"unsupported file type {suffix or '(none)'}"))
    return texts, characteristics


def _read_reference_file(batch: _Batch, item: IncomingFile, characteristics: list[IncomingFile]) -> None:
    data = item.read()
    if _suffix(item) == ".csv" and _is_characteristics(item.name, data):
        characteristics.append(IncomingFile(item.name, len(data), partial(bytes, data), item.origin))
        return
    result = parse_references(item.label, data)
    notes: list[str] = []
    for reference in result.references:
        clean, cut = clean_reference(reference)
        notes.extend(f"{clean.title[:40] or 'a reference'}: {note}" for note in cut)
        batch.references.append((item.label, clean))
    message = f"{len(result.references)} references read"
    problems = result.problems + notes
    if problems:
        message += f"; {len(problems)} problems: " + "; ".join(problems)
    batch.summary.outcomes.append(FileOutcome(item.label, Status.REFERENCES, message))


def _is_characteristics(name: str, data: bytes) -> bool:
    header = decode_text(name, data).text.lstrip("\ufeff").split("\n", 1)[0].lower()
    return "study" in [h.strip().strip('"') for h in header.split(",")]


def _write(store: Store, batch: _Batch, work: Work) -> None:
    """Run one file's writes in its own transaction, alone among the project's importers.

    The index catches up inside the lock, so duplicates are judged on what is stored now; a unique
    key taken meanwhile (a writer that does not lock) is retried. The file's summary lines count
    only once its transaction has committed.
    """
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        staged = ImportSummary()
        try:
            with store.transaction() as session:
                lock_project(session, batch.project_id)
                index = batch.fresh_index()
                catch_up(session, index, batch.project_id)
                work(session, batch, index, staged)
        except IntegrityError:
            batch.index = None
            if attempt == WRITE_ATTEMPTS:
                raise ImportProblem("", CONFLICT) from None
            continue
        except BaseException:
            batch.index = None  # it may hold rows that were rolled back
            raise
        batch.summary.outcomes.extend(staged.outcomes)
        batch.summary.pending.extend(staged.pending)
        return


def _import_text(store: Store, batch: _Batch, item: IncomingFile) -> None:
    extracted = extract_bytes(item.label, item.read())
    check_text_size(item.label, extracted.text)
    try:
        _write(store, batch, partial(_place_text, item=item, extracted=extracted))
    except ImportProblem as problem:
        raise ImportProblem(item.label, problem.what, problem.where) from None


def _place_text(
    session: Session,
    batch: _Batch,
    index: StudyIndex,
    out: ImportSummary,
    item: IncomingFile,
    extracted: ExtractedText,
) -> None:
    found = index.match(extracted.text[:3000])
    same_file = index.same_file(extracted.sha256)
    if same_file is not None:
        if found is not None and index.study_of(found[0]) is None:
            batch.used.add(found[0])  # its reference is the same duplicate
        message = f"the same file is already the full text of {same_file.key}"
        out.outcomes.append(FileOutcome(item.label, Status.DUPLICATE, message, same_file.key))
        return
    if found is None:
        guessed = guess_reference(item.name, item.read(), extracted.text)  # title, authors... off the page
        how = "no reference matched" + ("; metadata guessed from the file" if guessed.guessed else "")
        reference = clean_reference(guessed)[0]  # PDF metadata can hold NULs and overlong fields too
        target = index.duplicate_of(reference)
    else:
        position, reason = found
        reference, how = index.references[position], f"matched by {reason}"
        target = index.study_of(position)
        if target is None:
            batch.used.add(position)
            target = index.duplicate_of(reference)
    study = session.get(Study, target.id) if target is not None else None
    if study is None:
        key = study_key(PurePosixPath(item.name).stem) if PurePosixPath(item.name).stem else ""
        key = key or citation_key(reference.authors, reference.year, reference.title)
        study = new_study(session, batch.project_id, key, reference)
        _attach(session, index, study, item, extracted)
        out.outcomes.append(
            FileOutcome(item.label, Status.IMPORTED, f"new study {study.key}; {how}", study.key)
        )
    elif target is not None and not target.has_documents:
        _attach(session, index, study, item, extracted)
        fill_blanks(study, reference)
        out.outcomes.append(
            FileOutcome(item.label, Status.MATCHED, f"full text of {study.key}; {how}", study.key)
        )
    else:
        reason = f"{study.key} already has a full text"
        pending = PendingDuplicate(item.label, study.id, study.key, reason, reference, extracted)
        _duplicate(session, batch, out, pending)


def _attach(
    session: Session, index: StudyIndex, study: Study, item: IncomingFile, extracted: ExtractedText
) -> None:
    """Store the full text and tell the index (a study created here joins it too)."""
    document = attach_document(session, study, source_filename(item.name), extracted)
    index.add_study(indexed(study))
    index.add_document(document.id, study.id, extracted.sha256)


def _duplicate(session: Session, batch: _Batch, out: ImportSummary, pending: PendingDuplicate) -> None:
    if batch.on_duplicate == "merge":
        out.outcomes.append(_merge(session, pending))
    else:
        message = f"duplicate of {pending.existing_key}: {pending.reason}"
        out.outcomes.append(FileOutcome(pending.filename, Status.DUPLICATE, message, pending.existing_key))
        if batch.on_duplicate == "ask":
            out.pending.append(pending)


def _merge(session: Session, pending: PendingDuplicate) -> FileOutcome:
    study = session.get(Study, pending.existing_study_id)
    if study is None:
        return FileOutcome(pending.filename, Status.FAILED, f"{pending.existing_key} no longer exists")
    merged = fill_blanks(study, pending.reference) if pending.reference else []
    if pending.extracted is not None:
        name = pending.filename.rsplit(MEMBER_SEPARATOR, 1)[-1]
        attach_document(session, study, source_filename(name), pending.extracted)
        merged.append("another full text")
    message = f"merged into {study.key}: " + (", ".join(merged) or "nothing new")
    return FileOutcome(pending.filename, Status.MERGED, message, study.key)


def _import_unused_references(store: Store, batch: _Batch) -> None:
    """References with no full text in the batch become studies of their own (one transaction per file)."""
    by_file: dict[str, list[int]] = {}
    for i, (name, _ref) in enumerate(batch.references):
        if i not in batch.used:
            by_file.setdefault(name, []).append(i)
    for name, positions in by_file.items():
        work: Work = partial(_add_references, name=name, positions=positions)
        _guarded(batch, name, partial(_write, store, batch, work))


def _add_references(
    session: Session, batch: _Batch, index: StudyIndex, out: ImportSummary, name: str, positions: list[int]
) -> None:
    created = 0
    for position in positions:
        ref = index.references[position]
        target = index.duplicate_of(ref)
        if target is not None:
            label = f"{name}: {ref.title[:60]}"
            pending = PendingDuplicate(label, target.id, target.key, "same reference", ref)
            _duplicate(session, batch, out, pending)
            continue
        study = new_study(session, batch.project_id, citation_key(ref.authors, ref.year, ref.title), ref)
        index.add_study(indexed(study))
        created += 1
    if created:
        message = f"{created} studies from references without a full text"
        out.outcomes.append(FileOutcome(name, Status.IMPORTED, message))


def _import_characteristics(store: Store, batch: _Batch, item: IncomingFile) -> None:
    rows = parse_characteristics(clean_text(decode_text(item.name, item.read()).text), item.label)
    changed = 0

    def apply(session: Session, _batch: _Batch, _index: StudyIndex, out: ImportSummary) -> None:
        nonlocal changed
        found = session.scalars(
            select(Study).where(Study.project_id == batch.project_id, Study.key.in_(list(rows)))
        )
        studies = {s.key: s for s in found}
        unknown = sorted(set(rows) - set(studies))
        if unknown:
            raise ImportProblem(item.label, f"unknown study keys: {', '.join(unknown)}")
        changed = sum(apply_characteristics(studies[key], values) for key, values in rows.items())
        message = f"characteristics of {len(rows)} studies read; {changed} changed"
        out.outcomes.append(FileOutcome(item.label, Status.CHARACTERISTICS, message))

    _write(store, batch, apply)


def resolve_duplicates(
    store: Store, username: str, project_id: int, choices: list[tuple[PendingDuplicate, bool]]
) -> list[FileOutcome]:
    """Apply the user's choices for pending duplicates: merge (True) or skip (False)."""
    outcomes = []
    for pending, merge in choices:
        with store.transaction() as session:
            require(session, project_id, username, Action.IMPORT)
            if merge:
                outcomes.append(_merge(session, pending))
            else:
                outcomes.append(
                    FileOutcome(pending.filename, Status.DUPLICATE, "skipped", pending.existing_key)
                )
    return outcomes
