"""The claim heartbeat: a live worker's claims never lapse, a dead worker's lapse in seconds.

A claim is a short lease (``visibility_timeout``). While the processor holds claims, a
thread of its own renews them every fifth of the lease, so a handler that takes longer than
the lease (or keeps the event loop busy without awaiting) keeps its delivery, and no other
worker runs it alongside. When the process dies the renewals stop, the leases lapse
within one lease, and the sweep hands the deliveries to a live worker.

A thread, not a task: the lease stands for the process being alive, not for its event loop
being free. Renewals are fenced by the attempt, like outcomes, and commit without waiting
for the disk (a lost renewal is at worst one lapsed claim: the delivery runs again).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence

log = logging.getLogger(__name__)

#: Renewals per lease: four can be missed (a stalled store) before a live claim lapses.
RENEWALS_PER_LEASE = 5
#: Shortest pause between renewals, whatever the lease.
MIN_INTERVAL = 0.05

Renew = Callable[[Sequence[tuple[str, int]], float], Sequence[bool]]


class Heartbeat:
    """Renews the claims (delivery id, attempt) registered with ``hold`` until ``release``."""

    def __init__(self, renew: Renew, lease: float) -> None:
        self._renew = renew
        self.lease = lease
        self.interval = max(MIN_INTERVAL, lease / RENEWALS_PER_LEASE)
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, claims: Iterable[tuple[str, int]]) -> None:
        with self._lock:
            self._held.update(claims)
            if self._held and (self._thread is None or not self._thread.is_alive()):
                self._stop.clear()
                self._thread = threading.Thread(
                    target=self._run, name="autopilot-claim-heartbeat", daemon=True
                )
                self._thread.start()

    def release(self, delivery_ids: Iterable[str]) -> None:
        with self._lock:
            for delivery_id in delivery_ids:
                self._held.pop(delivery_id, None)

    def held(self) -> list[tuple[str, int]]:
        with self._lock:
            return list(self._held.items())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                held = list(self._held.items())
                if not held:  # idle: the next ``hold`` starts a new thread
                    self._thread = None
                    return
            try:
                kept = self._renew(held, self.lease)
            except Exception:  # the store is down: the claims may lapse, runs are idempotent
                log.exception("could not renew %d claims", len(held))
                continue
            # Recorded meanwhile, or taken by another worker after a stall: not ours to renew.
            self.release(d for (d, _), ok in zip(held, kept, strict=True) if not ok)

    def close(self) -> None:
        """Stop renewing (the claims lapse unless their outcomes are recorded)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join()
        self._thread = None
