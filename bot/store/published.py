"""What the bot published on GitHub: ids and digests of its check runs, comments and reports.

With this record a handler edits its sticky comment by id instead of listing the PR's
comments, skips a write whose text did not change, and knows a check run of a run attempt
exists without asking GitHub. Rows are written under the PR's lease (``bot/store/leases.py``),
so the record and GitHub agree. A row with no ``object_id`` means "being created": a worker
died between the request and the record, so GitHub must be asked (the one case where a
redelivery can find a check run the store does not know).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.core.published import Kind, Record
from bot.store.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS published (
        repository TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
        object_id BIGINT, progress INTEGER NOT NULL DEFAULT 0, digest TEXT,
        updated_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (repository, kind, name))""",
)


class PublishedStore:
    """The ``published`` table over one ``Database`` (``Record`` rows keyed by repository,
    ``Kind`` and name); every method is one statement."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    async def get(self, repository: str, kind: Kind, name: str) -> Record | None:
        row = await asyncio.to_thread(
            self.db.fetchone,
            "SELECT object_id, progress, digest FROM published "
            "WHERE repository = ? AND kind = ? AND name = ?",
            (repository.lower(), kind.value, name),
        )
        if row is None:
            return None
        object_id = row["object_id"]
        return Record(
            None if object_id is None else int(object_id), int(row["progress"]), row["digest"]
        )

    async def put(self, repository: str, kind: Kind, name: str, record: Record) -> None:
        await asyncio.to_thread(
            self.db.execute,
            "INSERT INTO published (repository, kind, name, object_id, progress, digest, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (repository, kind, name) "
            "DO UPDATE SET object_id = excluded.object_id, progress = excluded.progress, "
            "digest = excluded.digest, updated_at = excluded.updated_at",
            (
                repository.lower(),
                kind.value,
                name,
                record.object_id,
                record.progress,
                record.digest,
                self.clock(),
            ),
        )

    async def forget(self, repository: str, kind: Kind, name: str) -> None:
        await asyncio.to_thread(
            self.db.execute,
            "DELETE FROM published WHERE repository = ? AND kind = ? AND name = ?",
            (repository.lower(), kind.value, name),
        )
