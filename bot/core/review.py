"""Review queue model (items, states, ids, ages), stats and text views; pure, clock-free."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.core.scoring import Route, format_score
from bot.errors import UsageError

ID_PREFIX = "rq-"
#: Upper bounds of the confidence buckets, Prometheus style: (previous bound, bound].
CONFIDENCE_BOUNDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
DEFAULT_ALERT_AFTER = ("24h", "72h")
_DURATION = re.compile(r"(\d+)([smhdw])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class QueueState(StrEnum):
    """``pending`` → ``approved`` → ``applied``, or ``pending`` → ``rejected``."""

    PENDING = "pending"
    APPROVED = "approved"
    APPLIED = "applied"
    REJECTED = "rejected"


@dataclass(frozen=True)
class QueueItem:
    """A patch waiting for (or past) a person's decision. ``diff`` is None in listings."""

    id: int
    repo: str
    pr_number: int | None
    head_sha: str
    diff: str | None
    score: float
    route: Route
    reasons: tuple[str, ...]
    signals: Mapping[str, Any]
    fix_ids: tuple[str, ...]
    state: QueueState
    created_at: datetime
    decided_at: datetime | None
    actor: str | None
    reason: str | None
    applied_at: datetime | None
    commit_sha: str | None

    @property
    def label(self) -> str:
        """The id users type: ``rq-12``."""
        return format_item_id(self.id)

    def age(self, now: datetime) -> timedelta:
        return now - self.created_at

    def to_dict(self, now: datetime) -> dict[str, Any]:
        """JSON for ``queue show/list --format json``; keys in a fixed, documented order."""
        return {
            "id": self.label,
            "state": self.state.value,
            "repo": self.repo,
            "pr_number": self.pr_number,
            "head_sha": self.head_sha,
            "score": self.score,
            "route": self.route.value,
            "reasons": list(self.reasons),
            "signals": dict(self.signals),
            "fix_ids": list(self.fix_ids),
            "created_at": _iso(self.created_at),
            "age_seconds": round(self.age(now).total_seconds()),
            "decided_at": _iso(self.decided_at),
            "actor": self.actor,
            "reason": self.reason,
            "applied_at": _iso(self.applied_at),
            "commit_sha": self.commit_sha,
            **({} if self.diff is None else {"diff": self.diff}),
        }


@dataclass(frozen=True)
class QueueStats:
    """Counts by state and route, the confidence distribution and pending ages."""

    total: int
    by_state: Mapping[str, int]
    by_route: Mapping[str, int]
    confidence: tuple[int, ...]  # one count per CONFIDENCE_BOUNDS bucket
    score_sum: float
    oldest_pending_seconds: float | None
    pending_older_than: Mapping[str, int]  # alert threshold label ("24h") → pending count

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_state": dict(self.by_state),
            "by_route": dict(self.by_route),
            "confidence": [
                {"le": bound, "count": count}
                for bound, count in zip(CONFIDENCE_BOUNDS, self.confidence, strict=True)
            ],
            "oldest_pending_seconds": self.oldest_pending_seconds,
            "pending_older_than": dict(self.pending_older_than),
        }


def format_item_id(item_id: int) -> str:
    return f"{ID_PREFIX}{item_id}"


def parse_item_id(text: str) -> int:
    """``rq-12`` or ``12`` → 12; anything else is a ``UsageError``."""
    digits = text.strip().lower().removeprefix(ID_PREFIX)
    if not digits.isdecimal() or int(digits) < 1:
        raise UsageError(f"{text!r} is not a review queue id (expected e.g. {ID_PREFIX}12 or 12)")
    return int(digits)


def parse_duration(text: str) -> timedelta:
    """``90s``, ``30m``, ``24h``, ``7d``, ``2w`` or combinations like ``1h30m``."""
    spec = text.strip().lower()
    parts = _DURATION.findall(spec)
    if not spec or "".join(n + u for n, u in parts) != spec:
        raise UsageError(f"{text!r} is not a duration (examples: 90s, 30m, 24h, 7d, 1h30m)")
    return timedelta(seconds=sum(int(n) * _UNIT_SECONDS[u] for n, u in parts))


def format_age(age: timedelta) -> str:
    """A compact age for tables: ``45s``, ``12m``, ``5h 03m``, ``3d 04h``."""
    seconds = max(0, int(age.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m" if minutes else f"{secs}s"


def queue_stats(
    items: Iterable[QueueItem], *, now: datetime, alert_after: Sequence[str] = DEFAULT_ALERT_AFTER
) -> QueueStats:
    """Aggregate items into metrics; ``alert_after`` are duration labels such as ``24h``."""
    limits = {label: parse_duration(label) for label in alert_after}
    by_state = dict.fromkeys((s.value for s in QueueState), 0)
    by_route = dict.fromkeys((r.value for r in Route), 0)
    buckets = [0] * len(CONFIDENCE_BOUNDS)
    older = dict.fromkeys(limits, 0)
    total, score_sum, oldest = 0, 0.0, None
    for item in items:
        total += 1
        score_sum += item.score
        by_state[item.state.value] += 1
        by_route[item.route.value] += 1
        buckets[_bucket(item.score)] += 1
        if item.state is QueueState.PENDING:
            age = item.age(now)
            oldest = age if oldest is None else max(oldest, age)
            for label, limit in limits.items():
                older[label] += age > limit
    return QueueStats(
        total=total,
        by_state=by_state,
        by_route=by_route,
        confidence=tuple(buckets),
        score_sum=score_sum,
        oldest_pending_seconds=None if oldest is None else oldest.total_seconds(),
        pending_older_than=older,
    )


def render_table(items: list[QueueItem], now: datetime) -> str:
    """The ``queue list`` table, oldest first, with a one-line summary."""
    if not items:
        return "no matching items"
    rows = [("ID", "AGE", "SCORE", "STATE", "WHERE", "FIXES")]
    for item in items:
        where = item.repo + (f"#{item.pr_number}" if item.pr_number else "") or "-"
        fixes = ",".join(item.fix_ids) or "-"
        age = format_age(item.age(now))
        rows.append((item.label, age, format_score(item.score), item.state.value, where, fixes))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join([*map(str.ljust, r[:-1], widths), r[-1]]) for r in rows]
    return "\n".join(lines) + f"\n\n{len(items)} item(s)"


def render_item(item: QueueItem, now: datetime) -> str:
    """``queue show``: header, decision, reasons, signals and the diff."""
    where = item.repo + (f" PR #{item.pr_number}" if item.pr_number else "")
    lines = [
        f"{item.label}  {item.state.value}  score {format_score(item.score)} ({item.route.value})",
        f"where:   {where or '-'}  head {item.head_sha[:12] or '-'}",
        f"queued:  {format_age(item.age(now))} ago",
        f"fixes:   {', '.join(item.fix_ids) or '-'}",
    ]
    if item.actor and item.decided_at:
        ago = format_age(now - item.decided_at)
        lines.append(f"decided: {item.state.value} by {item.actor}, {ago} ago")
    if item.reason:
        lines.append(f"note:    {item.reason}")
    if item.commit_sha:
        lines.append(f"commit:  {item.commit_sha}")
    lines += ["", "reasons:", *(f"  - {r}" for r in item.reasons), "", "signals:"]
    for name, signal in item.signals.items():
        value = signal.get("value")
        lines.append(f"  {name:<9} {'not measured' if value is None else f'{value:.2f}'}")
    return "\n".join([*lines, "", "diff:", (item.diff or "").rstrip("\n")])


def render_stats(stats: QueueStats) -> str:
    """``queue stats`` as text: totals, counts by state and route, buckets, aged items."""
    data = stats.to_dict()
    oldest = stats.oldest_pending_seconds
    age = "-" if oldest is None else format_age(timedelta(seconds=oldest))
    lines = [f"items: {stats.total}   oldest pending: {age}", ""]
    lines.append("by state: " + ", ".join(f"{k} {v}" for k, v in stats.by_state.items()))
    lines.append("by route: " + ", ".join(f"{k} {v}" for k, v in stats.by_route.items()))
    lines.append(
        "confidence: " + ", ".join(f"<={b['le']} {b['count']}" for b in data["confidence"])
    )
    aged = ", ".join(f"{k} {v}" for k, v in stats.pending_older_than.items())
    return "\n".join([*lines, f"pending older than: {aged or '-'}"])


def _bucket(score: float) -> int:
    """Index of the first bucket whose upper bound is at least ``score``."""
    return next(i for i, bound in enumerate(CONFIDENCE_BOUNDS) if score <= bound)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")
