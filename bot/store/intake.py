"""The acknowledgement's write: new deliveries' rows committed together before the ``202``.

**SQLite** commits on the event loop itself, on a connection of its own: handing a batch
to a thread costs more CPU than inserting it (about 0.1 ms a hand-off on a shared 2-core
machine, against 0.05 ms for a 10 KB row; ``benchmarks/README.md``). That connection
never waits for the write lock (``busy_timeout`` 0): when another connection holds it (a
worker's claim, another process), the batch goes to a thread that waits. It never
checkpoints either (a checkpoint fsyncs the database file): a checkpointer copies the WAL
back on a third connection, in a thread, every ``CHECKPOINT_EVERY`` seconds. A commit is
durable as before (WAL, ``synchronous=NORMAL``): the caller answers only once it returned.

**PostgreSQL** commits in threads on ``PG_CONNECTIONS`` connections, so that two group
commits wait for the disk at once while new rows gather.

An in-memory SQLite store (one connection is its whole database) writes in a thread on the
store's own connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.store.db import Database

log = logging.getLogger(__name__)

#: PostgreSQL connections for acknowledgements (group commits in flight at once).
PG_CONNECTIONS = 2
#: Seconds between SQLite checkpoints of what the intake wrote (each copies and fsyncs).
CHECKPOINT_EVERY = 0.5
#: Milliseconds a batch sent to a thread waits for another writer's lock.
BUSY_WAIT_MS = 5000

INSERT = (
    "INSERT INTO deliveries (delivery_id, event, action, installation_id, repository, sender, "
    "payload, status, attempts, received_at, due_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT (delivery_id) DO NOTHING"
)

Row = Sequence[Any]


def insert_rows(db: Database, rows: Sequence[Row]) -> list[bool]:
    """Insert in one transaction; ``False`` for an id already stored."""
    with db.transaction():
        return db.changed_each(INSERT, rows)


class Intake:
    """Writes batches of new delivery rows; ``concurrency`` batches may be in flight."""

    def __init__(
        self, connections: Sequence[Database], *, inline: bool = False, owned: bool = True
    ) -> None:
        self._connections = list(connections)
        self._inline = inline
        self._owned = owned
        self._free: asyncio.Queue[Database] = asyncio.Queue()
        for conn in self._connections:
            self._free.put_nowait(conn)
        self._checkpointer: Database | None = None
        self._checkpoints: asyncio.Task[None] | None = None
        self._written = 0
        #: Batches written, and those that met another writer's lock and waited in a thread.
        self.batches = 0
        self.waited = 0

    @property
    def concurrency(self) -> int:
        return len(self._connections)

    @classmethod
    async def open(cls, store: Database) -> Intake:
        """The intake beside ``store`` (its connections are the intake's to close)."""
        url = store.url
        if store.dialect == "postgresql":
            conns = [await asyncio.to_thread(Database, url) for _ in range(PG_CONNECTIONS)]
            return cls(conns)
        if store.in_memory:
            return cls([store], owned=False)
        conn = await asyncio.to_thread(Database, url)
        await asyncio.to_thread(_never_wait, conn)
        intake = cls([conn], inline=True)
        intake._checkpointer = await asyncio.to_thread(Database, url)
        intake._checkpoints = asyncio.create_task(intake._checkpoint_loop())
        return intake

    async def insert(self, rows: Sequence[Row]) -> list[bool]:
        conn = await self._free.get()
        self.batches += 1
        try:
            if self._inline:
                try:  # on the loop: no thread hand-off while nobody else writes
                    new = insert_rows(conn, rows)
                except sqlite3.OperationalError as exc:
                    if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                        raise
                    self.waited += 1
                    new = await asyncio.to_thread(_insert_waiting, conn, rows)
                self._written += len(rows)
                return new
            return await asyncio.to_thread(insert_rows, conn, rows)
        finally:
            self._free.put_nowait(conn)

    async def _checkpoint_loop(self) -> None:
        assert self._checkpointer is not None
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY)
            if not self._written:
                continue
            self._written = 0
            try:
                await asyncio.to_thread(
                    self._checkpointer.fetchone, "PRAGMA wal_checkpoint(PASSIVE)"
                )
            except sqlite3.Error:  # a busy checkpoint is retried next time; nothing is lost
                log.warning("WAL checkpoint failed; retried later", exc_info=True)

    async def close(self) -> None:
        if self._inline and self.batches:
            log.info(
                f"intake: {self.batches} batches, {self.waited} waited for another writer",
                extra={"batches": self.batches, "waited": self.waited},
            )
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checkpoints
        if self._checkpointer is not None:  # a last checkpoint: the WAL goes back to the file
            with contextlib.suppress(sqlite3.Error):
                await asyncio.to_thread(
                    self._checkpointer.fetchone, "PRAGMA wal_checkpoint(PASSIVE)"
                )
            await asyncio.to_thread(self._checkpointer.close)
        for conn in self._connections if self._owned else ():
            await asyncio.to_thread(conn.close)


def _never_wait(conn: Database) -> None:
    conn.execute("PRAGMA busy_timeout=0")
    conn.execute("PRAGMA wal_autocheckpoint=0")


def _insert_waiting(conn: Database, rows: Sequence[Row]) -> list[bool]:
    conn.execute(f"PRAGMA busy_timeout={BUSY_WAIT_MS}")
    try:
        return insert_rows(conn, rows)
    finally:
        conn.execute("PRAGMA busy_timeout=0")
