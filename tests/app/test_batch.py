"""Group commit: items arriving during a write share the next one; each caller gets its result."""

from __future__ import annotations

import asyncio

import pytest

from bot.store.batch import Batcher


async def test_items_arriving_during_a_write_share_the_next_one() -> None:
    writes: list[list[int]] = []
    gate = asyncio.Event()

    async def flush(items: list[int]) -> list[int]:
        writes.append(items)
        if len(writes) == 1:
            await gate.wait()  # the first write is slow (a disk flush)
        return [item * 10 for item in items]

    batcher: Batcher[int, int] = Batcher(flush)
    first = asyncio.ensure_future(batcher.submit(1))
    await asyncio.sleep(0)
    rest = [asyncio.ensure_future(batcher.submit(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(first, *rest) == [10, 20, 30, 40]
    assert writes == [[1], [2, 3, 4]]
    # One after another, each alone: nothing waits for a writer that has already left.
    assert [await batcher.submit(n) for n in (5, 6)] == [50, 60]
    assert writes[2:] == [[5], [6]]


async def test_a_failed_write_fails_its_callers_only() -> None:
    async def flush(items: list[int]) -> list[int]:
        if 0 in items:
            raise OSError("disk full")
        return items

    batcher: Batcher[int, int] = Batcher(flush)
    with pytest.raises(OSError, match="disk full"):
        await batcher.submit(0)
    assert await batcher.submit(7) == 7


async def test_writes_in_flight_are_bounded_by_concurrency() -> None:
    in_flight, peak = 0, 0

    async def flush(items: list[int]) -> list[int]:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return items

    batcher: Batcher[int, int] = Batcher(flush, concurrency=2, max_batch=3)
    assert await asyncio.gather(*(batcher.submit(n) for n in range(20))) == list(range(20))
    assert peak == 2
    await batcher.close()
