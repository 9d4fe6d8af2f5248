"""Read-only queries for the schedule's reports and ``autopilot health``, over other tables."""

from __future__ import annotations

import json
from collections import defaultdict

from bot.core.health import STALE_DELIVERY_SECONDS, HealthFacts
from bot.core.trends import TrendFailure, TrendRun
from bot.store.db import Database

DAY = 86400.0


def trend_runs(db: Database, repository: str, *, since: float) -> list[TrendRun]:
    runs = db.fetchall(
        """SELECT id, workflow, head_sha, conclusion, created_at FROM triage_runs
           WHERE repository = ? AND created_at >= ? ORDER BY created_at, id""",
        (repository, since),
    )
    failures: dict[int, list[TrendFailure]] = defaultdict(list)
    if runs:
        for row in db.fetchall(
            """SELECT f.triage_id, f.fingerprint, f.category, f.file, f.test
               FROM triage_failures f JOIN triage_runs r ON r.id = f.triage_id
               WHERE r.repository = ? AND r.created_at >= ?""",
            (repository, since),
        ):
            failures[int(row["triage_id"])].append(
                TrendFailure(
                    fingerprint=row["fingerprint"],
                    category=row["category"],
                    test=row["test"],
                    file=row["file"],
                )
            )
    return [
        TrendRun(
            workflow=r["workflow"],
            head_sha=r["head_sha"],
            conclusion=r["conclusion"],
            created_at=float(r["created_at"]),
            failures=tuple(failures[int(r["id"])]),
        )
        for r in runs
    ]


def fix_routes(db: Database, repository: str, *, since: float) -> tuple[int, int]:
    """``(merged by itself, routed)``: fix attempts of the window that were scored and
    routed, and those of them that took the ``auto_merge`` route and merged."""
    row = db.fetchone(
        """SELECT COUNT(*) AS routed,
                  SUM(CASE WHEN route = 'auto_merge' AND state = 'merged' THEN 1 ELSE 0 END)
                      AS auto_merged
           FROM fix_attempts WHERE repo = ? AND created_at >= ? AND route IS NOT NULL""",
        (repository, since),
    )
    if row is None:
        return 0, 0
    return int(row["auto_merged"] or 0), int(row["routed"] or 0)


def pending_review_ages(db: Database, *, now: float, repository: str | None = None) -> list[float]:
    """Seconds each pending review-queue item has waited (the table may not exist yet)."""
    sql = "SELECT created_at FROM review_queue WHERE state = 'pending'"
    params: tuple[object, ...] = ()
    if repository is not None:
        sql, params = sql + " AND repo = ?", (repository,)
    try:
        rows = db.fetchall(sql, params)
    except Exception:
        return []
    return [now - float(r["created_at"]) for r in rows]


def health_facts(db: Database, *, now: float) -> HealthFacts:
    stale = db.fetchone(
        "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'queued' AND received_at < ?",
        (now - STALE_DELIVERY_SECONDS,),
    )
    failed = db.fetchone(
        "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'failed' AND received_at >= ?",
        (now - DAY,),
    )
    alerts = db.fetchall(
        "SELECT failed_channels FROM alert_log WHERE created_at >= ?", (now - DAY,)
    )
    plans = db.fetchone("SELECT COUNT(*) AS n FROM plan_runs WHERE state = 'running'")
    return HealthFacts(
        stale_deliveries=int(stale["n"]) if stale else 0,
        failed_deliveries_24h=int(failed["n"]) if failed else 0,
        review_pending_ages=tuple(pending_review_ages(db, now=now)),
        failed_alerts_24h=sum(1 for r in alerts if json.loads(r["failed_channels"])),
        plans_running=int(plans["n"]) if plans else 0,
    )


def active_repositories(db: Database) -> list[tuple[int | None, str]]:
    """``(installation, repository)`` the schedule visits: every repository of an active
    installation, and every repository with an unfinished plan run."""
    found: dict[str, int | None] = {}
    for row in db.fetchall(
        """SELECT r.installation_id, r.full_name FROM installation_repositories r
           JOIN installations i ON i.installation_id = r.installation_id
           WHERE i.status = 'active' ORDER BY r.full_name"""
    ):
        found[row["full_name"]] = int(row["installation_id"])
    for row in db.fetchall(
        "SELECT repository, installation_id FROM plan_runs WHERE state = 'running' OR closed = 0"
    ):
        inst = row["installation_id"]
        found.setdefault(row["repository"], None if inst is None else int(inst))
    return sorted(((inst, repo) for repo, inst in found.items()), key=lambda x: x[1])
