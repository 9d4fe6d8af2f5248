"""Pure review helpers: ids, durations, ages, stats and the Prometheus rendering."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import generate_latest

from bot.app.review_metrics import metrics_registry
from bot.core.review import (
    QueueItem,
    QueueState,
    format_age,
    parse_duration,
    parse_item_id,
    queue_stats,
)
from bot.core.scoring import Route
from bot.errors import UsageError

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)
BASE = QueueItem(
    id=1,
    repo="octo/app",
    pr_number=7,
    head_sha="abc",
    diff=None,
    score=0.6,
    route=Route.MANUAL_REVIEW,
    reasons=(),
    signals={},
    fix_ids=(),
    state=QueueState.PENDING,
    created_at=NOW,
    decided_at=None,
    actor=None,
    reason=None,
    applied_at=None,
    commit_sha=None,
)


def item(*, hours: float = 0, **changes: object) -> QueueItem:
    return dataclasses.replace(BASE, created_at=NOW - timedelta(hours=hours), **changes)


@pytest.mark.parametrize(("text", "expected"), [("rq-12", 12), ("12", 12), (" RQ-3 ", 3)])
def test_item_ids(text: str, expected: int) -> None:
    assert parse_item_id(text) == expected


@pytest.mark.parametrize("text", ["", "rq-", "rq-0", "abc", "-1", "rq-1.5"])
def test_bad_item_ids(text: str) -> None:
    with pytest.raises(UsageError, match="is not a review queue id"):
        parse_item_id(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("30m", 1800), ("24h", 86400), ("7d", 604800), ("2w", 1209600), ("1h30m", 5400)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "24", "h", "1.5h", "24 hours", "-1h", "1y"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(UsageError, match="is not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "shown"), [(5, "5s"), (120, "2m"), (3 * 3600 + 60, "3h 01m"), (90000, "1d 01h")]
)
def test_ages(seconds: int, shown: str) -> None:
    assert format_age(timedelta(seconds=seconds)) == shown


def test_stats_count_states_routes_buckets_and_ages() -> None:
    items = [
        item(hours=1, score=0.3),
        item(hours=30, score=0.8),  # exactly a bucket bound: counted in le=0.8
        item(hours=100, score=0.81),
        item(hours=200, score=0.95, state=QueueState.REJECTED, route=Route.PULL_REQUEST),
        item(hours=2, score=1.0, state=QueueState.APPLIED, route=Route.AUTO_MERGE),
    ]
    stats = queue_stats(items, now=NOW, alert_after=("24h", "72h"))
    data = stats.to_dict()
    assert data["total"] == 5
    assert data["by_state"] == {"pending": 3, "approved": 0, "applied": 1, "rejected": 1}
    assert data["by_route"] == {"auto_merge": 1, "pull_request": 1, "manual_review": 3}
    assert [b["count"] for b in data["confidence"]] == [1, 0, 0, 1, 1, 1, 1]
    assert [b["le"] for b in data["confidence"]] == [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0]
    assert data["oldest_pending_seconds"] == 100 * 3600  # the rejected one is not pending
    assert data["pending_older_than"] == {"24h": 2, "72h": 1}


def test_stats_of_an_empty_queue() -> None:
    stats = queue_stats([], now=NOW)
    assert stats.total == 0
    assert stats.oldest_pending_seconds is None
    assert dict(stats.pending_older_than) == {"24h": 0, "72h": 0}


def test_prometheus_text() -> None:
    stats = queue_stats([item(hours=30, score=0.8), item(hours=1, score=0.3)], now=NOW)
    text = generate_latest(metrics_registry(stats)).decode()
    assert 'autopilot_review_queue_items{state="pending"} 2.0' in text
    assert 'autopilot_review_queue_items_by_route{route="manual_review"} 2.0' in text
    assert 'autopilot_review_queue_confidence_bucket{le="0.5"} 1.0' in text
    assert 'autopilot_review_queue_confidence_bucket{le="0.8"} 2.0' in text
    assert 'autopilot_review_queue_confidence_bucket{le="+Inf"} 2.0' in text
    assert "autopilot_review_queue_confidence_sum 1.1" in text
    assert "autopilot_review_queue_oldest_pending_age_seconds 108000.0" in text
    assert 'autopilot_review_queue_pending_older_than{threshold="24h"} 1.0' in text


def test_item_json_is_ordered_and_omits_a_missing_diff() -> None:
    data = item(hours=2).to_dict(NOW)
    assert list(data)[:4] == ["id", "state", "repo", "pr_number"]
    assert data["id"] == "rq-1"
    assert data["created_at"] == "2025-01-10T10:00:00Z"
    assert data["age_seconds"] == 7200
    assert "diff" not in data
    assert item(diff="x").to_dict(NOW)["diff"] == "x"
