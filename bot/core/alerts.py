"""Alerts: severities, routing to channels, throttling and the daily summary (pure)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import UsageError


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class Channel(StrEnum):
    SLACK = "slack"
    EMAIL = "email"
    LOG = "log"


#: Where each severity goes unless the operator says otherwise.
DEFAULT_ROUTES: Mapping[Severity, tuple[Channel, ...]] = {
    Severity.INFO: (Channel.LOG,),
    Severity.WARNING: (Channel.SLACK, Channel.LOG),
    Severity.CRITICAL: (Channel.SLACK, Channel.EMAIL, Channel.LOG),
}


@dataclass(frozen=True, kw_only=True)
class Alert:
    """One alert; ``key`` groups repeats for throttling (``backlog:octo/repo``)."""

    key: str
    severity: Severity
    title: str
    text: str
    repository: str | None = None


def parse_routes(spec: str) -> dict[Severity, tuple[Channel, ...]]:
    """``critical=slack,email,log;warning=slack;info=log`` → routes (unnamed ones default)."""
    routes = dict(DEFAULT_ROUTES)
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        name, sep, channels = part.partition("=")
        try:
            severity = Severity(name.strip())
            chosen = tuple(Channel(c.strip()) for c in channels.split(",") if c.strip())
        except ValueError:
            raise UsageError(
                f"alert route {part!r}: use SEVERITY=CHANNEL,... with severities "
                f"{', '.join(Severity)} and channels {', '.join(Channel)}"
            ) from None
        if not sep:
            raise UsageError(f"alert route {part!r} has no '='")
        routes[severity] = chosen
    return routes


def throttled(last_sent: float | None, *, now: float, window: float) -> bool:
    """One alert per key per window: a repeat inside the window is not sent."""
    return last_sent is not None and now - last_sent < window


@dataclass(frozen=True)
class LoggedAlert:
    key: str
    severity: Severity
    title: str
    created_at: float
    throttled: bool
    failed_channels: tuple[str, ...]


def render_summary(alerts: Sequence[LoggedAlert], *, since: float, now: float) -> str:
    """The daily summary: counts per severity, then each alert key once with its count."""
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    if not alerts:
        return f"CI Autopilot daily summary {day}: no alerts in the last 24 hours.\n"
    counts = {s: sum(1 for a in alerts if a.severity is s) for s in Severity}
    lines = [
        f"CI Autopilot daily summary {day}: {len(alerts)} alerts ("
        + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        + ")",
        "",
    ]
    by_key: dict[str, list[LoggedAlert]] = {}
    for alert in alerts:
        by_key.setdefault(alert.key, []).append(alert)
    for key, group in sorted(by_key.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        last = group[-1]
        held = sum(1 for a in group if a.throttled)
        extra = f", {held} held back by throttling" if held else ""
        lines.append(f"- [{last.severity}] {last.title} ({key}): {len(group)}x{extra}")
    failed = sorted({c for a in alerts for c in a.failed_channels})
    if failed:
        lines += ["", "Failed deliveries on: " + ", ".join(failed)]
    return "\n".join(lines) + "\n"
