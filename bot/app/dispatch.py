"""Isolated dispatch: every handler a router matches runs, whatever the others do."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from gidgethub import sansio
from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core.events import Event
from bot.github.client import GitHubRefused
from bot.store.leases import LeaseLost, LeaseTimeout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchResult:
    handlers: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]
    #: Handlers GitHub refused (a gone installation, a 4xx): a reason each, not a failure.
    refusals: tuple[tuple[str, str], ...] = ()
    #: Failed handlers that only met a busy lease (another writer on the same PR): worth a retry.
    busy: tuple[str, ...] = ()

    @property
    def all_refused(self) -> bool:
        return bool(self.refusals) and len(self.refusals) == len(self.handlers)


def handler_name(handler: Any) -> str:
    return f"{handler.__module__}.{handler.__name__}"


async def dispatch(
    router: Router,
    event: Event,
    ports: Ports,
    *,
    attempt: int = 1,
) -> DispatchResult:
    """Run each matching handler in its own ``try``; record the ones that raise.

    ``Router.dispatch`` would stop at the first exception and silence the other concerns.
    """
    matched = router.fetch(
        sansio.Event(event.data, event=event.event, delivery_id=event.delivery_id)
    )
    handlers = sorted(matched, key=handler_name)  # a stable order for logs and tests
    failures: list[tuple[str, str]] = []
    refusals: list[tuple[str, str]] = []
    busy: list[str] = []
    for handler in handlers:
        name = handler_name(handler)
        context = {"delivery": event.delivery_id, "event": event.label, "handler": name}
        started = time.perf_counter()
        try:
            await handler(event, ports)
        except GitHubRefused as exc:  # GitHub said no: one warning line, no traceback
            refusals.append((name, exc.reason))
            log.warning(f"ignored: {exc.reason}", extra=context)
        except Exception as exc:  # isolation is the point: any failure is recorded, not raised
            error = f"{type(exc).__name__}: {exc}"
            failures.append((name, error))
            if isinstance(exc, LeaseTimeout | LeaseLost):
                busy.append(name)
            log.exception("handler failed", extra={**context, "error": error})
            await ports.stores.deliveries.add_failure(event.delivery_id, name, error, attempt)
        else:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            log.info("handler done", extra={**context, "duration_ms": duration_ms})
    names = tuple(handler_name(h) for h in handlers)
    return DispatchResult(names, tuple(failures), tuple(refusals), tuple(busy))
