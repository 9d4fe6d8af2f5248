"""What the commands concern remembers: commands already run, recent commands, permissions.

``claim`` is one ``INSERT ... ON CONFLICT DO NOTHING`` whose row count says who won, so a
comment's command runs once however many times the comment is edited or redelivered.
"""

from __future__ import annotations

import asyncio

from bot.store.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS command_runs (
        comment_id BIGINT NOT NULL, digest TEXT NOT NULL, repo TEXT NOT NULL,
        login TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (comment_id, digest))""",
    """CREATE TABLE IF NOT EXISTS command_log (
        id {serial_pk}, login TEXT NOT NULL, repo TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS command_log_login ON command_log (login, at)",
    """CREATE TABLE IF NOT EXISTS permission_cache (
        repo TEXT NOT NULL, login TEXT NOT NULL, permission TEXT NOT NULL,
        fetched_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (repo, login))""",
)


class CommandStore:
    """Command bookkeeping over one ``Database``; the schema is created by ``open_stores``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(
        self, comment_id: int, digest: str, *, repo: str, login: str, now: float
    ) -> bool:
        """Whether this call is the first to run ``digest`` of ``comment_id``."""
        return await asyncio.to_thread(self._claim, comment_id, digest, repo, login, now)

    def _claim(self, comment_id: int, digest: str, repo: str, login: str, now: float) -> bool:
        changed = self.db.execute(
            """INSERT INTO command_runs (comment_id, digest, repo, login, at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT (comment_id, digest) DO NOTHING""",
            (comment_id, digest, repo, login, now),
        )
        return changed == 1

    async def ran(self, comment_id: int) -> frozenset[str]:
        """The digests of ``comment_id`` that already ran."""
        rows = await asyncio.to_thread(
            self.db.fetchall, "SELECT digest FROM command_runs WHERE comment_id = ?", (comment_id,)
        )
        return frozenset(str(row["digest"]) for row in rows)

    async def log(self, login: str, repo: str, *, now: float, count: int = 1) -> None:
        """Record ``count`` commands from ``login`` (for the rate limit)."""
        await asyncio.to_thread(self._log, login.lower(), repo, now, count)

    def _log(self, login: str, repo: str, now: float, count: int) -> None:
        with self.db.transaction():
            for _ in range(count):
                self.db.execute(
                    "INSERT INTO command_log (login, repo, at) VALUES (?, ?, ?)", (login, repo, now)
                )

    async def recent(self, login: str, *, since: float) -> list[float]:
        """When ``login``'s commands since ``since`` were received (any repository)."""
        rows = await asyncio.to_thread(
            self.db.fetchall,
            "SELECT at FROM command_log WHERE login = ? AND at >= ?",
            (login.lower(), since),
        )
        return [float(row["at"]) for row in rows]

    async def cached_permission(self, repo: str, login: str, *, fresh_after: float) -> str | None:
        """A permission fetched after ``fresh_after``, or ``None``."""
        row = await asyncio.to_thread(
            self.db.fetchone,
            """SELECT permission FROM permission_cache
               WHERE repo = ? AND login = ? AND fetched_at >= ?""",
            (repo.lower(), login.lower(), fresh_after),
        )
        return None if row is None else str(row["permission"])

    async def cache_permission(self, repo: str, login: str, permission: str, *, now: float) -> None:
        await asyncio.to_thread(
            self.db.execute,
            """INSERT INTO permission_cache (repo, login, permission, fetched_at)
               VALUES (?, ?, ?, ?) ON CONFLICT (repo, login)
               DO UPDATE SET permission = excluded.permission, fetched_at = excluded.fetched_at""",
            (repo.lower(), login.lower(), permission, now),
        )
