"""Pure transitions of a plan run: which phases start, wait, skip; task results; approvals."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.plan.graph import descendants, levels
from bot.core.plan.model import Approval, Plan, PlanMode
from bot.core.plan.state import PhaseRecord, PhaseState, RunState, TaskRecord, TaskStatus
from bot.errors import UsageError


class TransitionError(UsageError):
    """The asked transition does not apply to the phase's state (approve a running phase)."""


@dataclass(frozen=True)
class PlanEvent:
    """An internal event for trigger rules: ``phase.build.failed`` with its fields."""

    name: str
    fields: tuple[tuple[str, str], ...] = ()


def spoken(state: PhaseState) -> str:
    """``waiting_for_approval`` → ``waiting for approval``."""
    return state.value.replace("_", " ")


def initial_records(plan: Plan) -> tuple[PhaseRecord, ...]:
    return tuple(
        PhaseRecord(
            phase_id=p.id, criteria_total=len(p.success), tasks=(TaskRecord(),) * len(p.tasks)
        )
        for p in plan.phases
    )


def needs_approval(plan: Plan, mode: PlanMode, phase_id: str) -> bool:
    return mode is PlanMode.MANUAL or plan.phase(phase_id).approval is Approval.MANUAL


def settle(
    plan: Plan, mode: PlanMode, records: Sequence[PhaseRecord], now: float
) -> tuple[tuple[PhaseRecord, ...], list[PlanEvent]]:
    """Start, hold or skip every pending phase whose dependencies are decided, until nothing
    changes: a dependency that failed or was skipped skips its dependents; all succeeded
    starts the phase, or makes it wait for approval."""
    by_id = {r.phase_id: r for r in records}
    events: list[PlanEvent] = []
    changed = True
    while changed:
        changed = False
        for phase in plan.phases:
            record = by_id[phase.id]
            if record.state is not PhaseState.PENDING:
                continue
            deps = [by_id[d].state for d in phase.depends_on]
            if any(s in (PhaseState.FAILED, PhaseState.SKIPPED) for s in deps):
                blocker = next(
                    d
                    for d in phase.depends_on
                    if by_id[d].state in (PhaseState.FAILED, PhaseState.SKIPPED)
                )
                new = dataclasses.replace(
                    record,
                    state=PhaseState.SKIPPED,
                    finished_at=now,
                    note=f"`{blocker}` did not succeed",
                )
            elif all(s is PhaseState.SUCCEEDED for s in deps):
                if needs_approval(plan, mode, phase.id) and record.approved_by is None:
                    new = dataclasses.replace(record, state=PhaseState.WAITING)
                else:
                    new = start(record, now)
            else:
                continue
            by_id[phase.id] = new
            events.append(phase_event(new))
            changed = True
    return tuple(by_id[p.id] for p in plan.phases), events


def start(record: PhaseRecord, now: float) -> PhaseRecord:
    return dataclasses.replace(record, state=PhaseState.RUNNING, started_at=now, finished_at=None)


def phase_event(record: PhaseRecord) -> PlanEvent:
    word = {PhaseState.RUNNING: "started", PhaseState.WAITING: "waiting"}.get(
        record.state, str(record.state)
    )
    return PlanEvent(
        f"phase.{record.phase_id}.{word}",
        (("phase", record.phase_id), ("state", str(record.state))),
    )


def approve(plan: Plan, record: PhaseRecord, *, by: str, now: float) -> PhaseRecord:
    """Approve a waiting phase: it starts now."""
    if record.state is not PhaseState.WAITING:
        raise TransitionError(
            f"phase `{record.phase_id}` is {spoken(record.state)}, not waiting for approval"
        )
    return start(dataclasses.replace(record, approved_by=by), now)


def retry(plan: Plan, records: Sequence[PhaseRecord], phase_id: str) -> tuple[PhaseRecord, ...]:
    """Reset a failed phase (and the phases skipped because of it) to pending."""
    target = next((r for r in records if r.phase_id == phase_id), None)
    if target is None:
        raise TransitionError(f"no phase `{phase_id}` in this plan")
    if target.state is not PhaseState.FAILED:
        raise TransitionError(
            f"phase `{phase_id}` is {spoken(target.state)}: only a failed phase can be retried"
        )
    deps = {p.id: p.depends_on for p in plan.phases}
    reset = {phase_id} | {d for d in descendants(deps, phase_id)}
    out = []
    for record in records:
        if record.phase_id == phase_id or (
            record.phase_id in reset and record.state is PhaseState.SKIPPED
        ):
            phase = plan.phase(record.phase_id)
            record = PhaseRecord(
                phase_id=record.phase_id,
                criteria_total=len(phase.success),
                tasks=(TaskRecord(),) * len(phase.tasks),
                approved_by=record.approved_by if record.phase_id == phase_id else None,
                version=record.version,
            )
        out.append(record)
    return tuple(out)


def current_task(record: PhaseRecord) -> int | None:
    """The index of the first task not yet succeeded (None: every task succeeded)."""
    for index, task in enumerate(record.tasks):
        if task.status is not TaskStatus.SUCCEEDED:
            return index
    return None


def task_failed(
    plan: Plan, record: PhaseRecord, index: int, *, note: str, now: float
) -> PhaseRecord:
    """A task attempt failed: try again after the backoff, or fail the phase."""
    task = plan.phase(record.phase_id).tasks[index]
    current = record.tasks[index]
    if current.attempt <= task.retries:
        again = dataclasses.replace(
            current,
            status=TaskStatus.PENDING,
            not_before=now + task.delay(current.attempt),
            run_id=None,
            note=f"attempt {current.attempt} failed: {note}",
        )
        return with_task(record, index, again)
    failed = dataclasses.replace(current, status=TaskStatus.FAILED, note=note)
    record = with_task(record, index, failed)
    return dataclasses.replace(
        record, state=PhaseState.FAILED, finished_at=now, note=f"{task.describe()} failed: {note}"
    )


def with_task(record: PhaseRecord, index: int, task: TaskRecord) -> PhaseRecord:
    tasks = list(record.tasks)
    tasks[index] = task
    return dataclasses.replace(record, tasks=tuple(tasks))


def criteria_checked(
    record: PhaseRecord, results: Sequence[tuple[str, bool | None]], now: float
) -> PhaseRecord:
    """Every criterion checked: ``(description, passed)``; unmeasurable (None) is not met."""
    met = sum(1 for _, ok in results if ok is True)
    failed = [d for d, ok in results if ok is not True]
    if failed:
        return dataclasses.replace(
            record,
            state=PhaseState.FAILED,
            finished_at=now,
            criteria_met=met,
            note="criteria not met: " + "; ".join(failed),
        )
    return dataclasses.replace(
        record, state=PhaseState.SUCCEEDED, finished_at=now, criteria_met=met, note=None
    )


def outcome(records: Sequence[PhaseRecord]) -> RunState:
    """The run is over when every phase is decided; it succeeded if every phase did."""
    if not all(r.state.terminal for r in records):
        return RunState.RUNNING
    if all(r.state is PhaseState.SUCCEEDED for r in records):
        return RunState.SUCCEEDED
    return RunState.FAILED


def would_run(plan: Plan, mode: PlanMode) -> list[tuple[str, bool]]:
    """Dry run: the phases in the order they would start, and whether each would wait for
    approval first."""
    deps: Mapping[str, Sequence[str]] = {p.id: p.depends_on for p in plan.phases}
    return [
        (phase_id, needs_approval(plan, mode, phase_id))
        for level in levels(deps)
        for phase_id in level
    ]
