"""The zero-touch schedule's decisions: stale bot branches, review-queue backlog, report weeks."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

DAY = 86400.0


@dataclass(frozen=True, kw_only=True)
class ScheduleConfig:
    """What the schedule looks after, and when it speaks up."""

    branch_prefix: str = "autopilot/"
    branch_ttl_days: float = 7.0
    backlog_max: int = 10
    queue_max_age_hours: float = 72.0
    weekly_report: bool = True


@dataclass(frozen=True, kw_only=True)
class BotBranch:
    """A branch under the bot's prefix: its last commit's time and its pull requests."""

    name: str
    last_commit_at: float | None
    open_pull: bool
    merged: bool


def branches_to_delete(
    branches: Sequence[BotBranch], config: ScheduleConfig, *, now: float
) -> list[tuple[str, str]]:
    """``(branch, reason)`` for the bot's branches past their time: merged, or untouched for
    the TTL, and never one with an open pull request or outside the bot's prefix."""
    ttl = config.branch_ttl_days * DAY
    out = []
    for branch in branches:
        if not branch.name.startswith(config.branch_prefix) or branch.open_pull:
            continue
        age = None if branch.last_commit_at is None else now - branch.last_commit_at
        if age is None or age < ttl:
            continue
        days = int(age // DAY)
        reason = (
            f"merged, last commit {days} days ago"
            if branch.merged
            else f"stale: no commit for {days} days"
        )
        out.append((branch.name, reason))
    return out


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_hours: float | None
    problems: tuple[str, ...]


def backlog(pending_ages: Sequence[float], config: ScheduleConfig) -> Backlog:
    """The review queue's pending items (ages in seconds) against the config's limits."""
    oldest = max(pending_ages, default=None)
    oldest_hours = None if oldest is None else oldest / 3600
    problems = []
    if len(pending_ages) > config.backlog_max:
        problems.append(
            f"{len(pending_ages)} fixes wait for review (more than {config.backlog_max})"
        )
    if oldest_hours is not None and oldest_hours > config.queue_max_age_hours:
        limit = config.queue_max_age_hours
        problems.append(f"the oldest fix has waited {oldest_hours:.0f} h (more than {limit:g} h)")
    return Backlog(len(pending_ages), oldest_hours, tuple(problems))


def week_of(now: float) -> str:
    """``2027-W02``: the ISO week a weekly report belongs to."""
    return time.strftime("%G-W%V", time.gmtime(now))


def schedule_fields(now: float) -> tuple[tuple[str, str], ...]:
    """The ``schedule`` event's fields for trigger rules: ``day`` (2027-01-15), ``weekday``
    (Fri) and ``hour`` (08), in UTC."""
    return tuple(
        (name, time.strftime(pattern, time.gmtime(now)))
        for name, pattern in (("day", "%Y-%m-%d"), ("weekday", "%a"), ("hour", "%H"))
    )


def day_of(now: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(now))
