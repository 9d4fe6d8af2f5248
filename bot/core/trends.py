"""The weekly trend report: top failure fingerprints, flaky tests, time to green, rates."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.render.markdown import code


@dataclass(frozen=True, kw_only=True)
class TrendFailure:
    fingerprint: str
    category: str
    test: str | None = None
    file: str | None = None

    @property
    def label(self) -> str:
        return self.test or self.file or self.fingerprint[:12]


@dataclass(frozen=True, kw_only=True)
class TrendRun:
    """A triaged workflow run of the window (``conclusion`` ``success`` for a pass)."""

    workflow: str
    head_sha: str
    conclusion: str
    created_at: float
    failures: tuple[TrendFailure, ...] = ()


@dataclass(frozen=True, kw_only=True)
class TrendReport:
    runs: int
    failed_runs: int
    top: tuple[tuple[TrendFailure, int], ...]
    flaky: tuple[str, ...]
    time_to_green: float | None  # median seconds from a failure to the next pass; None: none
    recoveries: int
    auto_merge_rate: float | None  # None: not measured
    queue_pending: int
    queue_oldest_hours: float | None


def build_report(
    runs: Sequence[TrendRun],
    *,
    queue_ages: Sequence[float] = (),
    auto_merged: int | None = None,
    fixes: int | None = None,
    top: int = 5,
) -> TrendReport:
    """The report over ``runs`` (any order); rates are None where nothing was measured."""
    ordered = sorted(runs, key=lambda r: r.created_at)
    failed = [r for r in ordered if r.conclusion != "success"]
    counts: Counter[str] = Counter()
    first: dict[str, TrendFailure] = {}
    for run in failed:
        for failure in {f.fingerprint: f for f in run.failures}.values():
            counts[failure.fingerprint] += 1
            first.setdefault(failure.fingerprint, failure)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    passed = {(r.workflow, r.head_sha) for r in ordered if r.conclusion == "success"}
    flaky = sorted(
        {
            f.label
            for r in failed
            if (r.workflow, r.head_sha) in passed
            for f in r.failures
            if f.test
        }
    )
    durations = []
    for workflow in {r.workflow for r in ordered}:
        broken_since: float | None = None
        for run in (r for r in ordered if r.workflow == workflow):
            if run.conclusion != "success":
                broken_since = run.created_at if broken_since is None else broken_since
            elif broken_since is not None:
                durations.append(run.created_at - broken_since)
                broken_since = None
    oldest = max(queue_ages, default=None)
    return TrendReport(
        runs=len(ordered),
        failed_runs=len(failed),
        top=tuple((first[fp], n) for fp, n in ranked),
        flaky=tuple(flaky),
        time_to_green=statistics.median(durations) if durations else None,
        recoveries=len(durations),
        auto_merge_rate=None if not fixes or auto_merged is None else auto_merged / fixes,
        queue_pending=len(queue_ages),
        queue_oldest_hours=None if oldest is None else oldest / 3600,
    )


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def marker(week: str) -> str:
    return f"<!-- autopilot:trends:{week} -->"


def render_report(report: TrendReport, *, repository: str, week: str) -> str:
    """The report as Markdown (an issue comment, or ``autopilot report``)."""
    lines = [
        marker(week),
        f"## CI trends for {code(repository)}, week {week}",
        "",
        f"{report.runs} triaged runs, {report.failed_runs} failed.",
        "",
        "### Top failures",
        "",
    ]
    if report.top:
        lines += ["| failure | category | runs |", "|---|---|---|"]
        lines += [f"| {code(f.label)} | {f.category} | {n} |" for f, n in report.top]
    else:
        lines.append("No failures recorded this week.")
    lines += ["", "### Flaky tests", ""]
    lines += [f"- {code(t)}" for t in report.flaky] or [
        "None seen (failed, then passed on the same commit)."
    ]
    ttg = "not measured (no failure was followed by a pass)"
    if report.time_to_green is not None:
        ttg = f"{_hours(report.time_to_green)} (median of {report.recoveries})"
    rate = "not measured (no fix was routed)"
    if report.auto_merge_rate is not None:
        rate = f"{report.auto_merge_rate:.0%} of routed fixes merged by themselves"
    oldest = (
        "" if report.queue_oldest_hours is None else f", oldest {report.queue_oldest_hours:.0f} h"
    )
    lines += [
        "",
        "### Numbers",
        "",
        f"- Time from failure to green: {ttg}",
        f"- Auto-merge rate: {rate}",
        f"- Review queue: {report.queue_pending} pending{oldest}",
    ]
    return "\n".join(lines) + "\n"
