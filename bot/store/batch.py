"""Group commit: concurrent callers' items written together, each caller awaiting its own result.

While one batch is being written, new items gather; the next write takes them all. With no
``linger`` nothing waits for a timer, so a lone item is written at once and a burst costs one
write per batch; a ``linger`` trades a little latency for bigger batches where nobody waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Flush = Callable[[list[T]], Awaitable[Sequence[R]]]


class Batcher(Generic[T, R]):
    """Feeds ``flush`` lists of up to ``max_batch`` items; ``submit`` returns the item's result."""

    def __init__(
        self,
        flush: Flush[T, R],
        *,
        max_batch: int = 256,
        linger: float = 0.0,
        concurrency: int = 1,
    ) -> None:
        self._flush = flush
        self.max_batch = max_batch
        #: Seconds the first item of a batch waits for company (0: write at once).
        self.linger = linger
        #: Writes in flight at once (each ``flush`` call needs its own connection).
        self.concurrency = concurrency
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def put(self, item: T) -> asyncio.Future[R]:
        """Queue ``item`` for the next write; the future holds its result."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if len(self._tasks) < self.concurrency:
            self._tasks.add(asyncio.create_task(self._drain()))
        return future

    async def submit(self, item: T) -> R:
        return await self.put(item)

    async def _drain(self) -> None:
        try:
            await self._write_pending()
        finally:
            # Leave the set before anything else runs: a ``put`` that comes next must see
            # that this writer is gone, or its item would wait for nobody.
            task = asyncio.current_task()
            if task is not None:
                self._tasks.discard(task)

    async def _write_pending(self) -> None:
        if self.linger:
            await asyncio.sleep(self.linger)
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            try:
                results = await self._flush([item for item, _ in batch])
            except Exception as exc:  # every caller of this batch learns it failed
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def close(self) -> None:
        """Wait for the items already submitted to be written."""
        while self._tasks:
            await asyncio.shield(asyncio.gather(*self._tasks))
