"""Prometheus metrics of the event path, on a registry per App instance (no globals)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]


class Metrics:
    """The counters, histogram and gauge ``/metrics`` exposes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.received = Counter(
            "autopilot_deliveries_received", "Webhook deliveries stored", ["event"], registry=r
        )
        self.duplicates = Counter(
            "autopilot_deliveries_duplicate", "Deliveries seen before (not re-run)", registry=r
        )
        self.rejected = Counter(
            "autopilot_deliveries_rejected", "Requests refused, by reason", ["reason"], registry=r
        )
        self.processed = Counter(
            "autopilot_deliveries_processed",
            "Deliveries processed, by outcome",
            ["status"],
            registry=r,
        )
        self.handler_failures = Counter(
            "autopilot_handler_failures", "Handlers that raised", ["handler"], registry=r
        )
        self.latency = Histogram(
            "autopilot_processing_seconds",
            "Time from receipt to the end of processing",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
            registry=r,
        )
        self.queue_depth = Gauge(
            "autopilot_queue_depth", "Deliveries stored but not yet processed", registry=r
        )
        self._received: dict[str, Counter] = {}

    def received_event(self, event: str) -> Counter:
        """The ``received`` counter of ``event``, bound once (``labels()`` costs a lock and a
        tuple per call; this is the acknowledgement's hot path)."""
        child = self._received.get(event)
        if child is None:
            child = self._received[event] = self.received.labels(event)
        return child

    def render(self) -> bytes:
        return generate_latest(self.registry)
