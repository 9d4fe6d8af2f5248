"""The SQLite intake: commits on the loop, waits in a thread behind another writer, checkpoints."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.store import intake as intake_module
from bot.store.db import Database
from bot.store.deliveries import Store


async def _add(store: Store, delivery_id: str) -> bool:
    return await store.add_delivery(delivery_id, "ping", '{"zen": "hi"}')


def _spy_threads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(thread, rows) of every intake write."""
    calls: list[tuple[int, int]] = []
    real = intake_module.insert_rows

    def spy(db: Database, rows: Sequence[Sequence[Any]]) -> list[bool]:
        calls.append((threading.get_ident(), len(rows)))
        return real(db, rows)

    monkeypatch.setattr(intake_module, "insert_rows", spy)
    return calls


async def test_a_free_store_commits_on_the_loop_together_and_dedupes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy_threads(monkeypatch)
    store = await Store.open(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        assert await asyncio.gather(*(_add(store, f"d-{n}") for n in range(5))) == [True] * 5
        assert not await _add(store, "d-3")  # a redelivery
        assert store.intake.waited == 0
        loop_thread = threading.get_ident()
        assert calls == [(loop_thread, 5), (loop_thread, 1)]  # one commit for the five
        other = Database(f"sqlite:///{tmp_path / 'a.db'}")  # committed: another connection sees it
        assert other.fetchone("SELECT COUNT(*) AS n FROM deliveries") == {"n": 5}
        other.close()
    finally:
        await store.close()


async def test_behind_another_writer_the_batch_waits_in_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _spy_threads(monkeypatch)
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store = await Store.open(url)
    writer = Database(url)  # a worker's claim, or another process
    try:
        writer.execute("BEGIN IMMEDIATE")
        pending = asyncio.ensure_future(_add(store, "behind"))
        await asyncio.sleep(0.2)
        assert not pending.done()  # not acknowledged while it is not stored
        assert store.intake.waited == 1
        writer.execute("COMMIT")
        assert await pending
        assert await store.delivery("behind") is not None
        assert await _add(store, "after")  # the loop again, the lock is free
        assert store.intake.waited == 1
        loop_thread = threading.get_ident()
        assert [thread == loop_thread for thread, _ in calls] == [True, False, True]
    finally:
        writer.close()
        await store.close()


async def _fill(path: Path) -> Store:
    store = await Store.open(f"sqlite:///{path}")
    payload = "x" * 8000  # two pages a row: 600 rows pass SQLite's 1,000-page auto-checkpoint
    for n in range(600):
        await store.add_delivery(f"big-{n}", "ping", payload)
    return store


async def test_the_intake_never_checkpoints_closing_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_module, "CHECKPOINT_EVERY", 3600.0)
    path = tmp_path / "c.db"
    store = await _fill(path)
    assert Path(f"{path}-wal").stat().st_size > 4096 * 1000  # the WAL grew past it
    assert path.stat().st_size < 600 * 8000  # and nothing went back to the file
    await store.close()
    assert path.stat().st_size > 600 * 8000  # the last checkpoint


async def test_the_checkpointer_copies_the_wal_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_module, "CHECKPOINT_EVERY", 0.05)
    path = tmp_path / "d.db"
    store = await _fill(path)
    try:
        await asyncio.sleep(0.3)
        assert path.stat().st_size > 600 * 8000
    finally:
        await store.close()


async def test_an_in_memory_store_writes_on_its_one_connection() -> None:
    store = await Store.open("sqlite:///:memory:")
    try:
        assert await _add(store, "m-1")
        assert (await store.delivery("m-1")) is not None
    finally:
        await store.close()
