"""Alert settings from the environment: where alerts go, per severity, and how often."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlparse

from bot.core.alerts import DEFAULT_ROUTES, Channel, Severity, parse_routes
from bot.errors import UsageError


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False


@dataclass(frozen=True)
class AlertSettings:
    """``AUTOPILOT_ALERT_*``: Slack incoming webhook, SMTP, a JSONL log, routes, throttle."""

    slack_url: str | None = field(default=None, repr=False)
    smtp: SmtpTarget | None = None
    log_path: str | None = None
    routes: Mapping[Severity, tuple[Channel, ...]] = field(default_factory=lambda: DEFAULT_ROUTES)
    throttle: float = 3600.0

    def secrets(self) -> tuple[str, ...]:
        found = [self.slack_url or ""]
        if self.smtp and self.smtp.password:
            found.append(self.smtp.password)
        return tuple(s for s in found if s)


def parse_smtp(url: str) -> SmtpTarget:
    """``smtp://user:pass@host:587?from=bot@x&to=a@x,b@x&starttls=1``."""
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
        raise UsageError("AUTOPILOT_ALERT_SMTP must look like smtp://host:port?from=..&to=..")
    sender = (query.get("from") or [""])[0]
    recipients = tuple(r for value in query.get("to", ()) for r in value.split(",") if r)
    if not sender or not recipients:
        raise UsageError("AUTOPILOT_ALERT_SMTP needs ?from=ADDRESS&to=ADDRESS[,ADDRESS]")
    return SmtpTarget(
        host=parsed.hostname,
        port=parsed.port or 25,
        sender=sender,
        recipients=recipients,
        user=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        starttls=(query.get("starttls") or ["0"])[0] in ("1", "true", "yes"),
    )


def load_alert_settings(environ: Mapping[str, str]) -> AlertSettings:
    throttle_raw = environ.get("AUTOPILOT_ALERT_THROTTLE") or "3600"
    try:
        throttle = float(throttle_raw)
    except ValueError:
        raise UsageError(
            f"AUTOPILOT_ALERT_THROTTLE must be seconds, got {throttle_raw!r}"
        ) from None
    smtp = environ.get("AUTOPILOT_ALERT_SMTP")
    return AlertSettings(
        slack_url=environ.get("AUTOPILOT_ALERT_SLACK_URL") or None,
        smtp=parse_smtp(smtp) if smtp else None,
        log_path=environ.get("AUTOPILOT_ALERT_LOG") or None,
        routes=parse_routes(environ.get("AUTOPILOT_ALERT_ROUTES") or ""),
        throttle=max(0.0, throttle),
    )
