"""The App's scheduler: each tick stores one ``schedule`` delivery per repository and hands it
to the queue, so the workers run the schedule concern like any other event.

A tick runs once per interval across every process and machine: the tick takes a lease row
in the store, and the delivery ids name the interval, so a second tick of the same interval
stores nothing new. Locally a timer ticks (``LocalScheduler``); at scale arq's cron does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable

from bot.app.worker import Processor
from bot.store import reports

log = logging.getLogger(__name__)
EVENT = "schedule"
Enqueue = Callable[[str], Awaitable[None]]


def schedule_payload(repository: str, installation_id: int | None) -> dict[str, object]:
    """What the internal event carries: the shape of GitHub's own ``schedule`` payload."""
    owner, _, name = repository.partition("/")
    payload: dict[str, object] = {
        "schedule": "autopilot",
        "repository": {"full_name": repository, "name": name, "owner": {"login": owner}},
    }
    if installation_id is not None:
        payload["installation"] = {"id": installation_id}
    return payload


async def schedule_tick(
    processor: Processor, enqueue: Enqueue, *, now: float, holder: str
) -> list[str]:
    """One tick, if this process wins it: the delivery ids stored and enqueued."""
    interval = processor.settings.schedule_interval
    if not await processor.stores.leases.try_take("schedule-tick", holder, ttl=interval * 0.9):
        return []
    slot = int(now // interval)
    store = processor.store
    targets = await asyncio.to_thread(reports.active_repositories, store.db)
    queued = []
    for installation_id, repository in targets:
        delivery_id = f"schedule-{slot}-{repository}"
        payload = json.dumps(schedule_payload(repository, installation_id))
        if await store.add_delivery(
            delivery_id, EVENT, payload, installation_id=installation_id, repository=repository
        ):
            queued.append(delivery_id)
    for delivery_id in queued:
        try:
            await enqueue(delivery_id)
        except Exception:  # the delivery is stored: the sweep or a local poll takes it later
            log.exception("could not enqueue %s", delivery_id)
    if queued:
        log.info("schedule tick: %d repositories", len(queued))
    return queued


class LocalScheduler:
    """A timer in the serving process (``AUTOPILOT_QUEUE=local``)."""

    def __init__(
        self,
        processor: Processor,
        enqueue: Enqueue,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.processor = processor
        self.enqueue = enqueue
        self.clock = clock or processor.store.clock
        self.sleep = sleep
        self.holder = f"scheduler-{uuid.uuid4()}"
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> list[str]:
        return await schedule_tick(
            self.processor, self.enqueue, now=self.clock(), holder=self.holder
        )

    async def _loop(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # a tick that fails (store down) is retried next interval
                log.exception("schedule tick failed")
            await self.sleep(self.processor.settings.schedule_interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="autopilot-scheduler")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
