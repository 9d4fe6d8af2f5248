"""Once-only marks: keys claimed once across every machine (a weekly report per ISO week)."""

from __future__ import annotations

import asyncio

from bot.store.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS once_marks (
        mark TEXT PRIMARY KEY, claimed_at DOUBLE PRECISION NOT NULL)""",
)


class Marks:
    """``once`` claims a key forever: the first caller on any machine wins."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def once(self, key: str, *, now: float) -> bool:
        """True the first time ``key`` is claimed, False ever after (on every machine)."""
        count = await asyncio.to_thread(
            self.db.execute,
            "INSERT INTO once_marks (mark, claimed_at) VALUES (?, ?) ON CONFLICT (mark) DO NOTHING",
            (key, now),
        )
        return count == 1
