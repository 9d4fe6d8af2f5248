"""Plan runs and their phases: rows whose every change is a compare-and-set on a version.

A phase row changes only through ``save_phases``, which checks the version it read: a second
worker (or a restarted one) that read older state loses and rereads, so no phase is started
twice. A run is advanced by one holder at a time (a named lease, ``bot.store.leases``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

from bot.core.plan.model import PlanMode
from bot.core.plan.state import PhaseRecord, PhaseState, PlanRun, RunState, TaskRecord
from bot.errors import AutopilotError, UsageError
from bot.store.db import Database, Row

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS plan_runs (
        id {serial_pk}, repository TEXT NOT NULL, installation_id BIGINT,
        plan_name TEXT NOT NULL, plan_text TEXT NOT NULL, mode TEXT NOT NULL,
        state TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
        finished_at DOUBLE PRECISION, started_by TEXT, issue_number BIGINT,
        issue_body TEXT, closed INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS plan_runs_state ON plan_runs (state, repository)",
    """CREATE TABLE IF NOT EXISTS plan_phases (
        run_id BIGINT NOT NULL REFERENCES plan_runs (id) ON DELETE CASCADE,
        phase_id TEXT NOT NULL, position INTEGER NOT NULL, state TEXT NOT NULL,
        started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION, detail TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, phase_id))""",
)


class RunNotFound(UsageError):
    """No plan run has that id."""


class StaleState(AutopilotError):
    """A phase changed since it was read (another worker moved it): reread and decide again."""


class PlanStore:
    """Plan runs over one ``Database``; async methods run the SQL in a thread."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        *,
        repository: str,
        installation_id: int | None,
        plan_name: str,
        plan_text: str,
        mode: PlanMode,
        phases: Sequence[PhaseRecord],
        now: float,
        started_by: str | None = None,
    ) -> PlanRun:
        def create() -> int:
            with self.db.transaction():
                row = self.db.fetchone(
                    """INSERT INTO plan_runs (repository, installation_id, plan_name, plan_text,
                           mode, state, created_at, started_by)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    (repository, installation_id, plan_name, plan_text, str(mode),
                     str(RunState.RUNNING), now, started_by),
                )  # fmt: skip
                assert row is not None
                for position, record in enumerate(phases):
                    self.db.execute(
                        """INSERT INTO plan_phases (run_id, phase_id, position, state,
                               started_at, finished_at, detail, version)
                           VALUES (?, ?, ?, ?, ?, ?, ?, 0)""",
                        (row["id"], record.phase_id, position, str(record.state),
                         record.started_at, record.finished_at, json.dumps(record.detail())),
                    )  # fmt: skip
                return int(row["id"])

        return await self.load(await asyncio.to_thread(create))

    async def load(self, run_id: int) -> PlanRun:
        return await asyncio.to_thread(self._load, run_id)

    def _load(self, run_id: int) -> PlanRun:
        row = self.db.fetchone("SELECT * FROM plan_runs WHERE id = ?", (run_id,))
        if row is None:
            raise RunNotFound(f"no plan run {run_id}")
        phases = self.db.fetchall(
            "SELECT * FROM plan_phases WHERE run_id = ? ORDER BY position", (run_id,)
        )
        return _run(row, [_phase(p) for p in phases])

    async def runs(
        self, *, repository: str | None = None, active: bool = False, limit: int = 50
    ) -> list[PlanRun]:
        """Runs, newest first; ``active``: only those still running or whose issue is open."""
        sql = "SELECT id FROM plan_runs WHERE 1 = 1"
        params: list[object] = []
        if repository is not None:
            sql += " AND repository = ?"
            params.append(repository)
        if active:
            sql += " AND (state = ? OR closed = 0)"
            params.append(str(RunState.RUNNING))
        rows = await asyncio.to_thread(
            self.db.fetchall, sql + " ORDER BY id DESC LIMIT ?", (*params, limit)
        )
        return [await self.load(int(r["id"])) for r in rows]

    async def by_issue(self, repository: str, number: int) -> PlanRun | None:
        row = await asyncio.to_thread(
            self.db.fetchone,
            "SELECT id FROM plan_runs WHERE repository = ? AND issue_number = ?",
            (repository, number),
        )
        return None if row is None else await self.load(int(row["id"]))

    async def save_phases(
        self, run_id: int, before: Sequence[PhaseRecord], after: Sequence[PhaseRecord]
    ) -> None:
        """Write the phases that changed, each only if its version is still the one read;
        all or nothing (``StaleState`` when another writer got there first)."""
        old = {r.phase_id: r for r in before}
        changed = [r for r in after if r != old.get(r.phase_id)]
        if changed:
            await asyncio.to_thread(self._save, run_id, changed)

    def _save(self, run_id: int, changed: Sequence[PhaseRecord]) -> None:
        with self.db.transaction():
            for record in changed:
                count = self.db.execute(
                    """UPDATE plan_phases SET state = ?, started_at = ?, finished_at = ?,
                           detail = ?, version = version + 1
                       WHERE run_id = ? AND phase_id = ? AND version = ?""",
                    (str(record.state), record.started_at, record.finished_at,
                     json.dumps(record.detail()), run_id, record.phase_id, record.version),
                )  # fmt: skip
                if count != 1:
                    raise StaleState(f"phase {record.phase_id} of run {run_id} changed meanwhile")

    async def update_run(self, run_id: int, **values: object) -> None:
        """Set run columns (``state``, ``finished_at``, ``issue_number``, ``issue_body``,
        ``closed``)."""
        allowed = {"state", "finished_at", "issue_number", "issue_body", "closed"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
        columns = ", ".join(f"{name} = ?" for name in values)
        params = [str(v) if isinstance(v, RunState) else v for v in values.values()]
        await asyncio.to_thread(
            self.db.execute, f"UPDATE plan_runs SET {columns} WHERE id = ?", (*params, run_id)
        )

    async def issue_body(self, run_id: int) -> str | None:
        row = await asyncio.to_thread(
            self.db.fetchone, "SELECT issue_body FROM plan_runs WHERE id = ?", (run_id,)
        )
        return None if row is None else row["issue_body"]


def _phase(row: Row) -> PhaseRecord:
    detail = json.loads(row["detail"])
    return PhaseRecord(
        phase_id=row["phase_id"],
        state=PhaseState(row["state"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        approved_by=detail.get("approved_by"),
        criteria_met=detail.get("criteria_met"),
        criteria_total=int(detail.get("criteria_total") or 0),
        tasks=tuple(TaskRecord.from_dict(t) for t in detail.get("tasks") or ()),
        note=detail.get("note"),
        version=int(row["version"]),
    )


def _run(row: Row, phases: list[PhaseRecord]) -> PlanRun:
    return PlanRun(
        id=int(row["id"]),
        repository=row["repository"],
        installation_id=None if row["installation_id"] is None else int(row["installation_id"]),
        plan_name=row["plan_name"],
        plan_text=row["plan_text"],
        mode=PlanMode(row["mode"]),
        state=RunState(row["state"]),
        created_at=float(row["created_at"]),
        finished_at=row["finished_at"],
        started_by=row["started_by"],
        issue_number=None if row["issue_number"] is None else int(row["issue_number"]),
        closed=bool(row["closed"]),
        phases=tuple(phases),
    )
