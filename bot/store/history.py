"""Triage history: each triaged workflow run and its failure fingerprints, for trends and flakes.

Recording is idempotent per ``(repository, run_id, attempt)``: a redelivered event replaces
the run's rows instead of counting it twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.core.history import FailureRow, PastRun, RunKey
from bot.store.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS triage_runs (
        id {serial_pk}, repository TEXT NOT NULL, workflow TEXT NOT NULL,
        run_id BIGINT NOT NULL, attempt INTEGER NOT NULL, head_sha TEXT NOT NULL,
        conclusion TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
        UNIQUE (repository, run_id, attempt))""",
    "CREATE INDEX IF NOT EXISTS triage_runs_sha ON triage_runs (repository, head_sha)",
    """CREATE TABLE IF NOT EXISTS triage_failures (
        triage_id BIGINT NOT NULL REFERENCES triage_runs (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL, category TEXT NOT NULL, file TEXT, line INTEGER,
        test TEXT, PRIMARY KEY (triage_id, fingerprint))""",
    "CREATE INDEX IF NOT EXISTS triage_failures_fp ON triage_failures (fingerprint)",
)


class TriageHistory:
    """Triaged runs and failures over one ``Database`` (SQLite or PostgreSQL).

    The schema is created once when the stores open (``bot.store.open_stores``); the
    coroutines run the synchronous SQL in a thread so the event loop keeps serving.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self, key: RunKey, conclusion: str, failures: Sequence[FailureRow], *, now: float
    ) -> None:
        """Store one run's triage (``conclusion`` ``success`` for a run that passed)."""
        await asyncio.to_thread(self._record, key, conclusion, failures, now=now)

    async def has_failed(self, repository: str, workflow: str, head_sha: str | None = None) -> bool:
        """Whether a failed run of ``workflow`` was triaged (on ``head_sha``, when given)."""
        return await asyncio.to_thread(self._has_failed, repository, workflow, head_sha)

    async def past_runs(self, key: RunKey, *, limit: int = 500) -> list[PastRun]:
        """The repository's other triaged runs, newest first (at most ``limit``)."""
        return await asyncio.to_thread(self._past_runs, key, limit=limit)

    def _record(
        self, key: RunKey, conclusion: str, failures: Sequence[FailureRow], *, now: float
    ) -> None:
        with self.db.transaction():
            row = self.db.fetchone(
                """INSERT INTO triage_runs
                       (repository, workflow, run_id, attempt, head_sha, conclusion, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (repository, run_id, attempt)
                   DO UPDATE SET conclusion = excluded.conclusion RETURNING id""",
                (
                    key.repository,
                    key.workflow,
                    key.run_id,
                    key.attempt,
                    key.head_sha,
                    conclusion,
                    now,
                ),
            )
            assert row is not None  # RETURNING always yields the row
            self.db.execute("DELETE FROM triage_failures WHERE triage_id = ?", (row["id"],))
            for f in {f.fingerprint: f for f in failures}.values():
                self.db.execute(
                    """INSERT INTO triage_failures
                           (triage_id, fingerprint, category, file, line, test)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    (row["id"], f.fingerprint, f.category, f.file, f.line, f.test),
                )

    def _has_failed(self, repository: str, workflow: str, head_sha: str | None = None) -> bool:
        sql = """SELECT 1 AS found FROM triage_runs WHERE repository = ? AND workflow = ?
                 AND conclusion <> 'success'"""
        params: list[str] = [repository, workflow]
        if head_sha is not None:
            sql += " AND head_sha = ?"
            params.append(head_sha)
        return self.db.fetchone(sql + " LIMIT 1", params) is not None

    def _past_runs(self, key: RunKey, *, limit: int = 500) -> list[PastRun]:
        runs = self.db.fetchall(
            """SELECT id, run_id, attempt, head_sha, workflow FROM triage_runs
               WHERE repository = ? AND NOT (run_id = ? AND attempt = ?)
               ORDER BY created_at DESC, id DESC LIMIT ?""",
            (key.repository, key.run_id, key.attempt, limit),
        )
        if not runs:
            return []
        oldest = min(int(r["id"]) for r in runs)
        found: dict[int, set[str]] = {int(r["id"]): set() for r in runs}
        for row in self.db.fetchall(
            """SELECT f.triage_id, f.fingerprint FROM triage_failures f
               JOIN triage_runs r ON r.id = f.triage_id
               WHERE r.repository = ? AND f.triage_id >= ?""",
            (key.repository, oldest),
        ):
            found.get(int(row["triage_id"]), set()).add(str(row["fingerprint"]))
        return [
            PastRun(
                run_id=int(r["run_id"]),
                attempt=int(r["attempt"]),
                head_sha=str(r["head_sha"]),
                workflow=str(r["workflow"]),
                fingerprints=frozenset(found[int(r["id"])]),
            )
            for r in runs
        ]
