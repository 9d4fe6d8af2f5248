"""The zero-touch schedule: on each ``schedule`` event (a cron workflow in the Action, the
App's own scheduler) move plans on, age the review queue, prune the bot's branches, and post
the weekly trend report."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from gidgethub import BadRequest
from gidgethub.routing import Router

from bot.concerns.plans import advance_repository, on_plan_event
from bot.concerns.ports import Ports
from bot.core.alerts import Alert, Severity
from bot.core.config_check import ConfigError
from bot.core.events import Event
from bot.core.plan.engine import PlanEvent
from bot.core.schedule import (
    DAY,
    BotBranch,
    ScheduleConfig,
    backlog,
    branches_to_delete,
    day_of,
    schedule_fields,
    week_of,
)
from bot.core.trends import TrendReport, build_report, render_report
from bot.github.client import GitHubClient
from bot.store import reports

log = logging.getLogger(__name__)
router = Router()
#: The issue weekly reports are posted on (found by this label, opened when missing).
REPORT_LABEL = "autopilot-report"
REPORT_TITLE = "CI Autopilot: weekly trends"


@router.register("schedule")
async def on_schedule(event: Event, ports: Ports) -> None:
    repo = event.repository
    if repo is None:
        return
    config = await _config(ports, repo)
    jobs: tuple[tuple[str, Callable[[], Awaitable[object]]], ...] = (
        ("plans", lambda: _plans(event, ports, repo)),
        ("review queue", lambda: age_review_queue(ports, repo, config)),
        ("branches", lambda: prune_branches(ports, repo, config)),
        ("weekly report", lambda: weekly_report(ports, repo, config)),
        ("daily summary", lambda: daily_summary(ports)),
    )
    # One job failing (GitHub refusing a request) must not stop the others; the delivery
    # still fails afterwards, so it is retried and shows up in health.
    failed = []
    for name, job in jobs:
        try:
            await job()
        except Exception:
            log.exception("schedule job %s failed", name, extra={"repository": repo})
            failed.append(name)
    if failed:
        raise ScheduleJobsFailed(f"schedule jobs failed on {repo}: {', '.join(failed)}")


class ScheduleJobsFailed(Exception):
    """Some of a tick's jobs failed (each one logged with its traceback)."""


async def _config(ports: Ports, repo: str) -> ScheduleConfig:
    """The ``schedule`` section of ``.github/autopilot.yml`` on the default branch; the
    defaults when the file is missing or broken (a broken file is reported on its commits)."""
    try:
        data = await ports.gh.getitem(f"/repos/{repo}")
        return (await ports.repo_config.at(repo, str(data["default_branch"]))).schedule
    except ConfigError as exc:
        log.warning("schedule: %s has an invalid config, using defaults: %s", repo, exc)
        return ScheduleConfig()


async def _plans(event: Event, ports: Ports, repo: str) -> None:
    if not ports.dry_run:
        await advance_repository(ports, repo)
    # The plan's ``schedule`` rules (``do: start`` starts a run when none is running).
    fields = schedule_fields(ports.clock())
    await on_plan_event(
        ports, repo, PlanEvent("schedule", fields), installation_id=event.installation_id
    )


async def age_review_queue(ports: Ports, repo: str, config: ScheduleConfig) -> None:
    """Alert (throttled) when fixes pile up or wait too long for review."""
    db = ports.stores.deliveries.db
    ages = await asyncio.to_thread(
        reports.pending_review_ages, db, now=ports.clock(), repository=repo
    )
    found = backlog(ages, config)
    if found.problems and ports.alerts is not None:
        await ports.alerts.send(
            Alert(
                key=f"backlog:{repo}",
                severity=Severity.WARNING,
                title=f"Review backlog on {repo}",
                text="; ".join(found.problems) + ". See `autopilot queue list`.",
                repository=repo,
            )
        )


async def _bot_branches(gh: GitHubClient, repo: str, prefix: str) -> list[BotBranch]:
    owner = repo.split("/", 1)[0]
    refs = await gh.getitem(f"/repos/{repo}/git/matching-refs/heads/{quote(prefix)}")
    out = []
    for ref in refs:
        name = str(ref["ref"]).removeprefix("refs/heads/")
        commit = await gh.getitem(f"/repos/{repo}/git/commits/{ref['object']['sha']}")
        when = (commit.get("committer") or {}).get("date")
        at = datetime.fromisoformat(str(when).replace("Z", "+00:00")).timestamp() if when else None
        head = quote(f"{owner}:{name}")
        pulls = await gh.getitem(f"/repos/{repo}/pulls?state=all&head={head}&per_page=100")
        out.append(
            BotBranch(
                name=name,
                last_commit_at=at,
                open_pull=any(p.get("state") == "open" for p in pulls),
                merged=any(p.get("merged_at") for p in pulls),
            )
        )
    return out


async def prune_branches(ports: Ports, repo: str, config: ScheduleConfig) -> list[str]:
    """Delete the bot's merged or stale branches (under its prefix, past the TTL)."""
    branches = await _bot_branches(ports.gh, repo, config.branch_prefix)
    doomed = branches_to_delete(branches, config, now=ports.clock())
    deleted = []
    for name, reason in doomed:
        if ports.dry_run:
            log.info("dry-run: would delete %s (%s)", name, reason, extra={"repository": repo})
            continue
        try:
            await ports.gh.delete(f"/repos/{repo}/git/refs/heads/{quote(name)}")
        except BadRequest as exc:  # gone already, or protected: say so and go on
            log.warning("cannot delete %s: %s", name, exc, extra={"repository": repo})
            continue
        log.info("deleted %s (%s)", name, reason, extra={"repository": repo})
        deleted.append(name)
    return deleted


async def _report_issue(gh: GitHubClient, repo: str) -> int:
    async for issue in gh.getiter(f"/repos/{repo}/issues?labels={REPORT_LABEL}&state=open"):
        return int(issue["number"])
    created: Mapping[str, Any] = await gh.post(
        f"/repos/{repo}/issues",
        data={
            "title": REPORT_TITLE,
            "body": "CI Autopilot posts a trend report here every week.",
            "labels": [REPORT_LABEL],
        },
    )
    return int(created["number"])


async def weekly_report(ports: Ports, repo: str, config: ScheduleConfig) -> str | None:
    """Once per ISO week per repository (on every machine): the trend report as a comment."""
    now = ports.clock()
    week = week_of(now)
    if ports.dry_run or not config.weekly_report:
        return None
    report = await _trends(ports, repo, now=now)
    if report.runs == 0 and report.queue_pending == 0 and report.auto_merge_rate is None:
        return None  # a quiet week: nothing to say (a later tick this week may have news)
    if not await ports.stores.marks.once(f"weekly-report:{repo}:{week}", now=now):
        return None
    body = render_report(report, repository=repo, week=week)
    number = await _report_issue(ports.gh, repo)
    await ports.gh.post(f"/repos/{repo}/issues/{number}/comments", data={"body": body})
    return body


async def _trends(ports: Ports, repo: str, *, now: float, days: float = 7) -> TrendReport:
    db = ports.stores.deliveries.db
    runs = await asyncio.to_thread(reports.trend_runs, db, repo, since=now - days * DAY)
    ages = await asyncio.to_thread(reports.pending_review_ages, db, now=now, repository=repo)
    merged, routed = await asyncio.to_thread(reports.fix_routes, db, repo, since=now - days * DAY)
    return build_report(runs, queue_ages=ages, auto_merged=merged, fixes=routed)


async def daily_summary(ports: Ports) -> None:
    """Once a day (on every machine): the alerts of the last 24 hours, summarised."""
    now = ports.clock()
    if ports.alerts is None or not await ports.stores.marks.once(
        f"daily-summary:{day_of(now)}", now=now
    ):
        return
    await ports.alerts.daily_summary()
