"""Environment → frozen ``Settings`` for ``serve``, ``worker`` and ``action`` (read in ``main``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config.alerts import AlertSettings, load_alert_settings
from bot.core.modes import Mode
from bot.errors import UsageError

DEFAULT_API_URL = "https://api.github.com"
#: The embedded store: one SQLite file in the working directory.
DEFAULT_STORE_URL = "sqlite:///autopilot.db"
#: GitHub caps webhook payloads at 25 MB; anything larger is not from GitHub.
MAX_BODY_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Everything the App's edges need; secrets are kept out of ``repr``."""

    webhook_secret: str | None = field(default=None, repr=False)
    app_id: str | None = None
    private_key: str | None = field(default=None, repr=False)
    store_url: str = DEFAULT_STORE_URL
    queue_url: str = "local"
    api_url: str = DEFAULT_API_URL
    max_body_bytes: int = MAX_BODY_BYTES
    #: Seconds a claim (a lease) lasts unless renewed: a live worker renews its claims every
    #: fifth of it (``bot/app/heartbeat.py``), so only a dead worker's claims lapse.
    visibility_timeout: float = 5.0
    #: Attempts before a delivery is given up on and marked ``failed``.
    max_attempts: int = 5
    #: A failed delivery is retried after ``retry_base_delay * 2**(attempt-1)`` seconds
    #: (with jitter), at most ``retry_max_delay``; the worker moves on meanwhile.
    retry_base_delay: float = 5.0
    retry_max_delay: float = 600.0
    workers: int = 2
    #: Deliveries a worker claims in one transaction.
    claim_batch: int = 32
    #: ``auto`` acts; ``dry-run`` asks handlers to decide and report without writing.
    mode: Mode = Mode.AUTO
    #: Where alerts go (``AUTOPILOT_ALERT_*``), and how often the App's scheduler ticks.
    alerts: AlertSettings = field(default_factory=AlertSettings)
    schedule_interval: float = 60.0

    @property
    def has_app_credentials(self) -> bool:
        return bool(self.app_id and self.private_key)

    @property
    def uses_redis(self) -> bool:
        return self.queue_url.startswith(("redis://", "rediss://"))

    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log line."""
        own = tuple(s for s in (self.webhook_secret, self.private_key) if s)
        return own + self.alerts.secrets()


def _number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise UsageError(f"{name} must be positive, got {raw!r}")
    return value


def _private_key(environ: Mapping[str, str]) -> str | None:
    inline = environ.get("AUTOPILOT_PRIVATE_KEY") or None
    path = environ.get("AUTOPILOT_PRIVATE_KEY_PATH") or None
    if inline and path:
        raise UsageError("set AUTOPILOT_PRIVATE_KEY or AUTOPILOT_PRIVATE_KEY_PATH, not both")
    if path:
        try:
            inline = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read AUTOPILOT_PRIVATE_KEY_PATH {path}: {exc}") from exc
    if inline is not None:
        # Keys pasted into a single-line variable often carry literal "\n" sequences.
        inline = inline.replace("\\n", "\n").strip() + "\n"
        if "PRIVATE KEY-----" not in inline:
            raise UsageError(
                "the App private key is not a PEM key (-----BEGIN ... PRIVATE KEY-----)"
            )
    return inline


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Validate the environment; every problem is a ``UsageError`` (exit code 2)."""
    app_id = environ.get("AUTOPILOT_APP_ID") or None
    private_key = _private_key(environ)
    if bool(app_id) != bool(private_key):
        raise UsageError(
            "App credentials are incomplete: set both AUTOPILOT_APP_ID and "
            "AUTOPILOT_PRIVATE_KEY (or AUTOPILOT_PRIVATE_KEY_PATH), or neither"
        )
    if app_id is not None and not app_id.isdigit():
        raise UsageError(f"AUTOPILOT_APP_ID must be the App's numeric id, got {app_id!r}")
    queue_url = environ.get("AUTOPILOT_QUEUE") or "local"
    if queue_url != "local" and not queue_url.startswith(("redis://", "rediss://")):
        raise UsageError(
            f"AUTOPILOT_QUEUE must be 'local' or redis://host:port/db, got {queue_url!r}"
        )
    api_url = (environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    if not api_url.startswith(("http://", "https://")):
        raise UsageError(f"GITHUB_API_URL must be an http(s) URL, got {api_url!r}")
    return Settings(
        webhook_secret=environ.get("AUTOPILOT_WEBHOOK_SECRET") or None,
        app_id=app_id,
        private_key=private_key,
        store_url=environ.get("AUTOPILOT_STORE") or DEFAULT_STORE_URL,
        queue_url=queue_url,
        api_url=api_url,
        visibility_timeout=_number(environ, "AUTOPILOT_VISIBILITY_TIMEOUT", 5.0),
        max_attempts=int(_number(environ, "AUTOPILOT_MAX_ATTEMPTS", 5)),
        retry_base_delay=_number(environ, "AUTOPILOT_RETRY_BASE_DELAY", 5.0),
        retry_max_delay=_number(environ, "AUTOPILOT_RETRY_MAX_DELAY", 600.0),
        workers=int(_number(environ, "AUTOPILOT_WORKERS", 2)),
        claim_batch=int(_number(environ, "AUTOPILOT_CLAIM_BATCH", 32)),
        mode=_mode(environ.get("AUTOPILOT_MODE") or "auto"),
        alerts=load_alert_settings(environ),
        schedule_interval=_number(environ, "AUTOPILOT_SCHEDULE_INTERVAL", 60.0),
    )


def _mode(value: str) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        raise UsageError(f"mode must be one of {', '.join(Mode)}, got {value!r}") from None
