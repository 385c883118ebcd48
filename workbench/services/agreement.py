"""Inter-coder agreement of a project: per code, per study and overall, and of configurations.

The measures and their units are defined in ``workbench/domain/agreement.py``. This module reads the
two coders' codings (one transaction), then counts outside it. Agreement covers every study, blind or
not (comparing is the point of double coding); the figures name no text. Listing the disagreements
side by side (which shows another reviewer's codings, so respects blind coding) is
``services/adjudication.disagreements``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.domain import agreement as maths
from workbench.domain.agreement import ConfigurationCodes, Counts, Span
from workbench.domain.codebook import code_paths
from workbench.domain.configurations import ElementRole
from workbench.services.access import Action, require
from workbench.services.errors import Invalid, NotFound
from workbench.store import queries
from workbench.store.db import Store
from workbench.store.models import (
    Code,
    Coding,
    Configuration,
    ConfigurationElement,
    Document,
    Excerpt,
    Study,
    User,
)

UNITS = ("character", "excerpt")


@dataclass(frozen=True)
class CoderCount:
    """A coder of the project and how many codings they made (consensus codings excluded)."""

    username: str
    codings: int


@dataclass(frozen=True)
class CodeAgreement:
    """One code's agreement: its name, its path in the code tree ("Parent/Child") and the counts."""

    code_id: int
    name: str
    path: str
    counts: Counts

    @property
    def agreement(self) -> float | None:
        return self.counts.agreement

    @property
    def kappa(self) -> float | None:
        return self.counts.kappa

    @property
    def alpha(self) -> float | None:
        return self.counts.alpha


@dataclass(frozen=True)
class StudyAgreement:
    """One study's agreement: overall and per code (by code id), over its shared documents."""

    study_id: int
    key: str
    title: str
    documents: int
    overall: Counts
    codes: dict[int, Counts]


@dataclass(frozen=True)
class AgreementResult:
    """Agreement between two coders of a project, in one unit ("character" or "excerpt")."""

    unit: str
    coders: tuple[str, str]
    documents: int
    overall: Counts
    codes: tuple[CodeAgreement, ...]  # by path
    studies: tuple[StudyAgreement, ...] = field(default=())  # by key

    def worst_first(self) -> list[CodeAgreement]:
        """Codes from the lowest kappa up (undefined kappa last), then by path."""
        return sorted(self.codes, key=lambda c: (c.kappa is None, c.kappa or 0.0, c.path.casefold()))

    def to_json(self) -> dict[str, Any]:
        """The ``workbench agreement --json`` object (key order is part of the contract)."""
        return {
            "unit": self.unit,
            "coders": list(self.coders),
            "documents": self.documents,
            "overall": _figures(self.overall),
            "codes": [{"code": c.name, "path": c.path, **_figures(c.counts)} for c in self.codes],
        }


def _figures(counts: Counts) -> dict[str, float | None]:
    return {"agreement": counts.agreement, "kappa": counts.kappa, "alpha": counts.alpha}


@dataclass(frozen=True)
class _Coded:
    document_id: int
    code_id: int
    coder_id: int
    span: Span


@dataclass
class _Data:
    coder_ids: tuple[int, int]
    coded: list[_Coded]
    lengths: dict[int, int]  # shared documents only
    study_of: dict[int, int]  # document id -> study id
    studies: dict[int, Study]
    codes: dict[int, Code]


def coders(store: Store, username: str, project_id: int) -> list[CoderCount]:
    """The project's coders, most codings first (then by login); consensus codings are no coder's."""
    with store.transaction() as session:
        require(session, project_id, username, Action.VIEW_AGREEMENT)
        return _coder_counts(session, project_id)


def _coder_counts(session: Session, project_id: int) -> list[CoderCount]:
    rows = session.execute(
        select(User.username, func.count(Coding.id))
        .join(Coding, Coding.coder_id == User.id)
        .join(Code, Code.id == Coding.code_id)
        .where(Code.project_id == project_id, User.username != queries.CONSENSUS_USERNAME)
        .group_by(User.username)
    )
    counted = [CoderCount(name, int(n)) for name, n in rows]
    return sorted(counted, key=lambda c: (-c.codings, c.username))


def _pick_coders(session: Session, project_id: int, chosen: Sequence[str] | None) -> tuple[User, User]:
    counts = {c.username: c.codings for c in _coder_counts(session, project_id)}
    if not chosen:
        if len(counts) < 2:
            raise Invalid("agreement needs two coders, and this project has codings by fewer than two")
        chosen = list(counts)[:2]
    names = [name.strip() for name in chosen]
    if len(names) != 2 or names[0] == names[1]:
        raise Invalid("name two different coders, e.g. --coders alice,bob")
    users = []
    for name in names:
        user = queries.user_by_name(session, name)
        if user is None:
            raise NotFound(f"there is no user {name!r}")
        if not counts.get(name):
            raise Invalid(f"{name} has no codings in this project")
        users.append(user)
    return users[0], users[1]


def _load(session: Session, project_id: int, coder_ids: tuple[int, int]) -> _Data:
    rows = session.execute(
        select(Excerpt.document_id, Coding.code_id, Coding.coder_id, Excerpt.start, Excerpt.end)
        .join(Coding, Coding.excerpt_id == Excerpt.id)
        .join(Code, Code.id == Coding.code_id)
        .where(Code.project_id == project_id, Coding.coder_id.in_(coder_ids))
    )
    coded = [_Coded(doc, code, coder, (start, end)) for doc, code, coder, start, end in rows]
    by_coder: dict[int, set[int]] = defaultdict(set)
    for c in coded:
        by_coder[c.coder_id].add(c.document_id)
    shared = by_coder[coder_ids[0]] & by_coder[coder_ids[1]]
    documents = session.execute(
        select(Document.id, Document.study_id, func.length(Document.text)).where(Document.id.in_(shared))
    ).all()
    lengths = {doc: int(n) for doc, _, n in documents}
    study_of = {doc: study for doc, study, _ in documents}
    studies = {s.id: s for s in session.scalars(select(Study).where(Study.id.in_(set(study_of.values()))))}
    codes = {c.id: c for c in session.scalars(select(Code).where(Code.project_id == project_id))}
    coded = [c for c in coded if c.document_id in shared]
    return _Data(coder_ids, coded, lengths, study_of, studies, codes)


def _paths(codes: dict[int, Code]) -> dict[int, str]:
    """Each code's path in the code tree, "Parent/Child" (the CLI contract's form)."""
    return code_paths(
        {c.id: c.name for c in codes.values()}, {c.id: c.parent_id for c in codes.values()}, "/"
    )


def _counts(data: _Data, unit: str) -> dict[tuple[int, int], Counts]:
    """Counts per (document, code) for every listed code in every shared document."""
    spans: dict[tuple[int, int, int], list[Span]] = defaultdict(list)
    units: dict[int, set[Span]] = defaultdict(set)
    for c in data.coded:
        spans[c.document_id, c.code_id, c.coder_id].append(c.span)
        units[c.document_id].add(c.span)
    a, b = data.coder_ids
    listed = {c.code_id for c in data.coded}
    out = {}
    for document_id, length in data.lengths.items():
        for code_id in listed:
            spans_a, spans_b = spans[document_id, code_id, a], spans[document_id, code_id, b]
            if unit == "character":
                out[document_id, code_id] = maths.character_counts(length, spans_a, spans_b)
            else:
                out[document_id, code_id] = maths.excerpt_counts(units[document_id], spans_a, spans_b)
    return out


def _total(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts())


def _measure(data: _Data, unit: str, names: tuple[str, str]) -> AgreementResult:
    counts = _counts(data, unit)
    paths = _paths(data.codes)
    listed = sorted({code for _, code in counts}, key=lambda i: paths[i].casefold())
    per_code: dict[int, Counts] = defaultdict(Counts)
    for (_, code), c in counts.items():
        per_code[code] += c
    codes = tuple(CodeAgreement(i, data.codes[i].name, paths[i], per_code[i]) for i in listed)
    documents_of: dict[int, list[int]] = defaultdict(list)
    for document_id, study_id in data.study_of.items():
        documents_of[study_id].append(document_id)
    studies = []
    for study_id, documents in documents_of.items():
        study = data.studies[study_id]
        by_code = {k: _total(counts[d, k] for d in documents) for k in listed}
        overall = _total(by_code.values())
        studies.append(StudyAgreement(study_id, study.key, study.title, len(documents), overall, by_code))
    studies.sort(key=lambda s: s.key.casefold())
    overall = _total(per_code.values())
    return AgreementResult(unit, names, len(data.lengths), overall, codes, tuple(studies))


def compute(
    store: Store,
    username: str,
    project_id: int,
    coders: Sequence[str] | None = None,
    unit: str = "character",
) -> AgreementResult:
    """Agreement between two coders (default: the two with the most codings), overall, per code and
    per study, in character or excerpt units."""
    if unit not in UNITS:
        raise Invalid(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    with store.transaction() as session:
        require(session, project_id, username, Action.VIEW_AGREEMENT)
        a, b = _pick_coders(session, project_id, coders)
        data = _load(session, project_id, (a.id, b.id))
        names = (a.username, b.username)
    return _measure(data, unit, names)


def per_study(
    store: Store,
    username: str,
    project_id: int,
    coders: Sequence[str] | None = None,
    unit: str = "character",
) -> tuple[StudyAgreement, ...]:
    """The code x study matrix of counts (for the heat map of kappa), studies by key."""
    return compute(store, username, project_id, coders, unit).studies


@dataclass(frozen=True)
class ConfigurationMatch:
    """A row of the configuration comparison: A's and B's labels (empty when unmatched)."""

    label_a: str
    label_b: str
    context: float | None
    mechanism: float | None
    outcome: float | None
    exact: bool


@dataclass(frozen=True)
class ConfigurationComparison:
    """Two reviewers' configurations matched (see ``domain/agreement.match_configurations``)."""

    coders: tuple[str, str]
    configurations: tuple[int, int]
    exact: int
    score: float | None
    rows: tuple[ConfigurationMatch, ...]


def _configuration_codes(session: Session, project_id: int, user_id: int) -> list[ConfigurationCodes]:
    configs = session.scalars(
        select(Configuration)
        .where(Configuration.project_id == project_id, Configuration.created_by_id == user_id)
        .order_by(Configuration.id)
    ).all()
    elements = session.execute(
        select(
            ConfigurationElement.configuration_id, ConfigurationElement.role, ConfigurationElement.code_id
        ).where(ConfigurationElement.configuration_id.in_([c.id for c in configs]))
    ).all()
    roles: dict[tuple[int, ElementRole], set[int]] = defaultdict(set)
    for config_id, role, code_id in elements:
        roles[config_id, ElementRole(role)].add(code_id)
    return [
        ConfigurationCodes(
            c.id,
            c.label,
            frozenset(roles[c.id, ElementRole.CONTEXT]),
            frozenset(roles[c.id, ElementRole.MECHANISM]),
            frozenset(roles[c.id, ElementRole.OUTCOME]),
        )
        for c in configs
    ]


def configuration_agreement(
    store: Store, username: str, project_id: int, coders: Sequence[str] | None = None
) -> ConfigurationComparison:
    """How far the two coders' configurations (by who created them) agree on their codes."""
    with store.transaction() as session:
        require(session, project_id, username, Action.VIEW_AGREEMENT)
        a, b = _pick_coders(session, project_id, coders)
        mine, theirs = (
            _configuration_codes(session, project_id, a.id),
            _configuration_codes(session, project_id, b.id),
        )
    result = maths.match_configurations(mine, theirs)
    rows = [
        ConfigurationMatch(p.a.label, p.b.label, p.context, p.mechanism, p.outcome, p.exact)
        for p in result.pairs
    ]
    rows += [ConfigurationMatch(c.label, "", None, None, None, False) for c in result.unmatched_a]
    rows += [ConfigurationMatch("", c.label, None, None, None, False) for c in result.unmatched_b]
    return ConfigurationComparison(
        (a.username, b.username), (len(mine), len(theirs)), result.exact, result.score, tuple(rows)
    )
