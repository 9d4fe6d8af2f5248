"""The review queue table: enqueue low-confidence patches, decide them atomically, age them.

State changes are single ``UPDATE ... WHERE id = ? AND state = ?`` statements whose
row count says who won, so two reviewers (or two machines) never both decide an item.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.core.review import QueueItem, QueueState, format_item_id
from bot.core.scoring import Route, ScoreResult
from bot.errors import AutopilotError, UsageError
from bot.store.db import Database, Row

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS review_queue (
        id {serial_pk}, repo TEXT NOT NULL, pr_number BIGINT, head_sha TEXT NOT NULL,
        diff TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, route TEXT NOT NULL,
        reasons TEXT NOT NULL, signals TEXT NOT NULL, fix_ids TEXT NOT NULL,
        state TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
        decided_at DOUBLE PRECISION, actor TEXT, reason TEXT,
        applied_at DOUBLE PRECISION, commit_sha TEXT)""",
    "CREATE INDEX IF NOT EXISTS review_queue_state ON review_queue (state, created_at)",
)
_SUMMARY_COLUMNS = (
    "id, repo, pr_number, head_sha, score, route, reasons, signals, fix_ids, state, "
    "created_at, decided_at, actor, reason, applied_at, commit_sha"
)


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user state folder: ``$XDG_STATE_HOME/autopilot`` or ~/.local/state/autopilot."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_STATE_HOME") or str(Path(env.get("HOME") or Path.home(), ".local", "state"))
    return Path(base, "autopilot")


def default_queue_url(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's queue store when none is configured: a SQLite file in the state folder
    (created), never in the directory the user happens to stand in."""
    folder = state_dir(environ)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'autopilot.db'}"


class ItemNotFound(UsageError):
    """No review queue item has that id (a usage error: exit 2)."""


class AlreadyDecided(AutopilotError):
    """The item left ``pending`` before this decision (someone else decided first)."""


class ReviewQueue:
    """Review queue operations over one ``Database`` (SQLite or PostgreSQL)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.ensure_schema(SCHEMA)

    def enqueue(
        self,
        result: ScoreResult,
        *,
        diff: str,
        now: datetime,
        repo: str = "",
        pr_number: int | None = None,
        head_sha: str = "",
        fix_ids: Sequence[str] = (),
    ) -> QueueItem:
        """Store a scored patch as ``pending`` and return it with its new id."""
        scored = result.to_dict()
        row = self.db.fetchone(
            """INSERT INTO review_queue (repo, pr_number, head_sha, diff, score, route, reasons,
                   signals, fix_ids, state, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (
                repo,
                pr_number,
                head_sha,
                diff,
                result.score,
                result.route.value,
                json.dumps(scored["reasons"]),
                json.dumps(scored["signals"]),
                json.dumps(list(fix_ids)),
                QueueState.PENDING.value,
                now.timestamp(),
            ),
        )
        assert row is not None  # RETURNING always yields the inserted row
        return self.get(int(row["id"]))

    def get(self, item_id: int) -> QueueItem:
        """The item with its diff; ``ItemNotFound`` if there is none."""
        row = self.db.fetchone(
            f"SELECT {_SUMMARY_COLUMNS}, diff FROM review_queue WHERE id = ?", (item_id,)
        )
        if row is None:
            raise ItemNotFound(f"no review queue item {format_item_id(item_id)}")
        return _item(row)

    def list_items(
        self,
        *,
        states: Collection[QueueState] | None = (QueueState.PENDING,),
        created_before: datetime | None = None,
        limit: int | None = None,
    ) -> list[QueueItem]:
        """Items oldest first, without diffs; ``states=None`` means every state."""
        where: list[str] = ["1 = 1"]
        params: list[object] = []
        if states is not None:
            where.append(f"state IN ({', '.join('?' for _ in states) or 'NULL'})")
            params.extend(s.value for s in states)
        if created_before is not None:
            where.append("created_at <= ?")
            params.append(created_before.timestamp())
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM review_queue WHERE {' AND '.join(where)}"
        sql += " ORDER BY created_at, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_item(row) for row in self.db.fetchall(sql, params)]

    def claim(self, item_id: int, *, actor: str, now: datetime) -> QueueItem:
        """``pending`` → ``approved`` for ``actor``; ``AlreadyDecided`` if someone was first."""
        self._transition(
            item_id,
            QueueState.PENDING,
            QueueState.APPROVED,
            "actor = ?, decided_at = ?, reason = NULL",
            (actor, now.timestamp()),
        )
        return self.get(item_id)

    def reject(self, item_id: int, *, actor: str, reason: str, now: datetime) -> QueueItem:
        """``pending`` → ``rejected``, recording who and why."""
        self._transition(
            item_id,
            QueueState.PENDING,
            QueueState.REJECTED,
            "actor = ?, decided_at = ?, reason = ?",
            (actor, now.timestamp(), reason),
        )
        return self.get(item_id)

    def mark_applied(
        self, item_id: int, *, now: datetime, commit_sha: str | None = None
    ) -> QueueItem:
        """``approved`` → ``applied`` once the patch is in the working tree (and commit)."""
        self._transition(
            item_id,
            QueueState.APPROVED,
            QueueState.APPLIED,
            "applied_at = ?, commit_sha = ?",
            (now.timestamp(), commit_sha),
        )
        return self.get(item_id)

    def release(self, item_id: int, *, note: str) -> QueueItem:
        """``approved`` → ``pending`` when applying failed, keeping the failure as the reason."""
        self._transition(
            item_id,
            QueueState.APPROVED,
            QueueState.PENDING,
            "actor = NULL, decided_at = NULL, reason = ?",
            (note,),
        )
        return self.get(item_id)

    def _transition(
        self,
        item_id: int,
        source: QueueState,
        target: QueueState,
        assignments: str,
        params: Sequence[object],
    ) -> None:
        changed = self.db.execute(
            f"UPDATE review_queue SET state = ?, {assignments} WHERE id = ? AND state = ?",
            (target.value, *params, item_id, source.value),
        )
        if changed == 1:
            return
        item = self.get(item_id)  # raises ItemNotFound for an unknown id
        by = f" by {item.actor}" if item.actor else ""
        raise AlreadyDecided(
            f"{item.label} is {item.state.value}{by}, not {source.value}: "
            f"it cannot become {target.value}"
        )


def _item(row: Row) -> QueueItem:
    return QueueItem(
        id=int(row["id"]),
        repo=row["repo"],
        pr_number=row["pr_number"],
        head_sha=row["head_sha"],
        diff=row.get("diff"),
        score=float(row["score"]),
        route=Route(row["route"]),
        reasons=tuple(json.loads(row["reasons"])),
        signals=json.loads(row["signals"]),
        fix_ids=tuple(json.loads(row["fix_ids"])),
        state=QueueState(row["state"]),
        created_at=datetime.fromtimestamp(row["created_at"], UTC),
        decided_at=_moment(row["decided_at"]),
        actor=row["actor"],
        reason=row["reason"],
        applied_at=_moment(row["applied_at"]),
        commit_sha=row["commit_sha"],
    )


def _moment(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)
