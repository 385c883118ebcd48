"""Assignments: one or two reviewers per study, balanced assignment, the queue, progress, done and release."""

from collections import Counter

import pytest

from tests.conftest import run_workbench
from tests.integration.blind_project import ALICE, BOB, CAROL, OWNER, build
from workbench.domain.blinding import Progress
from workbench.importers.archive import from_bytes
from workbench.services import assignments, audit, importing
from workbench.services.errors import Invalid, PermissionDenied
from workbench.store.db import Store


def _more_studies(store: Store, project_id: int, n: int) -> None:
    texts = [
        "Nurses on night shifts described peer support.",
        "Lantern festivals brought villagers together every autumn.",
        "Orchard cooperatives shared tools and seasonal labour.",
        "Glacier guides trained apprentices through long expeditions.",
    ]
    files = [from_bytes(f"extra{i:02d}.txt", texts[i].encode()) for i in range(n)]
    importing.import_files(store, OWNER, project_id, files)


def test_every_study_to_two_reviewers_balanced_gives_equal_shares_the_same_way_each_time(store: Store):
    b = build(store)
    _more_studies(store, b.project_id, 4)  # 6 studies; s01 already has alice and bob
    plan = assignments.assign_balanced(store, OWNER, b.project_id, [ALICE, BOB, CAROL])
    grid = assignments.progress_grid(store, OWNER, b.project_id)
    per_study = Counter(key for _, key in grid.cells)
    per_reviewer = Counter(who for who, _ in grid.cells)
    assert set(per_study.values()) == {2} and len(per_study) == 6
    assert per_reviewer == {ALICE: 4, BOB: 4, CAROL: 4}
    assert assignments.assign_balanced(store, OWNER, b.project_id, [ALICE, BOB, CAROL]) == {}
    # deterministic: studies by key, the least loaded reviewer first, ties in the order given
    keys = sorted(plan)
    assert plan[keys[0]] == [CAROL, ALICE] and plan[keys[1]] == [BOB, CAROL]


def test_a_study_takes_one_or_two_reviewers_who_may_code(store: Store):
    b = build(store)
    with pytest.raises(Invalid, match="at most 2"):
        assignments.assign(store, OWNER, b.project_id, b.s01, [CAROL])
    with pytest.raises(Invalid, match="1 to 2"):
        assignments.assign(store, OWNER, b.project_id, b.s02, [ALICE, BOB, CAROL])
    with pytest.raises(PermissionDenied):
        assignments.assign(store, OWNER, b.project_id, b.s02, ["stranger"])
    with pytest.raises(PermissionDenied):
        assignments.assign(store, ALICE, b.project_id, b.s02, [ALICE])
    assert assignments.assign(store, OWNER, b.project_id, b.s02, [CAROL]) == [CAROL]
    assert assignments.unassign(store, OWNER, b.project_id, b.s02, CAROL) is True


def test_the_queue_and_the_dashboard_show_not_started_in_progress_and_done(store: Store):
    b = build(store)
    assignments.assign(store, OWNER, b.project_id, b.s02, [ALICE])
    queue = assignments.my_studies(store, ALICE, b.project_id)
    assert [(q.study_id, q.status) for q in queue] == [
        (b.s01, Progress.IN_PROGRESS),
        (b.s02, Progress.NOT_STARTED),
    ]
    assignments.mark_done(store, ALICE, b.s01)
    grid = assignments.progress_grid(store, CAROL, b.project_id)
    assert grid.reviewers == (ALICE, BOB)
    assert grid.counts(ALICE) == {Progress.NOT_STARTED: 1, Progress.IN_PROGRESS: 0, Progress.DONE: 1}
    assert grid.counts(BOB) == {Progress.NOT_STARTED: 0, Progress.IN_PROGRESS: 1, Progress.DONE: 0}
    assert assignments.my_studies(store, CAROL, b.project_id) == []


def test_the_study_opens_when_both_reviewers_mark_it_done_and_stays_open_if_one_reopens(store: Store):
    b = build(store)
    assert assignments.mark_done(store, ALICE, b.s01) is False
    assert assignments.blind_state(store, ALICE, b.s01).blind
    assignments.reopen(store, ALICE, b.s01)
    assert assignments.mark_done(store, BOB, b.s01) is False
    assert assignments.mark_done(store, ALICE, b.s01) is True
    state = assignments.blind_state(store, ALICE, b.s01)
    assert state.released and state.done and not state.blind
    assignments.reopen(store, ALICE, b.s01)
    assert assignments.blind_state(store, ALICE, b.s01).released
    entries = [
        e for e in audit.audit_entries(store, OWNER, b.project_id, study_id=b.s01) if e.entity_type == "study"
    ]
    assert any(e.after and e.after.get("released") and not (e.before or {}).get("released") for e in entries)


def test_only_the_owner_releases_a_study_early_and_can_blind_it_again(store: Store):
    b = build(store)
    with pytest.raises(PermissionDenied):
        assignments.release(store, ALICE, b.s01)
    with pytest.raises(Invalid, match="not assigned"):
        assignments.mark_done(store, CAROL, b.s01)
    assert assignments.release(store, OWNER, b.s01) is True
    assert not assignments.blind_state(store, ALICE, b.s01).blind
    assignments.reblind(store, OWNER, b.s01)
    assert assignments.blind_state(store, ALICE, b.s01).blind


def test_only_the_owner_switches_blind_coding(store: Store):
    b = build(store, blind=False)
    with pytest.raises(PermissionDenied):
        assignments.set_blind_coding(store, ALICE, b.project_id, True)
    assert not assignments.blind_state(store, ALICE, b.s01).blind
    assert assignments.set_blind_coding(store, OWNER, b.project_id, True) is True
    assert assignments.blind_coding(store, ALICE, b.project_id)
    assert assignments.blind_state(store, ALICE, b.s01).blind


def test_workbench_assign_gives_one_study_or_all_of_them_balanced(store: Store):
    b = build(store)
    url = store.engine.url.render_as_string(hide_password=False)
    one = run_workbench(
        url, "assign", "--project", "Blind review", "--study", "s02", "--to", CAROL, user=OWNER
    )
    assert one.returncode == 0, one.stderr
    assert "s02: assigned carol" in one.stdout
    everything = run_workbench(
        url,
        "assign",
        "--project",
        "Blind review",
        "--balanced",
        "--reviewers",
        f"{ALICE},{BOB},{CAROL}",
        user=OWNER,
    )
    assert everything.returncode == 0, everything.stderr
    grid = assignments.progress_grid(store, OWNER, b.project_id)
    assert Counter(key for _, key in grid.cells) == {"s01": 2, "s02": 2}
    refused = run_workbench(
        url, "assign", "--project", "Blind review", "--study", "s02", "--to", BOB, user=ALICE
    )
    assert refused.returncode == 1 and "may not" in refused.stderr + refused.stdout


def test_the_assignments_page_reads_the_owner_s_pickers_grid_and_setting_together(store: Store):
    b = build(store)
    page = assignments.assignments_page(store, OWNER, b.project_id)
    assert page.owner and page.blind
    assert page.reviewers == assignments.assignable_reviewers(store, OWNER, b.project_id)
    assert list(page.studies) == [b.s01, b.s02] and page.studies[b.s01].startswith("s01 — ")
    assert page.grid == assignments.progress_grid(store, OWNER, b.project_id)
    assert page.assignees(b.s01) == [ALICE, BOB] and page.assignees(b.s02) == []


def test_a_reviewer_s_assignments_page_has_the_grid_but_no_pickers(store: Store):
    b = build(store, blind=False)
    page = assignments.assignments_page(store, ALICE, b.project_id)
    assert not page.owner and not page.blind
    assert page.reviewers == [] and page.studies == {}
    assert set(page.grid.cells) == {(ALICE, "s01"), (BOB, "s01")}
    with pytest.raises(PermissionDenied, match="stranger is not a member"):
        assignments.assignments_page(store, "stranger", b.project_id)
