"""Generate a large fictional project (N studies, R reviewers) from the sample corpus, with bulk inserts."""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from workbench.domain.codebook import CodeKind
from workbench.domain.configurations import CodingMode, ConfigurationStatus, ElementRole
from workbench.domain.studies import short_citation
from workbench.importers.sample_corpus import SAMPLE_CORPUS, CorpusStudy, read_sample_corpus
from workbench.services.access import ensure_user
from workbench.services.codebook import add_codes
from workbench.services.errors import Invalid
from workbench.services.projects import add_project
from workbench.services.rows.studies import apply_characteristics
from workbench.store import queries
from workbench.store.base import utcnow
from workbench.store.db import Store
from workbench.store.enums import CodingOrigin, MemoTarget, Role
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    ConfigurationLink,
    Document,
    ElementEvidence,
    Excerpt,
    Membership,
    Memo,
    ProgrammeTheoryVersion,
    Study,
    StudyAssignment,
)

CODINGS_PER_STUDY = 200
CONFIGURATIONS_PER_STUDY = 10
HEADER_PARAGRAPHS = 5  # title, authors, journal, DOI, "Abstract": kept in place, the rest shuffled
MAX_STUDIES = 5000
MAX_REVIEWERS = 200
# first authors of the variants: surname x year keeps short citations distinct up to 750 studies
SURNAMES = (
    (
        "Abara Adeyemi Bianchi Brennan Castillo Chen Dahl Dubois Eze Fischer Garcia Gupta Haddad Hansen Ito "
        "Jansen Kamau Kowalski Larsen Lindqvist Mensah Moreau Nakamura Novak Obi Okafor Petrov Quispe Rahman "
        "Rossi Sato Schmidt Silva Singh Tanaka Torres Uchenna Van Dijk Varga Wang Weber Xu Yamamoto Yilmaz "
        "Zhang Zulu Achebe Bauer Costa Dimitrov"
    )
    .replace("Van Dijk", "Van_Dijk")
    .split()
)
_SENTENCE = re.compile(r"[^\s][^.!?\n]*[.!?]")
_ROLE_OF_KIND = {
    CodeKind.CONTEXT: ElementRole.CONTEXT,
    CodeKind.MECHANISM: ElementRole.MECHANISM,
    CodeKind.OUTCOME: ElementRole.OUTCOME,
}
_STATUSES = list(ConfigurationStatus)
_MODES = list(CodingMode)


@dataclass(frozen=True)
class LargeDemoResult:
    """What ``load_large_demo`` made (or found, when the project already existed)."""

    project_id: int
    name: str
    created: bool
    studies: int
    reviewers: list[str]


def default_name(studies: int) -> str:
    """The project name used when none is given."""
    return f"Large demo ({studies} studies)"


def reviewer_names(reviewers: int) -> list[str]:
    """The generated reviewers' usernames: reviewer01, reviewer02, ..."""
    return [f"reviewer{i:02d}" for i in range(1, reviewers + 1)]


def load_large_demo(
    store: Store,
    username: str,
    studies: int,
    reviewers: int = 4,
    name: str | None = None,
    seed: int = 16,
    corpus: Path = SAMPLE_CORPUS,
) -> LargeDemoResult:
    """Create a deterministic project of ``studies`` studies coded by ``reviewers`` reviewers (the acting
    user owns it), unless a project of that name exists. Same arguments, same content."""
    if not 1 <= studies <= MAX_STUDIES:
        raise Invalid(f"the number of studies must be between 1 and {MAX_STUDIES}")
    if not 1 <= reviewers <= MAX_REVIEWERS:
        raise Invalid(f"the number of reviewers must be between 1 and {MAX_REVIEWERS}")
    name = (name or default_name(studies)).strip()
    if not name:
        raise Invalid("a project needs a name")
    logins = reviewer_names(reviewers)
    with store.transaction() as session:
        existing = queries.project_by_name(session, name)
        if existing is not None:
            return LargeDemoResult(existing.id, name, False, studies, logins)
    data = read_sample_corpus(corpus)
    with store.transaction() as session:
        builder = _Builder(session, random.Random(seed))
        project_id = builder.build(username, name, studies, logins, data.codebook, data.studies)
    return LargeDemoResult(project_id, name, True, studies, logins)


def vary_text(text: str, rng: random.Random, number: int) -> str:
    """The corpus text with its body paragraphs shuffled and a line naming the variant."""
    paragraphs = text.split("\n\n")
    head, body = paragraphs[:HEADER_PARAGRAPHS], paragraphs[HEADER_PARAGRAPHS:]
    rng.shuffle(body)
    head[0] = f"{head[0]} (fictional variant {number})"
    return "\n\n".join(head + body)


def _authors(authors: Sequence[str], number: int) -> list[str]:
    """The corpus authors with the first one's surname substituted (``Surname, Given``)."""
    first = SURNAMES[number % len(SURNAMES)].replace("_", " ")
    given = authors[0].split(",", 1)[1].strip() if authors and "," in authors[0] else "A."
    return [f"{first}, {given}", *authors[1:]]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences of ``text`` (enough for fictional excerpts)."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.end() - m.start() >= 20]


class _Builder:
    """Writes one large project inside the caller's transaction (bulk INSERTs of plain dicts)."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.now = utcnow()

    def build(
        self,
        username: str,
        name: str,
        n_studies: int,
        logins: list[str],
        codebook: list[Any],
        corpus: list[CorpusStudy],
    ) -> int:
        owner = ensure_user(self.session, username)
        project = add_project(
            self.session, owner, name, f"Fictional project of {n_studies} generated studies."
        )
        self.project_id, self.owner_id = project.id, owner.id
        coders = [ensure_user(self.session, login, f"Reviewer {login[-2:]}").id for login in logins]
        self._insert(
            Membership,
            [
                {"project_id": project.id, "user_id": c, "role": Role.REVIEWER, "created_at": self.now}
                for c in coders
                if c != owner.id
            ],
        )
        codes = list(add_codes(self.session, project.id, codebook).values())
        by_kind = {k: [c for c in codes if c.kind is k] for k in _ROLE_OF_KIND}
        documents = self._studies(n_studies, corpus, coders)
        configs: list[dict[str, Any]] = []
        for number, (study_id, key, text) in enumerate(documents):
            assigned = [coders[(number + k) % len(coders)] for k in range(min(2, len(coders)))]
            codings = self._codings(study_id, text, assigned, by_kind)
            configs += self._configurations(number, key, codings, by_kind)
        self._elements(configs)
        self._chains_memos_theory(configs, documents, codes)
        return project.id

    def _insert(self, model: type, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Bulk insert; returns the new ids in the order of ``rows``."""
        if not rows:
            return []
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
        return list(self.session.scalars(stmt, list(rows)))

    def _studies(
        self, n_studies: int, corpus: list[CorpusStudy], coders: list[int]
    ) -> list[tuple[int, str, str]]:
        study_rows: list[dict[str, Any]] = []
        texts: list[str] = []
        for number in range(n_studies):
            base = corpus[number % len(corpus)]
            ref = base.reference
            key = f"L{number + 1:04d}_{base.key.split('_', 1)[-1]}"
            study = Study(project_id=self.project_id, key=key)
            apply_characteristics(study, base.characteristics)
            row = {
                "project_id": self.project_id,
                "key": key,
                "title": f"{ref.title} (variant {number + 1})",
                "authors": _authors(ref.authors, number),
                "year": 2010 + (number // len(SURNAMES)) % 15,
                "journal": ref.journal,
                "volume": ref.volume,
                "issue": ref.issue,
                "pages": ref.pages,
                "doi": f"10.5555/wb-large.{number + 1:04d}",
                "abstract": ref.abstract,
                "keywords": list(ref.keywords),
                "extras": {},
                "casp": {},
                "version_id": 1,
                "created_at": self.now,
                "updated_at": self.now,
            }
            for field in ("country", "setting", "discipline", "participants", "method"):
                row[field] = getattr(study, field)
            for field in ("relevance", "rigour", "relevance_note", "rigour_note"):
                row[field] = getattr(study, field)
            study_rows.append(row)
            texts.append(vary_text(base.extracted.text, self.rng, number + 1))
        study_ids = self._insert(Study, study_rows)
        self._insert(
            Document,
            [
                {
                    "study_id": sid,
                    "text": text,
                    "source_filename": f"{row['key']}.txt",
                    "media_type": "text/plain",
                    "sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "page_starts": [],
                    "created_at": self.now,
                }
                for sid, row, text in zip(study_ids, study_rows, texts, strict=True)
            ],
        )
        self._document_ids = self._insert_ids_of_documents(study_ids)
        assignments = []
        for number, sid in enumerate(study_ids):
            for k in range(min(2, len(coders))):
                done = self.now if number % 3 else None
                assignments.append(
                    {
                        "project_id": self.project_id,
                        "study_id": sid,
                        "user_id": coders[(number + k) % len(coders)],
                        "assigned_by_id": self.owner_id,
                        "assigned_at": self.now,
                        "done_at": done,
                    }
                )
        self._insert(StudyAssignment, assignments)
        self.citations = {row["key"]: short_citation(row["authors"], row["year"]) for row in study_rows}
        return [(sid, row["key"], text) for sid, row, text in zip(study_ids, study_rows, texts, strict=True)]

    def _insert_ids_of_documents(self, study_ids: list[int]) -> dict[int, int]:
        rows = self.session.execute(
            select(Document.study_id, Document.id).where(Document.study_id.in_(study_ids))
        )
        return {study_id: doc_id for study_id, doc_id in rows}

    def _codings(
        self, study_id: int, text: str, coders: list[int], by_kind: dict[CodeKind, list[Code]]
    ) -> list[tuple[int, int, CodeKind]]:
        """CODINGS_PER_STUDY codings of sentences and sentence pairs; returns (coding id, code id, kind)."""
        document_id = self._document_ids[study_id]
        sentences = sentence_spans(text)
        spans = sentences + [(a[0], b[1]) for a, b in itertools.pairwise(sentences)]
        self.rng.shuffle(spans)
        kinds = list(_ROLE_OF_KIND)
        plan: list[tuple[tuple[int, int], list[tuple[int, int, CodeKind]]]] = []
        total = 0
        for start, end in spans:
            if total >= CODINGS_PER_STUDY:
                break
            picked = self.rng.sample(kinds, self.rng.choice((1, 1, 2, 3)))
            pairs = [(self.rng.choice(by_kind[k]).id, self.rng.choice(coders), k) for k in picked]
            if self.rng.random() < 0.4 and len(coders) > 1:  # double coded: both coders agree
                code_id, coder, kind = pairs[0]
                pairs.append((code_id, next(c for c in coders if c != coder), kind))
            plan.append(((start, end), pairs[: CODINGS_PER_STUDY - total]))
            total += len(plan[-1][1])
        excerpt_ids = self._insert(
            Excerpt,
            [
                {
                    "document_id": document_id,
                    "start": s,
                    "end": e,
                    "text": text[s:e],
                    "page": None,
                    "created_by_id": pairs[0][1],
                    "created_at": self.now,
                }
                for (s, e), pairs in plan
            ],
        )
        rows, meta = [], []
        for excerpt_id, (_span, pairs) in zip(excerpt_ids, plan, strict=True):
            for code_id, coder, kind in pairs:
                mode = self.rng.choice(_MODES)
                rows.append(
                    {
                        "excerpt_id": excerpt_id,
                        "code_id": code_id,
                        "coder_id": coder,
                        "mode": mode,
                        "origin": CodingOrigin.HUMAN,
                        "theory_reference": "APPEAR" if mode is not CodingMode.INDUCTIVE else "",
                        "version_id": 1,
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
                meta.append((code_id, kind))
        ids = self._insert(Coding, rows)
        return [(cid, code_id, kind) for cid, (code_id, kind) in zip(ids, meta, strict=True)]

    def _configurations(
        self,
        number: int,
        key: str,
        codings: list[tuple[int, int, CodeKind]],
        by_kind: dict[CodeKind, list[Code]],
    ) -> list[dict[str, Any]]:
        """CONFIGURATIONS_PER_STUDY CMOCs built from codes coded in this study, with their evidence."""
        used: dict[CodeKind, dict[int, list[int]]] = {k: {} for k in _ROLE_OF_KIND}
        for coding_id, code_id, kind in codings:
            used[kind].setdefault(code_id, []).append(coding_id)
        names = {c.id: c.name for codes in by_kind.values() for c in codes}
        out = []
        for j in range(CONFIGURATIONS_PER_STUDY):
            chosen = {
                k: self.rng.choice(sorted(used[k]) or [c.id for c in by_kind[k]]) for k in _ROLE_OF_KIND
            }
            context, mechanism, outcome = (names[chosen[k]] for k in _ROLE_OF_KIND)
            out.append(
                {
                    "label": f"L{number + 1:04d}-{j + 1:02d}",
                    "statement": f"{context}: {mechanism.lower()} leads to {outcome.lower()}.",
                    "status": _STATUSES[(number + j) % len(_STATUSES)],
                    "study": self.citations[key],
                    "elements": [
                        (_ROLE_OF_KIND[k], chosen[k], names[chosen[k]], used[k].get(chosen[k], [])[:3])
                        for k in _ROLE_OF_KIND
                    ],
                }
            )
        return out

    def _elements(self, configs: list[dict[str, Any]]) -> None:
        ids = self._insert(
            Configuration,
            [
                {
                    "project_id": self.project_id,
                    "label": c["label"],
                    "statement": c["statement"],
                    "nested": False,
                    "status": c["status"],
                    "status_note": "",
                    "status_evidence": [],
                    "status_ratings": [],
                    "created_by_id": self.owner_id,
                    "version_id": 1,
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for c in configs
            ],
        )
        element_rows, evidence = [], []
        for config_id, config in zip(ids, configs, strict=True):
            config["id"] = config_id
            for position, (role, code_id, _name, coding_ids) in enumerate(config["elements"]):
                element_rows.append(
                    {"configuration_id": config_id, "code_id": code_id, "role": role, "position": position}
                )
                evidence.append(coding_ids)
        element_ids = self._insert(ConfigurationElement, element_rows)
        self._insert(
            ElementEvidence,
            [
                {"element_id": eid, "coding_id": cid}
                for eid, coding_ids in zip(element_ids, evidence, strict=True)
                for cid in coding_ids
            ],
        )

    def _chains_memos_theory(
        self, configs: list[dict[str, Any]], documents: list[tuple[int, str, str]], codes: list[Code]
    ) -> None:
        links = [
            {
                "from_id": configs[i]["id"],
                "to_id": configs[i + 1]["id"],
                "note": "outcome feeds the next context",
            }
            for i in range(0, len(configs) - 1, CONFIGURATIONS_PER_STUDY)
        ]
        self._insert(ConfigurationLink, links)
        memo = {
            "project_id": self.project_id,
            "author_id": self.owner_id,
            "version_id": 1,
            "created_at": self.now,
            "updated_at": self.now,
        }
        memos = [
            {
                **memo,
                "target_type": MemoTarget.PROJECT,
                "target_id": None,
                "title": "Review plan",
                "body": "Fictional large project for benchmarks and tests.",
            }
        ]
        memos += [
            {
                **memo,
                "target_type": MemoTarget.STUDY,
                "target_id": sid,
                "title": f"Notes on {key}",
                "body": f"First read of {key}: mechanisms look familiar; check the outcomes section.",
            }
            for sid, key, _text in documents
        ]
        memos += [
            {
                **memo,
                "target_type": MemoTarget.CONFIGURATION,
                "target_id": c["id"],
                "title": c["label"],
                "body": f"Evidence for {c['label']} is thin outside {c['study']}.",
            }
            for c in configs[:: CONFIGURATIONS_PER_STUDY // 2]
        ]
        memos += [
            {
                **memo,
                "target_type": MemoTarget.CODE,
                "target_id": code.id,
                "title": code.name,
                "body": f"Boundary of {code.name!r} discussed at the team meeting.",
            }
            for code in codes[:5]
        ]
        self._insert(Memo, memos)
        half = configs[: len(configs) // 2] or configs
        for name, rows in (("Initial programme theory", half), ("Refined programme theory", configs)):
            self._insert(
                ProgrammeTheoryVersion,
                [
                    {
                        "project_id": self.project_id,
                        "name": name,
                        "description": "generated",
                        "snapshot": {"configurations": [_snapshot(c) for c in rows]},
                        "created_by_id": self.owner_id,
                        "created_at": self.now,
                    }
                ],
            )


def _snapshot(config: dict[str, Any]) -> dict[str, Any]:
    """The same shape as services.theory.snapshot_of."""
    names = {role: [n for r, _c, n, _e in config["elements"] if r is role] for role in ElementRole}
    return {
        "label": config["label"],
        "statement": config["statement"],
        "status": config["status"].value,
        "nested": False,
        "context": names[ElementRole.CONTEXT],
        "mechanisms": names[ElementRole.MECHANISM],
        "outcomes": names[ElementRole.OUTCOME],
        "n_studies": 1 if any(e for *_x, e in config["elements"]) else 0,
        "n_codings": sum(len(e) for *_x, e in config["elements"]),
        "studies": [config["study"]] if any(e for *_x, e in config["elements"]) else [],
        "status_ratings": [],
    }
