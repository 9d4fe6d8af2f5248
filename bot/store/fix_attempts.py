"""Fix attempts: one row per failure target and failed head, its state moved by the core's machine.

A row is unique per ``(repo, branch, failed_sha)``: a redelivery or a rerun of the same
failure finds the attempt it already started. A state change is one ``UPDATE … WHERE state
= ?`` whose row count says whether this worker made it (another worker may have been first).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from bot.core.fix_attempt import MOVING, AttemptState, FixAttempt, Transition
from bot.store.db import Database, Row

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS fix_attempts (
        id {serial_pk}, repo TEXT NOT NULL, branch TEXT NOT NULL, failed_sha TEXT NOT NULL,
        run_id BIGINT NOT NULL, workflow TEXT NOT NULL, run_url TEXT NOT NULL, state TEXT NOT NULL,
        delivery TEXT, pull_number BIGINT, pull_author TEXT, fix_ids TEXT NOT NULL,
        files TEXT NOT NULL, patch TEXT NOT NULL, fix_sha TEXT, bot_branch TEXT,
        fix_pull BIGINT, lint DOUBLE PRECISION, score DOUBLE PRECISION, route TEXT,
        reason TEXT, detail TEXT, queue_id BIGINT,
        created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
        UNIQUE (repo, branch, failed_sha))""",
    "CREATE INDEX IF NOT EXISTS fix_attempts_fix_sha ON fix_attempts (repo, fix_sha)",
)
_JSON_FIELDS = ("fix_ids", "files")
_FIELDS = (
    "delivery", "pull_number", "pull_author", "fix_ids", "files", "patch", "fix_sha",
    "bot_branch", "fix_pull", "lint", "score", "route", "reason", "detail", "queue_id",
)  # fmt: skip


class FixAttempts:
    """The fix attempts table over one ``Database`` (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def begin(
        self,
        *,
        repo: str,
        branch: str,
        failed_sha: str,
        run_id: int,
        workflow: str,
        run_url: str = "",
        now: float,
    ) -> FixAttempt:
        """The attempt for this failure target and head: created ``planned``, or the one there."""
        run = (run_id, workflow, run_url)
        return await asyncio.to_thread(self._begin, repo, branch, failed_sha, run, now)

    async def find(self, repo: str, branch: str, failed_sha: str) -> FixAttempt | None:
        return await asyncio.to_thread(
            self._one, "repo = ? AND branch = ? AND failed_sha = ?", (repo, branch, failed_sha)
        )

    async def by_fix_sha(self, repo: str, fix_sha: str) -> FixAttempt | None:
        """The attempt whose fix commit is ``fix_sha`` (CI on it is the attempt's validation)."""
        return await asyncio.to_thread(self._one, "repo = ? AND fix_sha = ?", (repo, fix_sha))

    async def by_queue_id(self, queue_id: int) -> FixAttempt | None:
        return await asyncio.to_thread(self._one, "queue_id = ?", (queue_id,))

    async def get(self, attempt_id: int) -> FixAttempt | None:
        return await asyncio.to_thread(self._one, "id = ?", (attempt_id,))

    async def supersede(self, attempt: FixAttempt, *, now: float) -> int:
        """Abandon the branch's older attempts still on their way (a newer failed head got
        ``attempt``), so an old fix's CI never routes it; how many were abandoned."""
        moving = [s.value for s in MOVING]
        return await asyncio.to_thread(
            self.db.execute,
            f"""UPDATE fix_attempts SET state = ?, reason = 'superseded', updated_at = ?,
                   detail = ?
               WHERE repo = ? AND branch = ? AND id <> ?
                   AND state IN ({", ".join("?" for _ in moving)})""",
            (
                AttemptState.ABANDONED.value,
                now,
                f"a newer failed head ({attempt.failed_sha[:7]}) has its own fix",
                attempt.repo,
                attempt.branch,
                attempt.id,
                *moving,
            ),
        )

    async def record(self, attempt: FixAttempt, *, now: float, **fields: Any) -> FixAttempt:
        """Store ``fields`` without a state change."""
        updated = await asyncio.to_thread(self._update, attempt, None, now, fields)
        return attempt if updated is None else updated

    async def move(
        self, attempt: FixAttempt, transition: Transition, *, now: float, **fields: Any
    ) -> FixAttempt | None:
        """Apply ``transition`` (and ``fields``) if the attempt is still in its source state;
        None when another worker moved it first."""
        return await asyncio.to_thread(self._update, attempt, transition, now, fields)

    def _begin(
        self, repo: str, branch: str, failed_sha: str, run: tuple[int, str, str], now: float
    ) -> FixAttempt:
        self.db.execute(
            """INSERT INTO fix_attempts (repo, branch, failed_sha, run_id, workflow, run_url,
                   state, fix_ids, files, patch, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '[]', '', ?, ?)
               ON CONFLICT (repo, branch, failed_sha) DO NOTHING""",
            (repo, branch, failed_sha, *run, AttemptState.PLANNED.value, now, now),
        )
        found = self._one("repo = ? AND branch = ? AND failed_sha = ?", (repo, branch, failed_sha))
        assert found is not None  # inserted, or there already
        return found

    def _one(self, where: str, params: tuple[Any, ...]) -> FixAttempt | None:
        row = self.db.fetchone(
            f"SELECT * FROM fix_attempts WHERE {where} ORDER BY id DESC LIMIT 1", params
        )
        return None if row is None else _attempt(row)

    def _update(
        self,
        attempt: FixAttempt,
        transition: Transition | None,
        now: float,
        fields: Mapping[str, Any],
    ) -> FixAttempt | None:
        unknown = set(fields) - set(_FIELDS)
        if unknown:
            raise ValueError(f"unknown fix attempt fields: {sorted(unknown)}")
        values = {k: json.dumps(list(v)) if k in _JSON_FIELDS else v for k, v in fields.items()}
        sets = ["updated_at = ?", *(f"{k} = ?" for k in values)]
        params: list[Any] = [now, *values.values()]
        where = "id = ?"
        wheres: list[Any] = [attempt.id]
        if transition is not None:
            sets.append("state = ?")
            params.append(transition.target.value)
            where += " AND state = ?"
            wheres.append(transition.source.value)
        changed = self.db.execute(
            f"UPDATE fix_attempts SET {', '.join(sets)} WHERE {where}", (*params, *wheres)
        )
        if changed != 1:
            return None
        return self._one("id = ?", (attempt.id,))


def _attempt(row: Row) -> FixAttempt:
    return FixAttempt(
        id=int(row["id"]),
        repo=row["repo"],
        branch=row["branch"],
        failed_sha=row["failed_sha"],
        run_id=int(row["run_id"]),
        workflow=row["workflow"],
        run_url=row["run_url"],
        state=AttemptState(row["state"]),
        delivery=row["delivery"],
        pull_number=row["pull_number"],
        pull_author=row["pull_author"],
        fix_ids=tuple(json.loads(row["fix_ids"])),
        files=tuple(json.loads(row["files"])),
        patch=row["patch"],
        fix_sha=row["fix_sha"],
        bot_branch=row["bot_branch"],
        fix_pull=row["fix_pull"],
        lint=row["lint"],
        score=row["score"],
        route=row["route"],
        reason=row["reason"],
        detail=row["detail"],
        queue_id=row["queue_id"],
    )
