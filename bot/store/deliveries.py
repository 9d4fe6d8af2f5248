"""The App's store: webhook deliveries (dedupe, claim with visibility timeout), installations.

Methods are coroutines that run the synchronous ``Database`` calls in a thread, so the
event loop keeps serving webhooks while SQLite or PostgreSQL works.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from bot.store.db import Database, Row

T = TypeVar("T")

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS deliveries (
        delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, action TEXT,
        installation_id BIGINT, repository TEXT, sender TEXT, payload TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        received_at DOUBLE PRECISION NOT NULL, claimed_until DOUBLE PRECISION,
        finished_at DOUBLE PRECISION)""",
    "CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status, received_at)",
    """CREATE TABLE IF NOT EXISTS handler_failures (
        id {serial_pk}, delivery_id TEXT NOT NULL, handler TEXT NOT NULL,
        error TEXT NOT NULL, attempt INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS installations (
        installation_id BIGINT PRIMARY KEY, account TEXT, account_type TEXT,
        status TEXT NOT NULL, repository_selection TEXT, updated_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS installation_repositories (
        installation_id BIGINT NOT NULL, full_name TEXT NOT NULL,
        PRIMARY KEY (installation_id, full_name))""",
)

_COLUMNS = (
    "delivery_id, event, action, installation_id, repository, sender, payload, status, note, "
    "attempts, received_at"
)
# A delivery is claimable when queued, or when its claim lapsed (the worker died).
_CLAIMABLE = "(status = 'queued' OR (status = 'processing' AND claimed_until < ?))"


class Status(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    IGNORED = "ignored"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event: str
    action: str | None
    installation_id: int | None
    repository: str | None
    sender: str | None
    payload: str
    status: Status
    note: str | None
    attempts: int
    received_at: float

    @classmethod
    def from_row(cls, row: Row) -> Delivery:
        return cls(**{**row, "status": Status(row["status"])})


@dataclass(frozen=True)
class Installation:
    installation_id: int
    account: str | None
    account_type: str | None
    status: str
    repository_selection: str | None
    repositories: tuple[str, ...]


@dataclass(frozen=True)
class HandlerFailure:
    delivery_id: str
    handler: str
    error: str
    attempt: int


class Store:
    """Deliveries, handler failures and installations on one ``Database``."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    @classmethod
    async def open(cls, url: str, *, clock: Callable[[], float] = time.time) -> Store:
        db = await asyncio.to_thread(Database, url)
        await asyncio.to_thread(db.ensure_schema, SCHEMA)
        return cls(db, clock=clock)

    async def close(self) -> None:
        await asyncio.to_thread(self.db.close)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(fn, *args)

    # -- deliveries ------------------------------------------------------------------
    async def add_delivery(
        self,
        delivery_id: str,
        event: str,
        payload: str,
        *,
        action: str | None = None,
        installation_id: int | None = None,
        repository: str | None = None,
        sender: str | None = None,
    ) -> bool:
        """Store a new delivery as queued; ``False`` when the id was seen before."""
        sql = (
            f"INSERT INTO deliveries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', NULL, "
            "0, ?) ON CONFLICT (delivery_id) DO NOTHING"
        )
        params = (delivery_id, event, action, installation_id, repository, sender, payload)
        return await self._run(self.db.execute, sql, (*params, self.clock())) == 1

    def _claim(self, delivery_id: str | None, visibility_timeout: float) -> Delivery | None:
        now = self.clock()
        where: str = _CLAIMABLE
        params: list[object] = [now]
        if delivery_id is not None:
            where = f"delivery_id = ? AND {_CLAIMABLE}"
            params = [delivery_id, now]
        lock = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgresql" else ""
        sql = f"SELECT {_COLUMNS} FROM deliveries WHERE {where} ORDER BY received_at LIMIT 1{lock}"
        with self.db.transaction():  # BEGIN IMMEDIATE on SQLite: one claimer at a time
            row = self.db.fetchone(sql, params)
            if row is None:
                return None
            self.db.execute(
                "UPDATE deliveries SET status = 'processing', attempts = attempts + 1, "
                "claimed_until = ? WHERE delivery_id = ?",
                (now + visibility_timeout, row["delivery_id"]),
            )
        row.update(status=Status.PROCESSING, attempts=row["attempts"] + 1)
        return Delivery.from_row(row)

    async def claim(
        self, delivery_id: str | None = None, *, visibility_timeout: float = 300.0
    ) -> Delivery | None:
        """Take the oldest claimable delivery (or the given one) for ``visibility_timeout``."""
        return await self._run(self._claim, delivery_id, visibility_timeout)

    async def finish(self, delivery_id: str, status: Status, note: str | None = None) -> None:
        await self._run(
            self.db.execute,
            "UPDATE deliveries SET status = ?, note = ?, finished_at = ?, claimed_until = NULL "
            "WHERE delivery_id = ?",
            (status.value, note, self.clock(), delivery_id),
        )

    async def requeue(self, delivery_id: str) -> bool:
        """Queue a stored delivery again with fresh attempts (``autopilot replay``)."""
        changed = await self._run(
            self.db.execute,
            "UPDATE deliveries SET status = 'queued', note = NULL, attempts = 0, "
            "claimed_until = NULL, finished_at = NULL WHERE delivery_id = ?",
            (delivery_id,),
        )
        return changed == 1

    async def delivery(self, delivery_id: str) -> Delivery | None:
        row = await self._run(
            self.db.fetchone,
            f"SELECT {_COLUMNS} FROM deliveries WHERE delivery_id = ?",
            (delivery_id,),
        )
        return Delivery.from_row(row) if row else None

    async def recent(self, limit: int = 50) -> list[Delivery]:
        rows = await self._run(
            self.db.fetchall,
            f"SELECT {_COLUMNS} FROM deliveries ORDER BY received_at DESC LIMIT ?",
            (limit,),
        )
        return [Delivery.from_row(row) for row in rows]

    async def pending(self, *, older_than: float = 0.0) -> list[str]:
        """Ids of claimable deliveries received at least ``older_than`` seconds ago."""
        now = self.clock()
        rows = await self._run(
            self.db.fetchall,
            f"SELECT delivery_id FROM deliveries WHERE {_CLAIMABLE} AND received_at <= ? "
            "ORDER BY received_at",
            (now, now - older_than),
        )
        return [str(row["delivery_id"]) for row in rows]

    async def depth(self) -> int:
        """Deliveries not finished yet (queued or being processed)."""
        row = await self._run(
            self.db.fetchone,
            "SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('queued', 'processing')",
        )
        return int(row["n"]) if row else 0

    async def ping(self) -> None:
        await self._run(self.db.fetchone, "SELECT 1 AS ok")

    # -- handler failures --------------------------------------------------------------
    async def add_failure(self, delivery_id: str, handler: str, error: str, attempt: int) -> None:
        await self._run(
            self.db.execute,
            "INSERT INTO handler_failures (delivery_id, handler, error, attempt, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (delivery_id, handler, error[:2000], attempt, self.clock()),
        )

    async def failures(self, delivery_id: str) -> list[HandlerFailure]:
        rows = await self._run(
            self.db.fetchall,
            "SELECT delivery_id, handler, error, attempt FROM handler_failures "
            "WHERE delivery_id = ? ORDER BY id",
            (delivery_id,),
        )
        return [HandlerFailure(**row) for row in rows]

    # -- installations -----------------------------------------------------------------
    async def save_installation(
        self,
        installation_id: int,
        *,
        status: str,
        account: str | None = None,
        account_type: str | None = None,
        repository_selection: str | None = None,
    ) -> None:
        """Insert or update; ``None`` fields keep what is stored (idempotent replays)."""
        await self._run(
            self.db.execute,
            "INSERT INTO installations (installation_id, account, account_type, status, "
            "repository_selection, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (installation_id) DO UPDATE SET status = excluded.status, "
            "account = COALESCE(excluded.account, installations.account), "
            "account_type = COALESCE(excluded.account_type, installations.account_type), "
            "repository_selection = COALESCE(excluded.repository_selection, "
            "installations.repository_selection), updated_at = excluded.updated_at",
            (installation_id, account, account_type, status, repository_selection, self.clock()),
        )

    def _change_repositories(
        self, installation_id: int, added: Iterable[str], removed: Iterable[str], replace: bool
    ) -> None:
        with self.db.transaction():
            if replace:
                self.db.execute(
                    "DELETE FROM installation_repositories WHERE installation_id = ?",
                    (installation_id,),
                )
            for name in removed:
                self.db.execute(
                    "DELETE FROM installation_repositories "
                    "WHERE installation_id = ? AND full_name = ?",
                    (installation_id, name),
                )
            for name in added:
                self.db.execute(
                    "INSERT INTO installation_repositories (installation_id, full_name) "
                    "VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (installation_id, name),
                )

    async def change_repositories(
        self,
        installation_id: int,
        *,
        added: Iterable[str] = (),
        removed: Iterable[str] = (),
        replace: bool = False,
    ) -> None:
        """Add/remove repositories; ``replace`` first forgets the stored list."""
        await self._run(
            self._change_repositories, installation_id, list(added), list(removed), replace
        )

    async def installation(self, installation_id: int) -> Installation | None:
        row = await self._run(
            self.db.fetchone,
            "SELECT installation_id, account, account_type, status, repository_selection "
            "FROM installations WHERE installation_id = ?",
            (installation_id,),
        )
        if row is None:
            return None
        repos = await self._run(
            self.db.fetchall,
            "SELECT full_name FROM installation_repositories WHERE installation_id = ? "
            "ORDER BY full_name",
            (installation_id,),
        )
        return Installation(**row, repositories=tuple(r["full_name"] for r in repos))
