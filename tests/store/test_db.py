"""The portable database wrapper's transactions on the real PostgreSQL."""

from __future__ import annotations

import asyncio

from bot.store.db import Database


def _synchronous_commit(db: Database, *, relaxed: bool) -> str:
    with db.transaction(relaxed=relaxed):
        row = db.fetchone("SELECT current_setting('synchronous_commit') AS mode")
        assert row is not None
        return str(row["mode"])


async def test_a_relaxed_transaction_does_not_wait_for_the_disk_and_others_do(
    postgres_url: str,
) -> None:
    db = await asyncio.to_thread(Database, postgres_url)
    try:
        relaxed = _synchronous_commit(db, relaxed=True)
        durable = _synchronous_commit(db, relaxed=False)  # SET LOCAL ends with its transaction
        assert (relaxed, durable) == ("off", "on")
    finally:
        db.close()
