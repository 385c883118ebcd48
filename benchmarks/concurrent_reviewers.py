"""Many reviewers writing at once: throughput, write latency, conflicts and lost updates.

Usage:
  .venv/bin/python benchmarks/concurrent_reviewers.py                       # SQLite, 5 reviewers
  scripts/with_postgres.sh .venv/bin/python benchmarks/concurrent_reviewers.py --backend postgresql
  scripts/with_postgres.sh .venv/bin/python benchmarks/concurrent_reviewers.py --backend postgresql \
      --large 200 --seconds 60
  .venv/bin/python benchmarks/concurrent_reviewers.py --url URL --project NAME --reviewers 20

Each reviewer is a separate process with its own ``Store`` (engine and pool), going through the
services as the pages do: coding a span (``coding.code_span``), editing a code's description
(``codebook.update_code`` with the version the page showed), editing a configuration's statement
(``configurations.update_configuration``, likewise) and accepting a suggestion
(``suggestions.accept_suggestion``). Code and configuration edits go to a few "hot" rows, after a
short think time between reading and writing, so that reviewers really edit from the same version.

Afterwards it counts, in the database: every coding a reviewer was told it made must exist (else a
lost coding); every edit a reviewer was told succeeded must have its own base version (two successes
from one base version are a lost update), and a row's version must have moved by exactly the number
of successful edits. Every edit must end as success or ``Conflict``; anything else (a "database is
locked" included) is counted as an error reaching the user.

With ``--backend postgresql`` a fresh database is made on the cluster named by
``WORKBENCH_TEST_POSTGRES_URL`` (``scripts/with_postgres.sh``) and dropped afterwards; with neither
``--url`` nor ``--backend`` a temporary SQLite file. ``--large 200`` generates the 200-study project
(``workbench demo --large``); ``--project NAME`` uses an existing one; else the demo is loaded.
Automatic retraining is off in the reviewers (``WORKBENCH_RETRAIN_AFTER=0``) unless ``--retrain``.

Each reviewer pauses ``--think`` seconds on average (exponentially distributed; default 1 s, already
far busier than a person) between actions; ``--think 0`` makes them act back to back, which on a small
machine measures CPU queueing (20 Python processes on 2 cores) more than the database. Suggestions
are accepted in the first few studies only, computed by each reviewer before the clock starts (each
process has its own spaCy cache; a real server shares one between its sessions).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import tempfile
import time
import traceback
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from workbench.domain.configurations import CodingMode
from workbench.services import codebook, coding, configurations, database, demo, suggestions
from workbench.services.access import ensure_user
from workbench.services.demo_large import load_large_demo
from workbench.services.errors import Conflict
from workbench.store.db import Store
from workbench.store.enums import Role
from workbench.store.models import Code, Coding, Configuration, Document, Membership, Project, Study

ACTIONS = ("code", "edit code", "edit configuration", "accept suggestion")
WEIGHTS = (0.6, 0.15, 0.1, 0.15)
HOT_ROWS = 3  # codes and configurations everyone edits
THINK = (0.0, 0.05)  # seconds between reading a row and saving the edit, as a reviewer typing
SUGGESTING = 3  # studies whose suggestions reviewers accept (computed before the clock starts)


@dataclass
class Plan:
    """What every reviewer needs to know: where the store is and which rows to touch."""

    url: str
    project_id: int
    documents: list[tuple[int, int, int]]  # (study id, document id, text length)
    code_ids: list[int]
    hot_codes: list[int]
    hot_configurations: list[int]
    seconds: float
    think: float  # mean pause between one reviewer's actions (0: act back to back)


@dataclass
class Outcome:
    """One reviewer's record: latencies by action, what it was told succeeded, what failed how."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    conflicts: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    codings: list[int] = field(default_factory=list)
    edits: list[tuple[str, int, int]] = field(default_factory=list)  # (table, row id, base version)


def reviewer_name(i: int) -> str:
    """The login of simulated reviewer ``i``."""
    return f"bench-r{i:02d}"


@contextmanager
def backend_url(args: argparse.Namespace) -> Iterator[str]:
    """The store to run against: --url, a fresh PostgreSQL database, or a temporary SQLite file."""
    if args.url:
        yield args.url
        return
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    admin_url = os.environ["WORKBENCH_TEST_POSTGRES_URL"]
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, project: str | None, large: int, reviewers: int, seconds: float, think: float) -> Plan:
    """Bring the store to head, load the demo when no project is named, and add the reviewers as
    owners (a reviewer may edit only their own configurations; the hot ones are the owner's)."""
    store = Store.open(url)
    database.upgrade_database(store, backup=False)
    if large:
        project_id = load_large_demo(store, "bench-owner", large, reviewers=4).project_id
    elif project is None:
        project_id = demo.load_demo(store, "bench-owner").project_id
    else:
        project_id = _project_id(store, project)
    with store.transaction() as session:
        members = set(session.scalars(select(Membership.user_id).where(Membership.project_id == project_id)))
        for i in range(reviewers):
            user = ensure_user(session, reviewer_name(i))
            if user.id not in members:
                session.add(Membership(project_id=project_id, user_id=user.id, role=Role.OWNER))
        documents = session.execute(
            select(Study.id, Document.id, func.length(Document.text))
            .join(Document, Document.study_id == Study.id)
            .where(Study.project_id == project_id)
        ).all()
        code_ids = list(
            session.scalars(select(Code.id).where(Code.project_id == project_id).order_by(Code.id))
        )
        config_ids = list(
            session.scalars(
                select(Configuration.id)
                .where(Configuration.project_id == project_id)
                .order_by(Configuration.id)
            )
        )
    store.dispose()
    return Plan(
        url, project_id, [tuple(d) for d in documents], code_ids, code_ids[:HOT_ROWS],
        config_ids[:HOT_ROWS], seconds, think,
    )  # fmt: skip


def _project_id(store: Store, name: str) -> int:
    with store.transaction() as session:
        found = session.scalar(select(Project.id).where(Project.name == name))
    if found is None:
        raise SystemExit(f"no project named {name!r} in that store")
    return int(found)


def _timed(outcome: Outcome, action: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    try:
        result = call()
    except Conflict:
        outcome.conflicts[action] += 1
        return None
    except Exception as exc:  # anything else would reach the reviewer as an error
        outcome.errors[f"{action}: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"] += 1
        return None
    outcome.latencies[action].append(time.perf_counter() - started)
    return result


def _code(plan: Plan, user: str, rng: random.Random, outcome: Outcome) -> None:
    _study, document_id, length = rng.choice(plan.documents)
    start = rng.randrange(0, max(1, length - 200))
    end = min(length, start + rng.randint(20, 200))
    code_id = rng.choice(plan.code_ids)
    mode = CodingMode.INDUCTIVE
    action = _timed(
        outcome,
        "code",
        lambda: coding.code_span(store_of(plan), user, document_id, start, end, [code_id], mode),
    )
    if action is not None:
        outcome.codings.extend(action.coding_ids)


def _edit_code(plan: Plan, user: str, rng: random.Random, outcome: Outcome) -> None:
    store = store_of(plan)
    nodes = {n.id: n for n in codebook.flatten(codebook.codebook_tree(store, user, plan.project_id))}
    node = nodes[rng.choice(plan.hot_codes)]
    time.sleep(rng.uniform(*THINK))
    text_ = f"edited by {user} at {time.time():.6f}"

    def save() -> bool:
        codebook.update_code(store, user, node.id, expected_version=node.version, description=text_)
        return True

    if _timed(outcome, "edit code", save):
        outcome.edits.append(("codes", node.id, node.version))


def _edit_configuration(plan: Plan, user: str, rng: random.Random, outcome: Outcome) -> None:
    store = store_of(plan)
    row = configurations.get_configuration(store, user, rng.choice(plan.hot_configurations))
    time.sleep(rng.uniform(*THINK))
    statement = f"{row.statement.split(' [')[0]} [edited by {user} at {time.time():.6f}]"

    def save() -> bool:
        configurations.update_configuration(
            store, user, row.id, expected_version=row.version, statement=statement
        )
        return True

    if _timed(outcome, "edit configuration", save):
        outcome.edits.append(("configurations", row.id, row.version))


def _accept(plan: Plan, user: str, rng: random.Random, outcome: Outcome) -> None:
    store = store_of(plan)
    study_id, _doc, _length = rng.choice(plan.documents[:SUGGESTING])
    offered = [s for s in suggestions.suggest_for_study(store, user, study_id, top=5) if s.codes]
    if not offered:
        return _code(plan, user, rng, outcome)
    s = rng.choice(offered)
    code_ids, mode = [s.codes[0].code_id], CodingMode.INDUCTIVE
    ids = _timed(
        outcome, "accept suggestion",
        lambda: suggestions.accept_suggestion(
            store, user, s.document_id, s.start, s.end, code_ids, mode, s.model_version
        ),
    )  # fmt: skip
    if ids is not None:
        outcome.codings.extend(ids.coding_ids)  # accept_suggestion returns the undoable CodingAction
    return None


_stores: dict[str, Store] = {}


def store_of(plan: Plan) -> Store:
    """This process's own store (engine and pool), opened once."""
    if plan.url not in _stores:
        _stores[plan.url] = Store.open(plan.url)
    return _stores[plan.url]


def reviewer(i: int, plan: Plan, start: Any, results: Any) -> None:
    """One simulated reviewer: wait for the common start, then act until the time is up."""
    os.environ.setdefault("WORKBENCH_RETRAIN_AFTER", "0")
    user, rng, outcome = reviewer_name(i), random.Random(i), Outcome()
    steps = (_code, _edit_code, _edit_configuration, _accept)
    try:
        store_of(plan)
        for study_id, _document, _length in plan.documents[:SUGGESTING]:  # spaCy's work, done once
            suggestions.suggest_for_study(store_of(plan), user, study_id, top=1)
        start.wait()
        deadline = time.monotonic() + plan.seconds
        while time.monotonic() < deadline:
            rng.choices(steps, WEIGHTS)[0](plan, user, rng, outcome)
            if plan.think:
                time.sleep(min(rng.expovariate(1 / plan.think), max(0.0, deadline - time.monotonic())))
    except Exception:
        outcome.errors[f"reviewer crashed: {traceback.format_exc().splitlines()[-1]}"] += 1
    results.put((dict(outcome.latencies), outcome.conflicts, outcome.errors, outcome.codings, outcome.edits))


def check(
    plan: Plan, codings: list[int], edits: list[tuple[str, int, int]], before: dict[Any, int]
) -> dict[str, int]:
    """Lost codings, lost updates (two successes from one base version, or a version that moved by
    another number than the successes) counted in the database."""
    store = Store.open(plan.url)
    with store.transaction() as session:
        found = set(session.scalars(select(Coding.id).where(Coding.id.in_(codings)))) if codings else set()
        after = _versions(session, plan)
    store.dispose()
    bases = Counter(edits)
    doubled = sum(n - 1 for n in bases.values() if n > 1)
    moved = Counter((table, row) for table, row, _base in edits)
    drift = sum(abs((after[key] - before[key]) - moved.get(key, 0)) for key in after)
    return {"codings claimed": len(codings), "codings missing": len(set(codings) - found),
            "edits from a duplicate base version": doubled, "version drift": drift}  # fmt: skip


def _versions(session: Any, plan: Plan) -> dict[Any, int]:
    codes = session.execute(select(Code.id, Code.version_id).where(Code.id.in_(plan.hot_codes)))
    configs = session.execute(
        select(Configuration.id, Configuration.version_id).where(
            Configuration.id.in_(plan.hot_configurations)
        )
    )
    return {**{("codes", i): v for i, v in codes}, **{("configurations", i): v for i, v in configs}}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) in milliseconds, nearest rank."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def report(backend: str, reviewers: int, plan: Plan, merged: Outcome, lost: dict[str, int]) -> None:
    """Print the tables."""
    total, seconds = sum(len(v) for v in merged.latencies.values()), plan.seconds
    print(f"\n{backend}: {reviewers} reviewers (processes), {len(plan.documents)} documents, "
          f"a pause of {plan.think:g} s on average between actions, for {seconds:.0f} s; "
          f"{total} writes succeeded, {total / seconds:.1f} writes/s")  # fmt: skip
    heads = ("p50 ms", "p95 ms", "p99 ms")
    print(
        f"{'action':<20}{'ok':>7}{'conflict':>10}{'error':>7}"
        + "".join(f"{h:>9}" for h in heads)
        + f"{'mean':>8}"
    )
    for action in ACTIONS:
        values = merged.latencies.get(action, [])
        errors = sum(n for k, n in merged.errors.items() if k.startswith(action + ":"))
        cells = (
            [percentile(values, q) for q in (50, 95, 99)] + [1000 * statistics.fmean(values)]
            if values
            else []
        )
        figures = "".join(f"{c:>9.1f}" for c in cells[:3]) + (f"{cells[3]:>8.1f}" if cells else "")
        print(f"{action:<20}{len(values):>7}{merged.conflicts[action]:>10}{errors:>7}{figures}")
    print(f"machine load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("checked in the database afterwards:")
    for what, n in lost.items():
        print(f"  {what:<40}{n:>8}")
    for what, n in merged.errors.most_common(8):
        print(f"  error x{n}: {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="an existing store (default: a fresh one on --backend)")
    parser.add_argument("--project", help="an existing project (default: load the demo)")
    parser.add_argument("--large", type=int, default=0, help="generate a large project of N studies")
    parser.add_argument("--reviewers", type=int, help="default: 5 on SQLite, 20 on PostgreSQL")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a reviewer's actions")
    parser.add_argument("--retrain", action="store_true", help="keep automatic retraining on")
    args = parser.parse_args()
    if args.retrain:
        os.environ.setdefault("WORKBENCH_RETRAIN_AFTER", "25")
    with backend_url(args) as url:
        backend = make_url(url).get_backend_name()
        reviewers = args.reviewers or (5 if backend == "sqlite" else 20)
        plan = prepare(url, args.project, args.large, reviewers, args.seconds, args.think)
        before = _before(plan)
        context = mp.get_context("spawn")
        start, results = context.Barrier(reviewers + 1), context.Queue()
        workers = [context.Process(target=reviewer, args=(i, plan, start, results)) for i in range(reviewers)]
        for worker in workers:
            worker.start()
        start.wait()  # every reviewer has its store open and spaCy loaded
        merged = Outcome()
        for _ in workers:
            latencies, conflicts, errors, codings, edits = results.get()
            for action, values in latencies.items():
                merged.latencies[action].extend(values)
            merged.conflicts.update(conflicts)
            merged.errors.update(errors)
            merged.codings.extend(codings)
            merged.edits.extend(edits)
        for worker in workers:
            worker.join()
        report(backend, reviewers, plan, merged, check(plan, merged.codings, merged.edits, before))


def _before(plan: Plan) -> dict[Any, int]:
    store = Store.open(plan.url)
    with store.transaction() as session:
        versions = _versions(session, plan)
    store.dispose()
    return versions


if __name__ == "__main__":
    main()
