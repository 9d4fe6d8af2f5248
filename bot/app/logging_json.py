"""JSON-lines logging: one object per line (ts, level, msg, delivery, event...), secrets masked."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

#: ``extra=`` keys copied into each line when present.
FIELDS = (
    "delivery",
    "event",
    "action",
    "installation",
    "repository",
    "handler",
    "status",
    "reason",
    "attempt",
    "duration_ms",
    "method",
    "path",
    "delay",
    "url",
    "error",
)
MASK = "***"


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object; known secret values are replaced by ``***``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def _mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in FIELDS:
            value = record.__dict__.get(key)
            if value is not None:
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return self._mask(json.dumps(line, default=str, ensure_ascii=False))


def configure_logging(
    level: str = "INFO", *, secrets: Iterable[str] = (), stream: IO[str] | None = None
) -> None:
    """Send every ``bot`` (and aiohttp/arq) log record to ``stream`` as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Access logs would repeat every webhook line; the App logs what matters itself.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
