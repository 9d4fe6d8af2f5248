"""Claims and outcomes of stored deliveries: the SQL a worker runs, in short transactions.

A delivery is claimable while its ``due_at`` has passed; the partial index on ``due_at``
orders the claim, so it costs the same at any depth, and payloads are read only for the
rows taken. A claim is a lease: its ``due_at`` is when it lapses, and a live worker renews
it (``renew``) until it records the outcome, so only a dead worker's claims lapse. Outcomes
and renewals are fenced by the claim's attempt number.

Claims, renewals and outcomes commit without waiting for the disk (``relaxed``, PostgreSQL):
its log is ordered, so a crash can lose only the newest commits, and a lost claim or outcome
only means the delivery runs again (handlers are idempotent). Acknowledged rows stay durable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.store.db import Database, Row


class Status(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    IGNORED = "ignored"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event: str
    action: str | None
    installation_id: int | None
    repository: str | None
    sender: str | None
    payload: str
    status: Status
    note: str | None
    attempts: int
    received_at: float

    @classmethod
    def from_row(cls, row: Row) -> Delivery:
        return cls(**{**row, "status": Status(row["status"])})


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """How processing a claimed delivery ended; ``retry_at`` puts it back in the queue."""

    delivery_id: str
    attempt: int
    status: Status
    note: str | None = None
    retry_at: float | None = None
    #: A hold (rate limit) is not the delivery's fault: it does not use up an attempt.
    counts_attempt: bool = True


COLUMNS = (
    "delivery_id, event, action, installation_id, repository, sender, payload, status, note, "
    "attempts, received_at"
)
# Fenced by the attempt: a worker whose claim lapsed and was taken again changes nothing.
_FINISH = (
    "UPDATE deliveries SET status = ?, note = ?, finished_at = ?, due_at = NULL "
    "WHERE delivery_id = ? AND attempts = ? AND status = 'processing'"
)
_RENEW = (
    "UPDATE deliveries SET due_at = ? "
    "WHERE delivery_id = ? AND attempts = ? AND status = 'processing'"
)
_RETRY = (
    "UPDATE deliveries SET status = 'queued', note = ?, due_at = ?, attempts = attempts - ? "
    "WHERE delivery_id = ? AND attempts = ? AND status = 'processing'"
)


def claim(
    db: Database, ids: Sequence[str] | None, limit: int, visibility_timeout: float, now: float
) -> list[Delivery]:
    """Take up to ``limit`` due deliveries (or those of ``ids`` still due), oldest first."""
    lock = " FOR UPDATE SKIP LOCKED" if db.dialect == "postgresql" else ""
    params: list[object]
    if ids is None:
        where, params = "due_at <= ? ORDER BY due_at LIMIT ?", [now, limit]
    else:
        marks = ", ".join("?" * len(ids))
        where, params = f"delivery_id IN ({marks}) AND due_at <= ?", [*ids, now]
    # BEGIN IMMEDIATE on SQLite: one short claim at a time.
    with db.transaction(relaxed=True):
        rows = db.fetchall(
            f"SELECT delivery_id, installation_id FROM deliveries WHERE {where}{lock}", params
        )
        if not rows:
            return []
        holds = _holds(db, now)
        held = [r for r in rows if r["installation_id"] in holds]
        take = [str(r["delivery_id"]) for r in rows if r["installation_id"] not in holds]
        if held:  # their installation is held back: due again when the hold ends
            db.executemany(
                "UPDATE deliveries SET due_at = ? WHERE delivery_id = ?",
                [(holds[r["installation_id"]], r["delivery_id"]) for r in held],
            )
        if not take:
            return []
        marks = ", ".join("?" * len(take))
        claimed = db.fetchall(
            "UPDATE deliveries SET status = 'processing', attempts = attempts + 1, "
            f"due_at = ? WHERE delivery_id IN ({marks}) RETURNING {COLUMNS}",
            (now + visibility_timeout, *take),
        )
    claimed.sort(key=lambda row: float(row["received_at"]))
    return [Delivery.from_row(row) for row in claimed]


def _holds(db: Database, now: float) -> dict[int, float]:
    rows = db.fetchall(
        "SELECT installation_id, until FROM installation_holds WHERE until > ?", (now,)
    )
    return {int(r["installation_id"]): float(r["until"]) for r in rows}


def record(db: Database, outcomes: Sequence[Outcome], now: float) -> list[bool]:
    """Write outcomes in one transaction; ``False`` where the claim had lapsed."""
    with db.transaction(relaxed=True):
        done = [o for o in outcomes if o.retry_at is None]
        retried = [o for o in outcomes if o.retry_at is not None]
        applied: dict[str, bool] = {}
        if done:
            rows = [(o.status.value, o.note, now, o.delivery_id, o.attempt) for o in done]
            for o, ok in zip(done, db.changed_each(_FINISH, rows), strict=True):
                applied[o.delivery_id] = ok
        if retried:
            rows2 = [
                (o.note, o.retry_at, 0 if o.counts_attempt else 1, o.delivery_id, o.attempt)
                for o in retried
            ]
            for o, ok in zip(retried, db.changed_each(_RETRY, rows2), strict=True):
                applied[o.delivery_id] = ok
    return [applied[o.delivery_id] for o in outcomes]


def renew(db: Database, held: Sequence[tuple[str, int]], until: float) -> list[bool]:
    """Extend claims (delivery id, attempt) to ``until``; ``False`` where one was lost."""
    with db.transaction(relaxed=True):
        return db.changed_each(
            _RENEW, [(until, delivery_id, attempt) for delivery_id, attempt in held]
        )


def lapsed(db: Database, now: float, queued_for: float, limit: int, queued_limit: int) -> list[str]:
    """Ids nobody is working on: claims whose lease lapsed (their worker died), then up to
    ``queued_limit`` deliveries due for ``queued_for`` seconds that no job took (a lost
    enqueue, a job whose worker died before its claim committed). The cap keeps a sweep
    from enqueueing a whole backlog again when the workers are merely behind.

    Both read an index: the in-flight claims have a partial index of their own, so the
    sweep costs the same however deep the queue of fresh deliveries is.
    """
    claims = db.fetchall(
        "SELECT delivery_id FROM deliveries WHERE status = 'processing' AND due_at <= ? "
        "ORDER BY due_at LIMIT ?",
        (now, limit),
    )
    queued = db.fetchall(
        "SELECT delivery_id FROM deliveries WHERE due_at <= ? ORDER BY due_at LIMIT ?",
        (now - queued_for, min(limit, queued_limit)),
    )
    return list(dict.fromkeys(str(r["delivery_id"]) for r in [*claims, *queued]))[:limit]
