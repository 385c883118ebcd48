"""Blind double coding: the one rule saying whose codings of a study a member may see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class StudyBlinding:
    """What the rule needs to know about one study and one viewer."""

    blind_project: bool  # the project codes independently
    released: bool  # every assignee marked the study done, or the owner released it
    assigned: bool  # the viewer is one of the study's assigned reviewers
    sees_blind: bool  # the viewer's role may see others' codings of a study still coded blind


def sees_others(state: StudyBlinding) -> bool:
    """Whether the viewer sees other people's codings of the study (their own they always see).

    Non-blind projects and released studies: everyone sees everything. A blind, unreleased study:
    an assignee sees only their own codings; anyone else sees all of them only with the right to see
    blind codings (the owner), else none but their own. Consensus codings are others' codings here.
    """
    if not state.blind_project or state.released:
        return True
    if state.assigned:
        return False
    return state.sees_blind


def may_see(state: StudyBlinding, own: bool) -> bool:
    """Whether the viewer may see one coding of the study (``own``: they are its coder)."""
    return own or sees_others(state)


class Progress(StrEnum):
    """Where a reviewer is with an assigned study."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    DONE = "done"


def progress(done: bool, own_codings: int) -> Progress:
    """Done once marked done; in progress with at least one own coding of the study; else not started."""
    if done:
        return Progress.DONE
    return Progress.IN_PROGRESS if own_codings > 0 else Progress.NOT_STARTED


def all_done(done_flags: list[bool]) -> bool:
    """A study is released automatically when it has assignees and every one of them marked it done."""
    return bool(done_flags) and all(done_flags)


def balanced(
    study_ids: list[int], reviewers: list[str], per_study: int, existing: dict[int, set[str]] | None = None
) -> dict[int, list[str]]:
    """Give every study ``per_study`` distinct reviewers, each reviewer as equal a share as possible.

    Deterministic: studies in the given order; each study takes the reviewers with the fewest studies
    so far, ties broken by the order of ``reviewers``. Reviewers a study already has (``existing``)
    count towards its ``per_study`` and towards their load. Returns the new pairs only.
    """
    existing = existing or {}
    load = {r: sum(r in have for have in existing.values()) for r in reviewers}
    order = {r: i for i, r in enumerate(reviewers)}
    out: dict[int, list[str]] = {}
    for study_id in study_ids:
        have = existing.get(study_id, set())
        wanted = per_study - len(have)
        free = sorted((r for r in reviewers if r not in have), key=lambda r: (load[r], order[r]))
        chosen = free[: max(wanted, 0)]
        for r in chosen:
            load[r] += 1
        if chosen:
            out[study_id] = chosen
    return out
