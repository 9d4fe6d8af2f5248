"""Prometheus view of the review queue's stats, for ``/metrics`` and ``autopilot queue stats``."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from bot.core.review import CONFIDENCE_BOUNDS, QueueStats


def metrics_registry(stats: QueueStats) -> CollectorRegistry:
    """A Prometheus registry over the stats (``generate_latest(registry)`` renders it)."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(_StatsCollector(stats))
    return registry


class _StatsCollector(Collector):
    def __init__(self, stats: QueueStats) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        s = self.stats
        items = GaugeMetricFamily(
            "autopilot_review_queue_items", "Review queue items by state.", labels=["state"]
        )
        for state, count in s.by_state.items():
            items.add_metric([state], count)
        routes = GaugeMetricFamily(
            "autopilot_review_queue_items_by_route",
            "Review queue items by the route their score gave.",
            labels=["route"],
        )
        for route, count in s.by_route.items():
            routes.add_metric([route], count)
        cumulative, running = [], 0
        for bound, count in zip(CONFIDENCE_BOUNDS, s.confidence, strict=True):
            running += count
            cumulative.append((str(bound), running))
        yield items
        yield routes
        yield HistogramMetricFamily(
            "autopilot_review_queue_confidence",
            "Confidence scores of review queue items.",
            buckets=[*cumulative[:-1], ("+Inf", s.total)],
            sum_value=s.score_sum,
        )
        yield GaugeMetricFamily(
            "autopilot_review_queue_oldest_pending_age_seconds",
            "Age of the oldest pending item (0 when nothing is pending).",
            value=s.oldest_pending_seconds or 0.0,
        )
        older = GaugeMetricFamily(
            "autopilot_review_queue_pending_older_than",
            "Pending items older than each alert threshold.",
            labels=["threshold"],
        )
        for label, count in s.pending_older_than.items():
            older.add_metric([label], count)
        yield older
