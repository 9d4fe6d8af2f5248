"""``autopilot health``: facts from the store judged healthy (0) or degraded (1)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import IntEnum
from typing import Any

from bot.core.schedule import ScheduleConfig, backlog


class HealthStatus(IntEnum):
    """The exit code: 0 healthy, 1 degraded, 2 the check itself could not run."""

    HEALTHY = 0
    DEGRADED = 1
    UNKNOWN = 2


#: A delivery still queued after this long means no worker is taking work.
STALE_DELIVERY_SECONDS = 600.0


@dataclass(frozen=True, kw_only=True)
class HealthFacts:
    stale_deliveries: int
    failed_deliveries_24h: int
    review_pending_ages: tuple[float, ...]
    failed_alerts_24h: int
    plans_running: int


def assess(facts: HealthFacts, config: ScheduleConfig) -> tuple[HealthStatus, list[str]]:
    """Every reason the installation is degraded (none: healthy)."""
    findings = list(backlog(facts.review_pending_ages, config).problems)
    if facts.stale_deliveries:
        findings.append(
            f"{facts.stale_deliveries} deliveries waited more than "
            f"{STALE_DELIVERY_SECONDS / 60:.0f} min for a worker"
        )
    if facts.failed_deliveries_24h:
        findings.append(f"{facts.failed_deliveries_24h} deliveries failed in the last 24 h")
    if facts.failed_alerts_24h:
        findings.append(f"{facts.failed_alerts_24h} alerts could not be delivered in the last 24 h")
    return (HealthStatus.DEGRADED if findings else HealthStatus.HEALTHY), findings


def to_json(status: HealthStatus, findings: list[str], facts: HealthFacts | None) -> dict[str, Any]:
    names = {HealthStatus.HEALTHY: "healthy", HealthStatus.DEGRADED: "degraded",
             HealthStatus.UNKNOWN: "unknown"}  # fmt: skip
    data: dict[str, Any] = {"status": names[status], "findings": findings}
    if facts is not None:
        data["facts"] = {**asdict(facts), "review_pending_ages": None}
        data["facts"]["review_pending"] = len(facts.review_pending_ages)
        del data["facts"]["review_pending_ages"]
    return data
