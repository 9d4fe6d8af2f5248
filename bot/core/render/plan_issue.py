"""The plan run's tracking issue (checklist and status table) and its final report."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from bot.core.plan.engine import spoken
from bot.core.plan.model import Plan, PlanMode
from bot.core.plan.state import PhaseRecord, PhaseState, PlanRun, RunState
from bot.core.render.markdown import code, text

_ICONS = {
    PhaseState.PENDING: "⏳",
    PhaseState.RUNNING: "🔄",
    PhaseState.SUCCEEDED: "✅",
    PhaseState.FAILED: "❌",
    PhaseState.WAITING: "✋",
    PhaseState.SKIPPED: "⏭️",
}
_BOX = re.compile(r"^\s*[-*] \[([ xX])\] <!-- autopilot:phase:([A-Za-z0-9_.-]+) -->", re.M)
COMMANDS = (
    "Commands in a comment here: `/autopilot plan status`, `/autopilot plan approve PHASE`, "
    "`/autopilot plan retry PHASE`."
)


def marker(run_id: int) -> str:
    return f"<!-- autopilot:plan-run:{run_id} -->"


def report_marker(run_id: int) -> str:
    return f"<!-- autopilot:plan-report:{run_id} -->"


def title(plan: Plan, run: PlanRun) -> str:
    return f"Autopilot plan: {plan.name} (run {run.id})"


def when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts)) if ts is not None else ""


def duration(seconds: float) -> str:
    whole = round(max(0.0, seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m {secs}s" if minutes else f"{secs}s"


def _took(record: PhaseRecord) -> str:
    if record.started_at is None or record.finished_at is None:
        return ""
    return duration(record.finished_at - record.started_at)


def _criteria(record: PhaseRecord) -> str:
    if record.criteria_total == 0:
        return "none"
    met = "-" if record.criteria_met is None else str(record.criteria_met)
    return f"{met}/{record.criteria_total}"


def _runs(record: PhaseRecord) -> str:
    return " ".join(
        f"[run {t.run_id}]({t.run_url})" for t in record.tasks if t.run_url and t.run_id
    )


def _checklist_line(plan: Plan, record: PhaseRecord) -> str:
    phase = plan.phase(record.phase_id)
    # Ticked: done, or approved and under way (a person's tick stays ticked).
    approved = record.approved_by is not None and record.state is PhaseState.RUNNING
    box = "x" if record.state is PhaseState.SUCCEEDED or approved else " "
    state = spoken(record.state)
    if record.state is PhaseState.WAITING:
        state = "**waiting for approval: tick to start**"
    elif record.state is PhaseState.FAILED:
        state = "**failed: tick to retry**"
    elif record.state is PhaseState.PENDING and phase.depends_on:
        state += " (after " + ", ".join(code(d) for d in phase.depends_on) + ")"
    if record.approved_by and record.state is not PhaseState.WAITING:
        state += f", approved by {text('@' + record.approved_by)}"
    return (
        f"- [{box}] <!-- autopilot:phase:{phase.id} --> {code(phase.id)} "
        f"{text(phase.name)}: {state}"
    )


def summary(records: Sequence[PhaseRecord]) -> str:
    counts = {s: sum(1 for r in records if r.state is s) for s in PhaseState}
    parts = [f"{n} {spoken(s)}" for s, n in counts.items() if n]
    return ", ".join(parts)


def render_issue(plan: Plan, run: PlanRun) -> str:
    """The tracking issue's body; a function of the stored state alone (no clock), so an
    unchanged state renders the same body and needs no edit."""
    head = f"Run {run.id} of {code(run.repository)}, mode `{run.mode}`"
    if run.started_by:
        head += f", started by {text('@' + run.started_by)}"
    lines = [
        marker(run.id),
        f"## {text(plan.name)}",
        "",
        f"{head}. **{run.state.value}**: {summary(run.phases)}.",
        "",
        "### Phases",
        "",
    ]
    if run.state is RunState.RUNNING:
        lines += [
            "Tick a box to approve a phase that waits for approval, or to retry a failed "
            "one (people with write access).",
            "",
        ]
    lines += [_checklist_line(plan, r) for r in run.phases]
    lines += [
        "",
        "### Status",
        "",
        "| phase | state | started | duration | criteria met | runs |",
        "|---|---|---|---|---|---|",
    ]
    for record in run.phases:
        lines.append(
            f"| {code(record.phase_id)} | {_ICONS[record.state]} {spoken(record.state)} "
            f"| {when(record.started_at)} | {_took(record)} | {_criteria(record)} "
            f"| {_runs(record)} |"
        )
    notes = [(r.phase_id, r.note) for r in run.phases if r.note]
    if notes:
        lines += ["", "### Notes", ""]
        lines += [f"- {code(pid)}: {text(note)}" for pid, note in notes]
    if run.state is RunState.RUNNING:
        lines += ["", f"<sub>{COMMANDS}</sub>"]
    return "\n".join(lines) + "\n"


def render_report(plan: Plan, run: PlanRun) -> str:
    """The final report, posted as a comment when the run ends."""
    end = run.finished_at or max((r.finished_at or 0.0 for r in run.phases), default=0.0)
    lines = [
        report_marker(run.id),
        f"## Plan report: {text(plan.name)}, {run.state.value}",
        "",
        f"Run {run.id}: {summary(run.phases)}. Started {when(run.created_at)}, finished "
        f"{when(end)}, took {duration(end - run.created_at)}.",
        "",
        "| phase | result | duration | criteria met | attempts | note |",
        "|---|---|---|---|---|---|",
    ]
    for r in run.phases:
        attempts = sum(t.attempt for t in r.tasks)
        lines.append(
            f"| {code(r.phase_id)} | {_ICONS[r.state]} {spoken(r.state)} | {_took(r)} "
            f"| {_criteria(r)} | {attempts} | {text(r.note or '')} |"
        )
    return "\n".join(lines) + "\n"


def render_dry_run(plan: Plan, mode: PlanMode, order: Sequence[tuple[str, bool]]) -> str:
    """What a run would do, without doing it."""
    lines = [
        f"## Dry run: {text(plan.name)}",
        "",
        f"Mode `{mode}`. Phases in the order they would start:",
        "",
    ]
    for step, (phase_id, approval) in enumerate(order, 1):
        phase = plan.phase(phase_id)
        after = f" after {', '.join(code(d) for d in phase.depends_on)}" if phase.depends_on else ""
        wait = ", waits for approval" if approval else ""
        lines.append(f"{step}. {code(phase_id)} {text(phase.name)}{after}{wait}")
        for task in phase.tasks:
            retries = f", {task.retries} retries" if task.retries else ""
            lines.append(f"   - runs {task.describe()} (timeout {duration(task.timeout)}{retries})")
        for criterion in phase.success:
            lines.append(f"   - succeeds if {criterion.describe()}")
    return "\n".join(lines) + "\n"


def checkboxes(body: str) -> dict[str, bool]:
    """Each phase's checkbox in an issue body: ticked or not."""
    return {m.group(2): m.group(1) != " " for m in _BOX.finditer(body or "")}


def newly_ticked(before: str, after: str) -> list[str]:
    """The phases whose box went from empty to ticked between two bodies, in body order."""
    old = checkboxes(before)
    return [pid for pid, ticked in checkboxes(after).items() if ticked and old.get(pid) is False]


def render_status(plan: Plan, run: PlanRun) -> str:
    """``/autopilot plan status``: the run's state and its status table, briefly."""
    where = f" (tracking issue #{run.issue_number})" if run.issue_number else ""
    lines = [
        f"**{text(plan.name)}**, run {run.id}{where}: **{run.state.value}**, "
        f"{summary(run.phases)}.",
        "",
        "| phase | state | criteria met | note |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {code(r.phase_id)} | {_ICONS[r.state]} {spoken(r.state)} | {_criteria(r)} "
        f"| {text(r.note or '')} |"
        for r in run.phases
    ]
    return "\n".join(lines) + "\n"
