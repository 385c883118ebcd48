"""Coders coding the same span at the same moment share one excerpt, as if they had coded in turn."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier

import pytest
from sqlalchemy import func, select

from workbench.domain.codebook import CodeKind, CodeSpec
from workbench.domain.configurations import CodingMode
from workbench.domain.studies import Reference
from workbench.importers.text_types import ExtractedText
from workbench.services import coding, projects
from workbench.services.access import ensure_user
from workbench.services.codebook import add_codes
from workbench.services.coding import CodingAction
from workbench.services.rows.studies import attach_document, new_study
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Coding, Excerpt, Membership

OWNER = "owner"
REVIEWERS = ("rita", "bob", "ana")
TEXT = "Because she had been there herself, I trusted her. Talks made me hopeful again. " * 5
ROUNDS = 6  # each round a fresh span coded by every thread at once
THREADS = 8  # more threads than coders: some coders press "code" twice at the same moment


@pytest.fixture
def document(store: Store) -> tuple[int, list[int]]:
    """A document in a project with three reviewers, and the ids of two codes."""
    project_id = projects.create_project(store, OWNER, "Concurrent coding")
    with store.transaction() as session:
        for name in REVIEWERS:
            session.add(
                Membership(project_id=project_id, user_id=ensure_user(session, name).id, role=Role.REVIEWER)
            )
        study = new_study(session, project_id, "s01", Reference(title="Trust", year=2024))
        doc = attach_document(session, study, "s01.txt", ExtractedText(TEXT, "text/plain", [0]))
        specs = [CodeSpec("Trust", CodeKind.MECHANISM), CodeSpec("Hope", CodeKind.OUTCOME)]
        codes = add_codes(session, project_id, specs)
        return doc.id, [c.id for c in codes.values()]


def _all_at_once(calls: list[Callable[[], CodingAction]]) -> list[CodingAction]:
    start = Barrier(len(calls))

    def run(call: Callable[[], CodingAction]) -> CodingAction:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_coding_one_span_from_several_threads_at_once_makes_one_excerpt_and_no_repeated_codings(
    store: Store, document: tuple[int, list[int]]
):
    document_id, code_ids = document
    coders = [(OWNER, *REVIEWERS)[i % 4] for i in range(THREADS)]
    for round_ in range(ROUNDS):
        start = round_ * 10
        span = partial(coding.code_span, store, document_id=document_id, start=start, end=start + 30)
        actions = _all_at_once(
            [partial(span, who, code_ids=code_ids, mode=CodingMode.INDUCTIVE) for who in coders]
        )
        with store.transaction() as session:
            excerpts = session.scalars(select(Excerpt.id).where(Excerpt.start == start)).all()
            assert len(excerpts) == 1
            stored = session.execute(
                select(Coding.code_id, Coding.coder_id).where(Coding.excerpt_id == excerpts[0])
            ).all()
        # every coder applied both codes once, and each coding is reported by exactly one action
        assert len(stored) == len(set(coders)) * len(code_ids) == len(set(stored))
        reported = [c.coding_id for action in actions for c in action.codings]
        assert len(reported) == len(set(reported)) == len(stored)
        assert {c.excerpt_id for action in actions for c in action.codings} == set(excerpts)
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Excerpt)) == ROUNDS
