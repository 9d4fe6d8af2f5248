"""In-process queue: worker tasks woken on enqueue, polling as a backstop for lapsed claims."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from bot.taskqueue import Processor

log = logging.getLogger(__name__)

#: Seconds a worker woken from idle waits before claiming, so that a trickle of deliveries
#: is claimed a few at a time (nobody waits on processing; the acknowledgement is sent).
LINGER = 0.01


class LocalQueue:
    """``workers`` asyncio tasks that claim batches from the store until closed."""

    def __init__(
        self,
        processor: Processor,
        *,
        workers: int = 2,
        poll_interval: float = 1.0,
        linger: float = LINGER,
    ) -> None:
        self.processor = processor
        self.workers = workers
        self.poll_interval = poll_interval
        self.linger = linger
        # One token wakes one idle worker: a delivery must not wake them all to claim once.
        self._wake: asyncio.Queue[None] = asyncio.Queue(maxsize=1)
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._work(), name=f"autopilot-worker-{n}")
            for n in range(self.workers)
        ]

    async def enqueue(self, delivery_id: str) -> None:
        with contextlib.suppress(asyncio.QueueFull):  # a token is already waiting
            self._wake.put_nowait(None)

    async def _work(self) -> None:
        while True:
            wait = self.poll_interval
            try:
                report = await self.processor.process_batch()
            except Exception:  # the store is down: the claims lapse, retry after a pause
                log.exception("worker could not process deliveries")
            else:
                if report.claimed and not report.drained:
                    continue  # a full batch: more are probably due
                if report.due_again:  # wake for the earliest retry if it comes sooner
                    soonest = min(at for _, at in report.due_again) - time.time()
                    wait = max(0.0, min(wait, soonest))
            try:
                await asyncio.wait_for(self._wake.get(), wait)
            except TimeoutError:
                continue
            if self.linger:
                await asyncio.sleep(self.linger)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
