"""Leases in the store: one writer per pull request across workers, processes and machines.

A lease is a row ``(name, owner, expires_at)``. Taking it is one short statement, an
``INSERT … ON CONFLICT DO UPDATE … WHERE`` that succeeds only when the row is free, lapsed
or already ours, so SQLite (one file shared by processes) and PostgreSQL (workers on
several machines) give the same answer to racing takers. A holder renews its lease while
it works; a worker that dies stops renewing and its lease lapses after ``ttl`` seconds.
Expiry is compared with the workers' clocks, so machines sharing a PostgreSQL store need
clocks that agree to well within ``ttl`` (NTP gives milliseconds; ``ttl`` is a minute).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.errors import AutopilotError
from bot.store.db import Database

log = logging.getLogger(__name__)

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS leases (
        name TEXT PRIMARY KEY, owner TEXT NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL, taken_at DOUBLE PRECISION NOT NULL)""",
)

#: The leases this task (and the tasks it starts) already holds: taking one again is free.
_HELD: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "autopilot_leases_held", default=frozenset()
)


class LeaseTimeout(AutopilotError):
    """Another writer held the lease for longer than we were willing to wait."""


class LeaseLost(AutopilotError):
    """Our lease lapsed while we worked (we stalled past ``ttl``); the work was stopped."""


@dataclass(frozen=True)
class LeasePolicy:
    """How long a lease lives unrenewed, how often it is renewed, how long to wait for one.

    ``wait`` stays below the delivery's visibility timeout (300 s), so a worker waiting its
    turn never outlives its own claim on the delivery.
    """

    ttl: float = 60.0
    wait: float = 120.0
    poll_min: float = 0.01
    poll_max: float = 0.5

    @property
    def renew_every(self) -> float:
        return self.ttl / 3


def new_owner() -> str:
    """A holder's name: which machine and process, and a unique part per holding."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Leases:
    """Named leases over one ``Database``; ``hold(*names)`` is what handlers use."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], float] = time.time,
        policy: LeasePolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy or LeasePolicy()
        self.sleep = sleep
        # Waiters in this process wake as soon as a lease here is released; waiters in
        # other processes find out at their next poll.
        self._released: asyncio.Event | None = None

    # -- one statement each ------------------------------------------------------------
    def _take(self, name: str, owner: str, ttl: float) -> bool:
        now = self.clock()
        rows = self.db.fetchall(  # fetchall: SQLite commits a RETURNING row once it is read
            """INSERT INTO leases (name, owner, expires_at, taken_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,
                   expires_at = excluded.expires_at, taken_at = excluded.taken_at
               WHERE leases.expires_at < ? OR leases.owner = excluded.owner
               RETURNING owner""",
            (name, owner, now + ttl, now, now),
        )
        return bool(rows)

    def _renew(self, names: Sequence[str], owner: str, ttl: float) -> bool:
        expires = self.clock() + ttl
        with self.db.transaction():
            kept = [
                self.db.execute(
                    "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?",
                    (expires, name, owner),
                )
                for name in names
            ]
        return all(kept)

    def _release(self, names: Sequence[str], owner: str) -> None:
        with self.db.transaction():
            for name in names:
                self.db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))

    async def try_take(self, name: str, owner: str, *, ttl: float | None = None) -> bool:
        """Take ``name`` for ``owner`` if it is free, lapsed or already theirs."""
        return await asyncio.to_thread(self._take, name, owner, ttl or self.policy.ttl)

    async def renew(self, names: Sequence[str], owner: str, *, ttl: float | None = None) -> bool:
        """Push the expiry of ``owner``'s leases on ``names``; ``False`` if one was lost."""
        return await asyncio.to_thread(self._renew, list(names), owner, ttl or self.policy.ttl)

    async def release(self, names: Sequence[str], owner: str) -> None:
        """Give the leases back (only ``owner``'s: a lapsed one taken by another stays)."""
        await asyncio.to_thread(self._release, list(names), owner)
        if self._released is not None:
            self._released.set()
            self._released = None

    async def holder(self, name: str) -> str | None:
        """Who holds ``name`` now (``None`` when free or lapsed)."""
        row = await asyncio.to_thread(
            self.db.fetchone,
            "SELECT owner FROM leases WHERE name = ? AND expires_at >= ?",
            (name, self.clock()),
        )
        return str(row["owner"]) if row else None

    # -- holding -------------------------------------------------------------------------
    async def _wait_for(self, name: str, owner: str, deadline: float) -> None:
        delay = self.policy.poll_min
        while not await self.try_take(name, owner):
            if time.monotonic() >= deadline:
                raise LeaseTimeout(f"lease {name!r} still held by another writer")
            if self._released is None:
                self._released = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), delay)
            delay = min(delay * 2, self.policy.poll_max)

    async def _keep(self, names: Sequence[str], owner: str, holder: asyncio.Task[object]) -> None:
        """Renew until cancelled; when a lease was lost, stop the holder's work."""
        while True:
            await self.sleep(self.policy.renew_every)
            try:
                kept = await self.renew(names, owner)
            except Exception:  # a store hiccup: try again at the next tick, the ttl has room
                log.warning("lease renewal failed", exc_info=True, extra={"leases": names})
                continue
            if not kept:
                log.error("lease lost while held", extra={"leases": list(names), "owner": owner})
                holder.cancel(msg="lease lost")
                return

    @asynccontextmanager
    async def hold(self, *names: str, timeout: float | None = None) -> AsyncIterator[None]:
        """Hold every lease in ``names`` (taken in sorted order, so two holders never
        deadlock), renewed in the background, released on exit. Leases this task already
        holds are not taken again. ``LeaseTimeout`` after ``timeout`` seconds of waiting;
        ``LeaseLost`` when a lease lapsed under us (the block is cancelled at that point).
        """
        held = _HELD.get()
        wanted = sorted(set(names) - held)
        if not wanted:
            yield
            return
        owner = new_owner()
        deadline = time.monotonic() + (self.policy.wait if timeout is None else timeout)
        taken: list[str] = []
        try:
            for name in wanted:
                await self._wait_for(name, owner, deadline)
                taken.append(name)
        except BaseException:
            await asyncio.shield(self.release(taken, owner))
            raise
        task = asyncio.current_task()
        assert task is not None  # hold() runs inside a task
        keeper = asyncio.create_task(self._keep(taken, owner, task))
        token = _HELD.set(held | set(taken))
        try:
            yield
        except asyncio.CancelledError:
            if keeper.done() and not keeper.cancelled() and task.uncancel() == 0:
                raise LeaseLost(f"lease on {', '.join(taken)} lapsed while held") from None
            raise
        finally:
            _HELD.reset(token)
            keeper.cancel()
            await asyncio.shield(self.release(taken, owner))
