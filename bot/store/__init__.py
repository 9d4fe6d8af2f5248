"""Persistence: one schema on SQLite (default) or PostgreSQL, chosen by ``AUTOPILOT_STORE``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.store import (
    alerts,
    commands,
    fix_attempts,
    history,
    leases,
    marks,
    plans,
    published,
    review_queue,
)
from bot.store.alerts import AlertLog
from bot.store.commands import CommandStore
from bot.store.deliveries import Store
from bot.store.fix_attempts import FixAttempts
from bot.store.history import TriageHistory
from bot.store.leases import Leases
from bot.store.marks import Marks
from bot.store.plans import PlanStore
from bot.store.published import PublishedStore
from bot.store.review_queue import ReviewQueue

#: Every table the handlers use, created once when the stores open.
HANDLER_SCHEMAS: tuple[tuple[str, ...], ...] = (
    history.SCHEMA,
    leases.SCHEMA,
    published.SCHEMA,
    # plans, the schedule and alerts
    plans.SCHEMA,
    marks.SCHEMA,
    alerts.SCHEMA,
    commands.SCHEMA,
    # The fix journey: its attempts, and the review queue that manual-review fixes wait in.
    fix_attempts.SCHEMA,
    review_queue.SCHEMA,
)


@dataclass(frozen=True, kw_only=True)
class Stores:
    """The stores a concern handler may use, over the App's one database."""

    deliveries: Store
    history: TriageHistory
    #: One writer per pull request: ``async with ports.lock(...)`` takes these.
    leases: Leases
    #: Ids and digests of the bot's check runs and comments, so writes skip lookups.
    published: PublishedStore
    # plans, the schedule and alerts
    plans: PlanStore
    marks: Marks
    alerts: AlertLog
    commands: CommandStore
    # The fix journey (bot/concerns/autofix.py).
    fix_attempts: FixAttempts
    review_queue: ReviewQueue


async def open_stores(deliveries: Store) -> Stores:
    """The handlers' stores over ``deliveries``' database, their schemas created once here."""
    db = deliveries.db
    for schema in HANDLER_SCHEMAS:
        await asyncio.to_thread(db.ensure_schema, schema)
    return Stores(
        deliveries=deliveries,
        history=TriageHistory(db),
        leases=Leases(db, clock=deliveries.clock),
        published=PublishedStore(db, clock=deliveries.clock),
        plans=PlanStore(db),
        marks=Marks(db),
        alerts=AlertLog(db),
        commands=CommandStore(db),
        fix_attempts=FixAttempts(db),
        review_queue=ReviewQueue(db),
    )
