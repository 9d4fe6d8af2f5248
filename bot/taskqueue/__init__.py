"""Queues that hand stored deliveries to workers: in-process (``local``) or arq on Redis."""

from __future__ import annotations

from typing import Protocol

from bot.app.worker import Processor
from bot.config.settings import Settings


class TaskQueue(Protocol):
    """Wakes a worker for a stored delivery; the store, not the queue, is the record."""

    async def start(self) -> None: ...

    async def enqueue(self, delivery_id: str) -> None: ...

    async def close(self) -> None: ...


def make_queue(settings: Settings, processor: Processor, *, run_workers: bool = True) -> TaskQueue:
    """``AUTOPILOT_QUEUE=local`` → in-process workers; ``redis://…`` → arq."""
    if settings.uses_redis:
        from bot.taskqueue.arq_queue import ArqQueue

        return ArqQueue(settings.queue_url, processor=processor, run_worker=run_workers)
    from bot.taskqueue.local import LocalQueue

    return LocalQueue(processor, workers=settings.workers if run_workers else 0)
