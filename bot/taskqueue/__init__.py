"""Queues that hand stored deliveries to workers: in-process (``local``) or arq on Redis.

The queue only wakes workers; the store is the record. What a queue drives is any
``Processor`` (the App's is ``bot.app.worker.Processor``), so the dependency points one way:
the App imports the queue, never the reverse.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.config.settings import Settings


@dataclass(frozen=True)
class BatchReport:
    """What one claim-and-process round did: how many it claimed, and what falls due later."""

    claimed: int = 0
    #: Fewer were due than a batch holds: nothing is left to claim right now.
    drained: bool = True
    #: (delivery id, epoch seconds) of deliveries put back with a not-before time.
    due_again: tuple[tuple[str, float], ...] = field(default=())


class Processor(Protocol):
    """Claims stored deliveries and runs them; safe in several tasks and processes at once."""

    async def process_batch(self, ids: Sequence[str] | None = None) -> BatchReport:
        """Claim and process the deliveries due first (or those of ``ids`` still due)."""
        ...

    async def overdue(self, older_than: float) -> list[str]:
        """Ids nobody works on: claims whose lease lapsed (their worker died), and
        deliveries due for ``older_than`` seconds that no job took (a lost enqueue)."""
        ...


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
