"""In-process queue: worker tasks woken on enqueue, polling as a backstop for lapsed claims."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.app.worker import Processor

log = logging.getLogger(__name__)


class LocalQueue:
    """``workers`` asyncio tasks that claim from the store until closed."""

    def __init__(
        self, processor: Processor, *, workers: int = 2, poll_interval: float = 1.0
    ) -> None:
        self.processor = processor
        self.workers = workers
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._work(), name=f"autopilot-worker-{n}")
            for n in range(self.workers)
        ]

    async def enqueue(self, delivery_id: str) -> None:
        self._wake.set()

    async def _work(self) -> None:
        while True:
            self._wake.clear()
            try:
                delivery = await self.processor.process()
            except Exception:  # the store is down: the claim lapses, retry after a pause
                log.exception("worker could not process a delivery")
                delivery = None
            if delivery is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
