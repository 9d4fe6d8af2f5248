"""What ``/autopilot status`` and ``/autopilot queue`` answer, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.render.markdown import code, plain, text
from bot.core.review import QueueItem, format_age
from bot.core.scoring import format_score

SHOWN_ITEMS = 20
#: Check-run conclusions that block a merge.
FAILING = frozenset({"failure", "timed_out", "cancelled", "action_required", "startup_failure"})


@dataclass(frozen=True, kw_only=True)
class CheckSummary:
    """The head commit's check runs by outcome (names only)."""

    passed: tuple[str, ...] = ()
    failing: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()

    @classmethod
    def of(cls, runs: Sequence[tuple[str, str, str | None]]) -> CheckSummary:
        """From ``(name, status, conclusion)`` triples."""
        passed, failing, pending = [], [], []
        for name, status, conclusion in runs:
            if status != "completed":
                pending.append(name)
            elif conclusion in FAILING:
                failing.append(name)
            else:
                passed.append(name)
        return cls(passed=tuple(passed), failing=tuple(failing), pending=tuple(pending))

    def describe(self) -> str:
        if not (self.passed or self.failing or self.pending):
            return "none reported"
        parts = [f"{len(self.passed)} passed"]
        if self.failing:
            parts.append(f"{len(self.failing)} failing ({names(self.failing)})")
        if self.pending:
            parts.append(f"{len(self.pending)} running ({names(self.pending)})")
        return ", ".join(parts)


@dataclass(frozen=True, kw_only=True)
class RunLink:
    """A workflow run to point at."""

    workflow: str
    run_id: int
    url: str

    def markdown(self) -> str:
        label = f"{text(self.workflow)} run {self.run_id}"
        return f"[{label}]({self.url})" if self.url.startswith("https://") else label


def names(values: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(code(plain(v, 60)) for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def queue_table(items: Sequence[QueueItem], now: datetime) -> str:
    """Pending review-queue items, oldest first."""
    if not items:
        return "no fix is waiting for review."
    lines = [
        "| id | pull request | confidence | waiting | fixes |",
        "|---|---|---|---|---|",
    ]
    for item in items[:SHOWN_ITEMS]:
        where = f"#{item.pr_number}" if item.pr_number else "-"
        fixes = ", ".join(text(f) for f in item.fix_ids[:5]) or "-"
        age = format_age(item.age(now))
        lines.append(
            f"| {code(item.label)} | {where} | {format_score(item.score)} | {age} | {fixes} |"
        )
    if len(items) > SHOWN_ITEMS:
        lines.append(f"\n… and {len(items) - SHOWN_ITEMS} more (`autopilot queue list`).")
    return "\n".join(lines)


def status(
    *,
    number: int,
    state: str,
    head_sha: str,
    checks: CheckSummary,
    mergeable_state: str | None,
    queued: Sequence[QueueItem],
    failed_run: RunLink | None = None,
) -> str:
    """``/autopilot status`` on a pull request."""
    lines = [
        f"pull request #{number} is {text(state)}, head {code(head_sha[:12])}",
        f"checks: {checks.describe()}",
    ]
    if mergeable_state:
        lines.append(f"mergeable state {code(mergeable_state)}")
    if failed_run is not None:
        lines.append(f"latest failed run {failed_run.markdown()} (`/autopilot triage` again)")
    if queued:
        ids = ", ".join(code(item.label) for item in queued)
        lines.append(f"waiting for review: {ids} (`/autopilot approve ID` or `reject ID`)")
    return "; ".join(lines) + "."
