"""``autopilot report``: the trend report of a repository from the store, as Markdown."""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from bot.config.settings import load_settings
from bot.core.schedule import DAY, week_of
from bot.core.trends import build_report, render_report
from bot.store import HANDLER_SCHEMAS
from bot.store.db import Database
from bot.store.reports import fix_routes, pending_review_ages, trend_runs


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="the weekly trend report of a repository (Markdown)",
        description=(
            "Top failure fingerprints and how often they came back, flaky tests, time from "
            "failure to green, auto-merge rate and review-queue age, from the triage history "
            "in AUTOPILOT_STORE. The App and the scheduled Action post it weekly as an issue "
            "comment."
        ),
    )
    parser.add_argument("--repo", required=True, help="OWNER/NAME")
    parser.add_argument("--days", type=float, default=7.0, help="the window (default 7 days)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    db = Database(load_settings(os.environ).store_url)
    try:
        for schema in HANDLER_SCHEMAS:
            db.ensure_schema(schema)
        now = time.time()
        runs = trend_runs(db, args.repo, since=now - args.days * DAY)
        ages = pending_review_ages(db, now=now, repository=args.repo)
        merged, routed = fix_routes(db, args.repo, since=now - args.days * DAY)
    finally:
        db.close()
    report = build_report(runs, queue_ages=ages, auto_merged=merged, fixes=routed)
    print(render_report(report, repository=args.repo, week=week_of(now)), end="")
    return 0
