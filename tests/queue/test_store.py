"""The review queue table on SQLite and PostgreSQL: enqueue, list, decide, race."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.review import QueueState
from bot.core.scoring import Route
from bot.store.db import Database
from bot.store.review_queue import AlreadyDecided, ItemNotFound, ReviewQueue
from tests.queue.conftest import scored

NOW = datetime(2025, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def queue(database: Database) -> ReviewQueue:
    return ReviewQueue(database)


def test_enqueue_and_get_round_trip(queue: ReviewQueue) -> None:
    result = scored()
    item = queue.enqueue(
        result,
        diff="--- a/x\n+++ b/x\n",
        now=NOW,
        repo="octo/app",
        pr_number=12,
        head_sha="a" * 40,
        fix_ids=("F401", "I001"),
    )
    assert item.label == "rq-1"
    assert item == queue.get(item.id)
    assert (item.repo, item.pr_number, item.head_sha) == ("octo/app", 12, "a" * 40)
    assert (item.score, item.route, item.state) == (0.6, Route.MANUAL_REVIEW, QueueState.PENDING)
    assert item.reasons == result.reasons
    assert item.signals == result.to_dict()["signals"]
    assert item.fix_ids == ("F401", "I001")
    assert item.diff == "--- a/x\n+++ b/x\n"
    assert item.created_at == NOW
    assert (item.decided_at, item.actor, item.reason, item.commit_sha) == (None, None, None, None)
    assert queue.enqueue(result, diff="d", now=NOW).id == 2


def test_schema_is_idempotent(database: Database) -> None:
    ReviewQueue(database).enqueue(scored(), diff="d", now=NOW)
    assert len(ReviewQueue(database).list_items()) == 1


def test_list_oldest_first_by_state_and_age(queue: ReviewQueue) -> None:
    old = queue.enqueue(scored(), diff="d1", now=NOW - timedelta(hours=30))
    new = queue.enqueue(scored(), diff="d2", now=NOW - timedelta(hours=1))
    older = queue.enqueue(scored(), diff="d3", now=NOW - timedelta(hours=80))
    queue.reject(new.id, actor="ana", reason="no", now=NOW)
    assert [i.id for i in queue.list_items()] == [older.id, old.id]
    assert all(i.diff is None for i in queue.list_items())
    assert [i.id for i in queue.list_items(states=None)] == [older.id, old.id, new.id]
    assert [i.id for i in queue.list_items(states=(QueueState.REJECTED,))] == [new.id]
    assert queue.list_items(states=()) == []
    cutoff = NOW - timedelta(hours=24)
    assert [i.id for i in queue.list_items(created_before=cutoff)] == [older.id, old.id]
    assert [i.id for i in queue.list_items(limit=1)] == [older.id]


def test_approve_then_apply(queue: ReviewQueue) -> None:
    item = queue.enqueue(scored(), diff="d", now=NOW)
    claimed = queue.claim(item.id, actor="ana", now=NOW + timedelta(hours=2))
    assert (claimed.state, claimed.actor) == (QueueState.APPROVED, "ana")
    assert claimed.decided_at == NOW + timedelta(hours=2)
    applied = queue.mark_applied(item.id, now=NOW + timedelta(hours=3), commit_sha="c0ffee")
    assert (applied.state, applied.commit_sha) == (QueueState.APPLIED, "c0ffee")
    assert applied.applied_at == NOW + timedelta(hours=3)


def test_reject_records_actor_and_reason(queue: ReviewQueue) -> None:
    item = queue.enqueue(scored(), diff="d", now=NOW)
    rejected = queue.reject(item.id, actor="bo", reason="changes the API", now=NOW)
    assert (rejected.state, rejected.actor, rejected.reason) == (
        QueueState.REJECTED,
        "bo",
        "changes the API",
    )


def test_a_decided_item_cannot_be_decided_again(queue: ReviewQueue) -> None:
    item = queue.enqueue(scored(), diff="d", now=NOW)
    queue.reject(item.id, actor="bo", reason="no", now=NOW)
    with pytest.raises(AlreadyDecided, match="rq-1 is rejected by bo, not pending"):
        queue.claim(item.id, actor="ana", now=NOW)
    with pytest.raises(AlreadyDecided):
        queue.reject(item.id, actor="ana", reason="again", now=NOW)
    with pytest.raises(AlreadyDecided):
        queue.mark_applied(item.id, now=NOW)
    assert queue.get(item.id).actor == "bo"


def test_release_returns_a_claimed_item_to_pending(queue: ReviewQueue) -> None:
    item = queue.enqueue(scored(), diff="d", now=NOW)
    queue.claim(item.id, actor="ana", now=NOW)
    released = queue.release(item.id, note="applying failed: conflict")
    assert (released.state, released.actor, released.reason) == (
        QueueState.PENDING,
        None,
        "applying failed: conflict",
    )


def test_unknown_item(queue: ReviewQueue) -> None:
    with pytest.raises(ItemNotFound, match="no review queue item rq-99"):
        queue.get(99)
    with pytest.raises(ItemNotFound):
        queue.claim(99, actor="ana", now=NOW)


def test_concurrent_approvals_have_exactly_one_winner(store_url: str) -> None:
    """Two connections race to approve each item; the UPDATE's row count picks one."""
    setup = Database(store_url)
    ids = [ReviewQueue(setup).enqueue(scored(), diff="d", now=NOW).id for _ in range(5)]
    reviewers = [ReviewQueue(Database(store_url)) for _ in range(2)]
    barrier = threading.Barrier(2)
    wins: dict[str, list[int]] = {"ana": [], "bo": []}
    losses: list[int] = []

    def race(queue: ReviewQueue, actor: str) -> None:
        for item_id in ids:
            barrier.wait(timeout=10)
            try:
                queue.claim(item_id, actor=actor, now=NOW)
                wins[actor].append(item_id)
            except AlreadyDecided:
                losses.append(item_id)

    threads = [
        threading.Thread(target=race, args=(q, a)) for q, a in zip(reviewers, wins, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(wins["ana"] + wins["bo"]) == ids
    assert sorted(losses) == ids
    for item_id in ids:
        item = ReviewQueue(setup).get(item_id)
        winner = "ana" if item_id in wins["ana"] else "bo"
        assert (item.state, item.actor) == (QueueState.APPROVED, winner)
    for reviewer in reviewers:
        reviewer.db.close()
    setup.close()
