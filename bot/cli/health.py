"""``autopilot health``: 0 healthy, 1 degraded, 2 cannot check; for cron jobs and CI."""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from bot.config.settings import load_settings
from bot.core.health import HealthStatus, assess, to_json
from bot.core.schedule import ScheduleConfig
from bot.errors import AutopilotError
from bot.store import HANDLER_SCHEMAS
from bot.store.db import Database, redact
from bot.store.deliveries import SCHEMA as DELIVERIES
from bot.store.reports import health_facts


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "health",
        help="is the installation healthy? exit 0, 1 (degraded) or 2 (cannot check)",
        description=(
            "Read the store (AUTOPILOT_STORE) and judge: deliveries waiting for a worker or "
            "failed in the last 24 h, a review-queue backlog or old items, alerts that could "
            "not be delivered. Exit 0 healthy, 1 degraded, 2 cannot check (configuration, "
            "store unreachable)."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--backlog-max", type=int, default=ScheduleConfig.backlog_max)
    parser.add_argument(
        "--queue-max-age-hours", type=float, default=ScheduleConfig.queue_max_age_hours
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = ScheduleConfig(
        backlog_max=args.backlog_max, queue_max_age_hours=args.queue_max_age_hours
    )
    try:
        settings = load_settings(os.environ)
        db = Database(settings.store_url)
        try:
            db.ensure_schema(DELIVERIES)
            for schema in HANDLER_SCHEMAS:
                db.ensure_schema(schema)
            facts = health_facts(db, now=time.time())
        finally:
            db.close()
    except (AutopilotError, OSError, Exception) as exc:
        message = redact(str(exc)).splitlines()[0] if str(exc) else type(exc).__name__
        _print(args, HealthStatus.UNKNOWN, [f"cannot check: {message}"], None)
        return int(HealthStatus.UNKNOWN)
    status, findings = assess(facts, config)
    _print(args, status, findings, facts)
    return int(status)


def _print(args: argparse.Namespace, status: HealthStatus, findings: list[str], facts: Any) -> None:
    if args.json:
        print(json.dumps(to_json(status, findings, facts), indent=2))
        return
    print("healthy" if status is HealthStatus.HEALTHY else
          "degraded" if status is HealthStatus.DEGRADED else "unknown")  # fmt: skip
    for finding in findings:
        print(f"- {finding}")
