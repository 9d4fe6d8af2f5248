"""The worker: claims a stored delivery, rebuilds its ``Event``, dispatches, records the outcome."""

from __future__ import annotations

import json
import logging
import time

from gidgethub.routing import Router

from bot.app.dispatch import dispatch
from bot.app.metrics import Metrics
from bot.concerns.ports import HandlerSettings, Ports
from bot.config.settings import Settings
from bot.core.events import Event
from bot.github.client import GitHubClient
from bot.store import Stores
from bot.store.deliveries import Delivery, Status

log = logging.getLogger(__name__)


class Processor:
    """Processes deliveries one at a time; safe to run in several tasks or processes."""

    def __init__(
        self,
        *,
        stores: Stores,
        router: Router,
        gh: GitHubClient,
        settings: Settings,
        metrics: Metrics,
    ) -> None:
        self.stores = stores
        self.store = stores.deliveries
        self.router = router
        self.gh = gh
        self.settings = settings
        self.metrics = metrics

    async def process(self, delivery_id: str | None = None) -> Delivery | None:
        """Claim and process one delivery (the oldest, or ``delivery_id``); ``None`` if none."""
        delivery = await self.store.claim(
            delivery_id, visibility_timeout=self.settings.visibility_timeout
        )
        if delivery is None:
            return None
        status, note = await self._run(delivery)
        await self.store.finish(delivery.delivery_id, status, note)
        self.metrics.processed.labels(status.value).inc()
        self.metrics.latency.observe(max(0.0, time.time() - delivery.received_at))
        log.info(
            f"delivery {status.value}" + (f": {note}" if note else ""),
            extra={
                "delivery": delivery.delivery_id,
                "event": delivery.event,
                "action": delivery.action,
                "installation": delivery.installation_id,
                "status": status.value,
                "attempt": delivery.attempts,
            },
        )
        return delivery

    def ports(self, event: Event) -> Ports:
        """The handlers' ports for one delivery, acting as its installation."""
        return Ports(
            gh=self.gh.for_installation(event.installation_id),
            stores=self.stores,
            settings=HandlerSettings.of(self.settings),
            clock=self.store.clock,
        )

    async def drain(self) -> int:
        """Process until nothing is claimable; the number processed."""
        count = 0
        while await self.process() is not None:
            count += 1
        return count

    async def _run(self, delivery: Delivery) -> tuple[Status, str | None]:
        if delivery.attempts > self.settings.max_attempts:
            # A delivery whose worker keeps dying must not take every worker down with it.
            return Status.FAILED, f"gave up after {delivery.attempts - 1} attempts"
        try:
            payload = json.loads(delivery.payload)
        except ValueError as exc:  # stored bodies were checked at the edge; be safe anyway
            return Status.FAILED, f"stored payload unreadable: {exc}"
        event = Event.from_payload(delivery.event, delivery.delivery_id, payload)
        # The worker mints its own installation token; the webhook path never held one.
        result = await dispatch(self.router, event, self.ports(event), attempt=delivery.attempts)
        for handler, _error in result.failures:
            self.metrics.handler_failures.labels(handler).inc()
        if not result.handlers:
            return Status.IGNORED, f"no handler for {event.label}"
        refused = "; ".join(dict.fromkeys(reason for _, reason in result.refusals))
        if result.all_refused:
            return Status.IGNORED, f"ignored: {refused}"
        if result.failures:
            names = ", ".join(name.rsplit(".", 1)[-1] for name, _ in result.failures)
            return (
                Status.FAILED,
                f"{len(result.failures)} of {len(result.handlers)} handlers failed: {names}",
            )
        return Status.DONE, f"partly ignored: {refused}" if refused else None
