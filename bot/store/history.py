"""Triage history: each triaged workflow run and its failure fingerprints, for trends and flakes.

Recording is idempotent per ``(repository, run_id, attempt)``: a redelivered event replaces
the run's rows instead of counting it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class RunKey:
    """Which run of which workflow: the identity of one triage."""

    repository: str
    workflow: str
    run_id: int
    attempt: int
    head_sha: str


@dataclass(frozen=True)
class FailureRow:
    fingerprint: str
    category: str
    file: str | None
    line: int | None
    test: str | None


@dataclass(frozen=True)
class PastRun:
    """An earlier triage of the repository: its commit and the fingerprints that failed."""

    run_id: int
    attempt: int
    head_sha: str
    workflow: str
    fingerprints: frozenset[str]


class TriageHistory:
    """Triaged runs and failures over one ``Database`` (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema(SCHEMA)

    def record(
        self, key: RunKey, conclusion: str, failures: Sequence[FailureRow], *, now: float
    ) -> None:
        """Store one run's triage (``conclusion`` ``success`` for a run that passed)."""
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

    def has_failed(self, repository: str, workflow: str, head_sha: str | None = None) -> bool:
        """Whether a failed run of ``workflow`` was triaged (on ``head_sha``, when given)."""
        sql = """SELECT 1 AS found FROM triage_runs WHERE repository = ? AND workflow = ?
                 AND conclusion <> 'success'"""
        params: list[str] = [repository, workflow]
        if head_sha is not None:
            sql += " AND head_sha = ?"
            params.append(head_sha)
        return self.db.fetchone(sql + " LIMIT 1", params) is not None

    def past_runs(self, key: RunKey, *, limit: int = 500) -> list[PastRun]:
        """The repository's other triaged runs, newest first (at most ``limit``)."""
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
                int(r["run_id"]),
                int(r["attempt"]),
                str(r["head_sha"]),
                str(r["workflow"]),
                frozenset(found[int(r["id"])]),
            )
            for r in runs
        ]
