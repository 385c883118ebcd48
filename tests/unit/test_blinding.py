"""The blind-coding rule, progress states and balanced assignment, as pure functions."""

from collections import Counter

import pytest

from workbench.domain.blinding import (
    Progress,
    StudyBlinding,
    all_done,
    balanced,
    may_see,
    progress,
    sees_others,
)

# (blind project, released, assigned, may see blind codings) -> sees others' codings
RULE = [
    ((False, False, True, False), True),  # not a blind project: as before
    ((True, True, True, False), True),  # released: the comparison is open
    ((True, False, True, True), False),  # an assignee sees only their own, even an owner
    ((True, False, False, True), True),  # the owner, not assigned, sees all
    ((True, False, False, False), False),  # anyone else sees none but their own
]


@pytest.mark.parametrize(("state", "expected"), RULE)
def test_who_sees_others_codings_of_a_study_follows_the_one_rule(state, expected):
    blinding = StudyBlinding(*state)
    assert sees_others(blinding) is expected
    assert may_see(blinding, own=True) is True
    assert may_see(blinding, own=False) is expected


def test_progress_is_done_once_marked_else_in_progress_with_one_own_coding():
    assert progress(done=False, own_codings=0) == Progress.NOT_STARTED
    assert progress(done=False, own_codings=1) == Progress.IN_PROGRESS
    assert progress(done=True, own_codings=0) == Progress.DONE


def test_a_study_without_assignees_is_never_released_automatically():
    assert not all_done([])
    assert not all_done([True, False])
    assert all_done([True, True])


def test_balanced_assignment_gives_each_reviewer_an_equal_share_and_the_same_plan_every_time():
    studies, reviewers = list(range(1, 10)), ["ann", "ben", "cat"]
    plan = balanced(studies, reviewers, per_study=2)
    assert all(len(set(r)) == 2 for r in plan.values()) and set(plan) == set(studies)
    assert Counter(r for rs in plan.values() for r in rs) == {"ann": 6, "ben": 6, "cat": 6}
    assert plan == balanced(studies, reviewers, per_study=2)
    assert plan[1] == ["ann", "ben"] and plan[2] == ["cat", "ann"]


def test_balanced_assignment_keeps_existing_reviewers_and_counts_their_load():
    plan = balanced([1, 2, 3], ["ann", "ben"], per_study=2, existing={1: {"ann", "ben"}, 2: {"ann"}})
    assert plan == {2: ["ben"], 3: ["ann", "ben"]}
    uneven = balanced([1, 2, 3], ["ann", "ben", "cat"], per_study=1, existing={1: {"ann"}})
    assert uneven == {2: ["ben"], 3: ["cat"]}
