"""The alert log: every alert raised, whether throttling held it back, and failed channels."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from bot.core.alerts import Alert, LoggedAlert, Severity
from bot.store.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS alert_log (
        id {serial_pk}, alert_key TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL,
        body TEXT NOT NULL, repository TEXT, created_at DOUBLE PRECISION NOT NULL,
        throttled INTEGER NOT NULL, failed_channels TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS alert_log_key ON alert_log (alert_key, created_at)",
)


class AlertLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def last_sent(self, key: str) -> float | None:
        """When an alert with ``key`` was last sent (not held back), or None."""
        row = await asyncio.to_thread(
            self.db.fetchone,
            "SELECT MAX(created_at) AS at FROM alert_log WHERE alert_key = ? AND throttled = 0",
            (key,),
        )
        return None if row is None or row["at"] is None else float(row["at"])

    async def record(
        self, alert: Alert, *, now: float, throttled: bool, failed: Sequence[str] = ()
    ) -> None:
        await asyncio.to_thread(
            self.db.execute,
            """INSERT INTO alert_log (alert_key, severity, title, body, repository, created_at,
                   throttled, failed_channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (alert.key, str(alert.severity), alert.title, alert.text, alert.repository, now,
             int(throttled), json.dumps(list(failed))),
        )  # fmt: skip

    async def since(self, since: float) -> list[LoggedAlert]:
        rows = await asyncio.to_thread(
            self.db.fetchall,
            "SELECT * FROM alert_log WHERE created_at >= ? ORDER BY created_at, id",
            (since,),
        )
        return [
            LoggedAlert(
                key=r["alert_key"],
                severity=Severity(r["severity"]),
                title=r["title"],
                created_at=float(r["created_at"]),
                throttled=bool(r["throttled"]),
                failed_channels=tuple(json.loads(r["failed_channels"])),
            )
            for r in rows
        ]
