"""A plan run's stored state: the run, each phase's record and each task attempt's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.plan.model import PlanMode


class PhaseState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    WAITING = "waiting_for_approval"
    SKIPPED = "skipped"

    @property
    def terminal(self) -> bool:
        return self in (PhaseState.SUCCEEDED, PhaseState.FAILED, PhaseState.SKIPPED)


class RunState(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TaskStatus(StrEnum):
    PENDING = "pending"  # not started, or waiting for its backoff (``not_before``)
    DISPATCHING = "dispatching"  # recorded, about to be sent: look for its run before resending
    DISPATCHED = "dispatched"  # GitHub accepted the dispatch; its run is expected or known
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class TaskRecord:
    status: TaskStatus = TaskStatus.PENDING
    attempt: int = 0
    started_at: float | None = None
    not_before: float | None = None
    run_id: int | None = None
    run_url: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "attempt": self.attempt,
            "started_at": self.started_at,
            "not_before": self.not_before,
            "run_id": self.run_id,
            "run_url": self.run_url,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskRecord:
        return cls(**{**data, "status": TaskStatus(data["status"])})


@dataclass(frozen=True, kw_only=True)
class PhaseRecord:
    phase_id: str
    state: PhaseState = PhaseState.PENDING
    started_at: float | None = None
    finished_at: float | None = None
    approved_by: str | None = None
    criteria_met: int | None = None  # None: not checked yet
    criteria_total: int = 0
    tasks: tuple[TaskRecord, ...] = ()
    note: str | None = None
    version: int = 0

    def detail(self) -> dict[str, Any]:
        """The JSON column: what the row's own columns do not hold."""
        return {
            "approved_by": self.approved_by,
            "criteria_met": self.criteria_met,
            "criteria_total": self.criteria_total,
            "tasks": [t.to_dict() for t in self.tasks],
            "note": self.note,
        }

    @property
    def links(self) -> tuple[str, ...]:
        return tuple(t.run_url for t in self.tasks if t.run_url)


@dataclass(frozen=True, kw_only=True)
class PlanRun:
    id: int
    repository: str
    plan_name: str
    plan_text: str
    mode: PlanMode
    state: RunState
    created_at: float
    started_by: str | None = None
    installation_id: int | None = None
    issue_number: int | None = None
    finished_at: float | None = None
    closed: bool = False
    phases: tuple[PhaseRecord, ...] = field(default=())

    def record(self, phase_id: str) -> PhaseRecord:
        for record in self.phases:
            if record.phase_id == phase_id:
                return record
        raise KeyError(phase_id)
