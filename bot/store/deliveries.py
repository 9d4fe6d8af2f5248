"""The App's store: webhook deliveries (dedupe, claims, scheduled retries, holds), installations.

A delivery is claimable while its ``due_at`` has passed: a new delivery is due at once, a
claimed one when its visibility timeout lapses, a retried one at its not-before time. A
partial index on ``due_at`` (finished deliveries leave it) makes a claim cost the same at
any depth, and the payload is read only for the rows claimed. Methods are coroutines that
run the synchronous ``Database`` calls in a thread.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store import claims, installations
from bot.store.batch import Batcher
from bot.store.claims import COLUMNS, Delivery, Outcome, Status
from bot.store.db import Database
from bot.store.installations import Installation, InstallationRecords
from bot.store.intake import Intake

__all__ = ["Delivery", "HandlerFailure", "Installation", "NewDelivery", "Outcome", "Status"]

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS deliveries (
        delivery_id TEXT PRIMARY KEY, event TEXT NOT NULL, action TEXT,
        installation_id BIGINT, repository TEXT, sender TEXT, payload TEXT NOT NULL,
        status TEXT NOT NULL, note TEXT, attempts INTEGER NOT NULL DEFAULT 0,
        received_at DOUBLE PRECISION NOT NULL, due_at DOUBLE PRECISION,
        finished_at DOUBLE PRECISION)""",
    """CREATE TABLE IF NOT EXISTS handler_failures (
        id {serial_pk}, delivery_id TEXT NOT NULL, handler TEXT NOT NULL,
        error TEXT NOT NULL, attempt INTEGER NOT NULL, at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS installation_holds (
        installation_id BIGINT PRIMARY KEY, until DOUBLE PRECISION NOT NULL)""",
    *installations.SCHEMA,
)
# After the columns exist (a store created before ``due_at`` gets it first).
INDEXES = (
    "DROP INDEX IF EXISTS deliveries_pending",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (due_at) WHERE due_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS deliveries_received ON deliveries (received_at)",
)


@dataclass(frozen=True, kw_only=True)
class NewDelivery:
    """What the webhook stores: the raw body and the few fields read from it."""

    delivery_id: str
    event: str
    payload: str
    action: str | None = None
    installation_id: int | None = None
    repository: str | None = None
    sender: str | None = None


@dataclass(frozen=True)
class HandlerFailure:
    delivery_id: str
    handler: str
    error: str
    attempt: int


class Store(InstallationRecords):
    """Deliveries, handler failures, installation holds and installations on one ``Database``."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], float] = time.time,
        intake: Intake | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        # Acknowledgements write on connections of their own (``bot.store.intake``), never
        # behind a claim; without one (a store built by hand), on ``db`` in a thread.
        self.intake = intake or Intake([db], owned=False)
        self._batcher: Batcher[NewDelivery, bool] = Batcher(
            self._insert_batch, concurrency=self.intake.concurrency
        )

    @classmethod
    async def open(cls, url: str, *, clock: Callable[[], float] = time.time) -> Store:
        db = await asyncio.to_thread(Database, url)
        await asyncio.to_thread(_migrate, db)
        return cls(db, clock=clock, intake=await Intake.open(db))

    async def close(self) -> None:
        await self._batcher.close()
        await self.intake.close()
        await asyncio.to_thread(self.db.close)

    async def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    # -- intake ------------------------------------------------------------------------
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
        """Store a new delivery as queued; ``False`` when the id was seen before.

        Concurrent calls are committed together in one transaction (group commit); each
        returns once its row is durable.
        """
        new = NewDelivery(
            delivery_id=delivery_id,
            event=event,
            payload=payload,
            action=action,
            installation_id=installation_id,
            repository=repository,
            sender=sender,
        )
        return await self._batcher.submit(new)

    async def _insert_batch(self, batch: list[NewDelivery]) -> list[bool]:
        now = self.clock()
        rows = [
            (
                d.delivery_id,
                d.event,
                d.action,
                d.installation_id,
                d.repository,
                d.sender,
                d.payload,
                now,
                now,
            )
            for d in batch
        ]
        return await self.intake.insert(rows)

    # -- claims ------------------------------------------------------------------------
    async def claim_batch(
        self,
        ids: Sequence[str] | None = None,
        *,
        limit: int = 32,
        visibility_timeout: float = 300.0,
    ) -> list[Delivery]:
        """Take up to ``limit`` of the deliveries due first (or those of ``ids`` still due)."""
        if ids is not None and not ids:
            return []
        return list(
            await self._run(claims.claim, self.db, ids, limit, visibility_timeout, self.clock())
        )

    async def claim(
        self, delivery_id: str | None = None, *, visibility_timeout: float = 300.0
    ) -> Delivery | None:
        """Take the delivery due first (or the given one) for ``visibility_timeout``."""
        ids = None if delivery_id is None else [delivery_id]
        claimed = await self.claim_batch(ids, limit=1, visibility_timeout=visibility_timeout)
        return claimed[0] if claimed else None

    # -- outcomes ----------------------------------------------------------------------
    async def record(self, outcomes: Sequence[Outcome]) -> list[bool]:
        """Write outcomes in one transaction; ``False`` where the claim had lapsed."""
        if not outcomes:
            return []
        return list(await self._run(claims.record, self.db, list(outcomes), self.clock()))

    async def finish(
        self,
        delivery_id: str,
        status: Status,
        note: str | None = None,
        *,
        attempt: int | None = None,
    ) -> bool:
        """Record a final status; ``attempt`` (the claim's) makes a lapsed claim a no-op."""
        if attempt is None:
            row = await self._run(
                self.db.fetchone,
                "SELECT attempts FROM deliveries WHERE delivery_id = ?",
                (delivery_id,),
            )
            attempt = int(row["attempts"]) if row else 0
        outcome = Outcome(delivery_id=delivery_id, attempt=attempt, status=status, note=note)
        return (await self.record([outcome]))[0]

    async def hold_installation(self, installation_id: int, until: float) -> None:
        """Claims skip this installation's deliveries until ``until`` (a rate-limit reset)."""
        await self._run(
            self.db.execute,
            "INSERT INTO installation_holds (installation_id, until) VALUES (?, ?) "
            "ON CONFLICT (installation_id) DO UPDATE SET until = excluded.until "
            "WHERE installation_holds.until < excluded.until",
            (installation_id, until),
        )

    async def requeue(self, delivery_id: str) -> bool:
        """Queue a stored delivery again, due now, with fresh attempts (``autopilot replay``)."""
        changed: int = await self._run(
            self.db.execute,
            "UPDATE deliveries SET status = 'queued', note = NULL, attempts = 0, "
            "due_at = ?, finished_at = NULL WHERE delivery_id = ?",
            (self.clock(), delivery_id),
        )
        return changed == 1

    # -- reading -----------------------------------------------------------------------
    async def delivery(self, delivery_id: str) -> Delivery | None:
        row = await self._run(
            self.db.fetchone,
            f"SELECT {COLUMNS} FROM deliveries WHERE delivery_id = ?",
            (delivery_id,),
        )
        return Delivery.from_row(row) if row else None

    async def recent(self, limit: int = 50) -> list[Delivery]:
        rows = await self._run(
            self.db.fetchall,
            f"SELECT {COLUMNS} FROM deliveries ORDER BY received_at DESC LIMIT ?",
            (limit,),
        )
        return [Delivery.from_row(row) for row in rows]

    async def pending(self, *, older_than: float = 0.0, limit: int = 10_000) -> list[str]:
        """Ids of deliveries that have been due for at least ``older_than`` seconds."""
        rows = await self._run(
            self.db.fetchall,
            "SELECT delivery_id FROM deliveries WHERE due_at <= ? ORDER BY due_at LIMIT ?",
            (self.clock() - older_than, limit),
        )
        return [str(row["delivery_id"]) for row in rows]

    async def next_due(self) -> float | None:
        """When the next delivery falls due (``None``: nothing waits)."""
        row = await self._run(
            self.db.fetchone,
            "SELECT MIN(due_at) AS due FROM deliveries WHERE due_at IS NOT NULL",
        )
        return float(row["due"]) if row and row["due"] is not None else None

    async def depth(self) -> int:
        """Deliveries not finished yet (queued or being processed)."""
        row = await self._run(
            self.db.fetchone, "SELECT COUNT(*) AS n FROM deliveries WHERE due_at IS NOT NULL"
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


def _migrate(db: Database) -> None:
    """Create the schema; a store from before ``due_at`` gets the column and its values."""
    db.ensure_schema(SCHEMA)
    if "due_at" not in db.columns("deliveries"):
        with db.transaction():
            db.execute("ALTER TABLE deliveries ADD COLUMN due_at DOUBLE PRECISION")
            db.execute("UPDATE deliveries SET due_at = received_at WHERE status = 'queued'")
            db.execute("UPDATE deliveries SET due_at = claimed_until WHERE status = 'processing'")
    db.ensure_schema(INDEXES)
