"""The worker: claims stored deliveries in batches, dispatches each, records the outcomes.

A handler that met transient GitHub trouble (no answer, 5xx after the client's quick
retries, a rate limit) puts its delivery back in the queue with a not-before time instead of
holding the worker: exponential backoff with jitter, or the time GitHub named, in which case
that installation alone is held back. Other failures are final (a bug or a 4xx will not get
better by waiting).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence

import orjson
from gidgethub.routing import Router

from bot.alerts import Alerter
from bot.app.dispatch import dispatch
from bot.app.heartbeat import Heartbeat
from bot.app.metrics import Metrics
from bot.concerns.ports import HandlerSettings, Ports
from bot.config.settings import Settings
from bot.core.backoff import backoff
from bot.core.events import Event
from bot.github.client import GitHubClient, RetryLater
from bot.store import Stores
from bot.store.deliveries import Delivery, Outcome, Status
from bot.taskqueue import BatchReport

log = logging.getLogger(__name__)

#: Seconds a batch may keep the event loop before it lets waiting work in (in-process
#: workers share the loop with the acknowledgements; each yield costs the batch a turn).
SLICE = 0.002


class Processor:
    """Processes claimed batches of deliveries; safe to run in several tasks or processes."""

    def __init__(
        self,
        *,
        stores: Stores,
        router: Router,
        gh: GitHubClient,
        settings: Settings,
        metrics: Metrics,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        alerter: Alerter | None = None,
    ) -> None:
        self.stores = stores
        self.store = stores.deliveries
        self.router = router
        self.gh = gh
        self.settings = settings
        self.metrics = metrics
        self.clock = clock
        self.jitter = jitter
        self.alerter = alerter
        self._holder = f"processor-{uuid.uuid4()}"
        # Claims are short leases, renewed while this process holds them.
        self.heartbeat = Heartbeat(self.store.renew, settings.visibility_timeout)
        #: Installations GitHub asked this process to wait for, and until when: the rest of
        #: a batch skips their deliveries as a claim would (no GitHub call, no failure row).
        self._holds: dict[int, float] = {}

    async def process_batch(self, ids: Sequence[str] | None = None) -> BatchReport:
        """Claim up to ``claim_batch`` due deliveries (or ``ids``), run them, record outcomes."""
        claimed = await self.store.claim_batch(
            ids,
            limit=self.settings.claim_batch,
            visibility_timeout=self.settings.visibility_timeout,
        )
        self.heartbeat.hold((d.delivery_id, d.attempts) for d in claimed)
        try:
            outcomes = []
            loop = asyncio.get_running_loop()
            since = loop.time()
            for delivery in claimed:
                outcomes.append(await self._run(delivery))
                if loop.time() - since >= SLICE:  # handlers that do not await: let others in
                    await asyncio.sleep(0)
                    since = loop.time()
            applied = await self.store.record(outcomes)
        finally:  # recorded, or failed: either way no longer ours to keep alive
            self.heartbeat.release(d.delivery_id for d in claimed)
        for delivery, outcome, ok in zip(claimed, outcomes, applied, strict=True):
            self._report(delivery, outcome, ok)
        due = tuple((o.delivery_id, o.retry_at) for o in outcomes if o.retry_at is not None)
        drained = len(claimed) < self.settings.claim_batch
        return BatchReport(claimed=len(claimed), drained=drained, due_again=due)

    def ports(self, event: Event) -> Ports:
        """The handlers' ports for one delivery, acting as its installation."""
        return Ports(
            gh=self.gh.for_installation(event.installation_id),
            stores=self.stores,
            settings=HandlerSettings.of(self.settings),
            clock=self.store.clock,
            alerts=self.alerter,
        )

    async def schedule_tick(self, enqueue: Callable[[str], Awaitable[None]]) -> list[str]:
        """The schedule's tick (``bot.app.scheduler``), for a queue that runs it on a timer
        of its own (arq's cron): the ids of the deliveries it stored and enqueued."""
        from bot.app.scheduler import schedule_tick  # the scheduler drives this processor

        return await schedule_tick(self, enqueue, now=self.store.clock(), holder=self._holder)

    async def drain(self) -> int:
        """Process until nothing is due; the number of deliveries processed."""
        count = 0
        while (report := await self.process_batch()).claimed:
            count += report.claimed
        return count

    async def overdue(self, older_than: float) -> list[str]:
        return await self.store.lapsed(queued_for=older_than)

    def close(self) -> None:
        """Stop renewing claims (call once no batch runs)."""
        self.heartbeat.close()

    def _report(self, delivery: Delivery, outcome: Outcome, applied: bool) -> None:
        status = "retry" if outcome.retry_at is not None else outcome.status.value
        if not applied:  # the claim lapsed and another worker took it: its record stands
            status = "stale"
        self.metrics.processed.labels(status).inc()
        if outcome.retry_at is None:
            self.metrics.latency.observe(max(0.0, self.clock() - delivery.received_at))
        # Deliveries nothing handles are the bulk at scale: their line is DEBUG.
        level = logging.DEBUG if outcome.status is Status.IGNORED else logging.INFO
        if log.isEnabledFor(level):
            log.log(
                level,
                f"delivery {status}" + (f": {outcome.note}" if outcome.note else ""),
                extra={
                    "delivery": delivery.delivery_id,
                    "event": delivery.event,
                    "action": delivery.action,
                    "installation": delivery.installation_id,
                    "status": status,
                    "attempt": delivery.attempts,
                },
            )

    async def _run(self, delivery: Delivery) -> Outcome:
        def outcome(
            status: Status,
            note: str | None = None,
            retry_at: float | None = None,
            counts_attempt: bool = True,
        ) -> Outcome:
            return Outcome(
                delivery_id=delivery.delivery_id,
                attempt=delivery.attempts,
                status=status,
                note=note,
                retry_at=retry_at,
                counts_attempt=counts_attempt,
            )

        until = self._holds.get(delivery.installation_id or 0, 0.0)
        if until > self.clock():  # its installation met a rate limit earlier in this batch
            note = "installation held back by a rate limit"
            return outcome(Status.QUEUED, note, retry_at=until, counts_attempt=False)
        if delivery.attempts > self.settings.max_attempts:
            # A delivery whose worker keeps dying must not take every worker down with it.
            return outcome(Status.FAILED, f"gave up after {delivery.attempts - 1} attempts")
        try:
            payload = orjson.loads(delivery.payload)
        except ValueError as exc:  # stored bodies were checked at the edge; be safe anyway
            return outcome(Status.FAILED, f"stored payload unreadable: {exc}")
        event = Event.from_payload(delivery.event, delivery.delivery_id, payload)
        # The worker mints its own installation token; the webhook path never held one.
        ports = self.ports(event)
        try:
            result = await dispatch(self.router, event, ports, attempt=delivery.attempts)
        except Exception as exc:  # the store failed under dispatch: try again later
            log.exception("dispatch failed", extra={"delivery": delivery.delivery_id})
            return self._retry(delivery, outcome, f"{type(exc).__name__}: {exc}")
        for handler, _error in result.failures:
            self.metrics.handler_failures.labels(handler).inc()
        if not result.handlers:
            return outcome(Status.IGNORED, f"no handler for {event.label}")
        # GitHub's refusals (a gone installation, a 4xx) are reasons, not failures.
        refused = "; ".join(dict.fromkeys(reason for _, reason in result.refusals))
        if result.all_refused:
            return outcome(Status.IGNORED, f"ignored: {refused}")
        if not result.failures:
            return outcome(Status.DONE, f"partly ignored: {refused}" if refused else None)
        names = ", ".join(name.rsplit(".", 1)[-1] for name, _ in result.failures)
        note = f"{len(result.failures)} of {len(result.handlers)} handlers failed: {names}"
        trouble = ports.gh.transient
        if isinstance(trouble, RetryLater):
            if trouble.installation_id is not None:
                self._holds[trouble.installation_id] = trouble.at
                await self.store.hold_installation(trouble.installation_id, trouble.at)
            return outcome(
                Status.QUEUED, f"{note}; {trouble}", retry_at=trouble.at, counts_attempt=False
            )
        if trouble is not None:
            return self._retry(delivery, outcome, f"{note}; {trouble}")
        if len(result.busy) == len(result.failures):  # handlers are idempotent: run it again
            return self._retry(delivery, outcome, f"{note}; a pull request's lease was busy")
        return outcome(Status.FAILED, note)

    def _retry(self, delivery: Delivery, outcome: Callable[..., Outcome], note: str) -> Outcome:
        if delivery.attempts >= self.settings.max_attempts:
            return outcome(Status.FAILED, f"{note}; gave up after {delivery.attempts} attempts")
        s = self.settings
        wait = backoff(
            delivery.attempts, base=s.retry_base_delay, cap=s.retry_max_delay, jitter=self.jitter()
        )
        return outcome(Status.QUEUED, note, retry_at=self.clock() + wait)
