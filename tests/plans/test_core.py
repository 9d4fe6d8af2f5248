"""The pure core of plans: graph, transitions, triggers, checkboxes, commands."""

from __future__ import annotations

import pytest

from bot.config.plan import parse_plan
from bot.core.plan import engine
from bot.core.plan.commands import (
    PlanCommand,
    PlanVerb,
    parse_plan_args,
)
from bot.core.plan.engine import PlanEvent
from bot.core.plan.graph import descendants, find_cycle, levels
from bot.core.plan.model import PlanMode, Trigger
from bot.core.plan.state import PhaseState
from bot.core.plan.triggers import matches
from bot.core.render.plan_issue import checkboxes, duration, newly_ticked
from bot.errors import UsageError
from tests.plans.conftest import PLAN

DEPS = {"build": [], "test": ["build"], "docs": ["build"], "deploy": ["test", "docs"]}


def test_graph() -> None:
    assert levels(DEPS) == [["build"], ["test", "docs"], ["deploy"]]
    assert descendants(DEPS, "build") == {"test", "docs", "deploy"}
    assert find_cycle(DEPS) is None


def test_settle_starts_ready_phases_and_holds_manual_ones() -> None:
    plan = parse_plan(PLAN)
    records, events = engine.settle(plan, PlanMode.MANUAL, engine.initial_records(plan), 10.0)
    assert [r.state for r in records] == [PhaseState.WAITING] + [PhaseState.PENDING] * 3
    assert [e.name for e in events] == ["phase.build.waiting"]
    started = engine.approve(plan, records[0], by="alice", now=20.0)
    assert (started.state, started.started_at, started.approved_by) == (
        PhaseState.RUNNING,
        20.0,
        "alice",
    )
    with pytest.raises(engine.TransitionError, match="running, not waiting for approval"):
        engine.approve(plan, started, by="alice", now=30.0)


def test_criteria_unmeasured_is_not_met() -> None:
    plan = parse_plan(PLAN)
    record = engine.start(engine.initial_records(plan)[0], 0.0)
    checked = engine.criteria_checked(record, [("a", True), ("b", None)], 5.0)
    assert (checked.state, checked.criteria_met, checked.note) == (
        PhaseState.FAILED,
        1,
        "criteria not met: b",
    )


def test_triggers_glob_over_names_and_fields() -> None:
    rule = Trigger(on="phase.*.failed", when=(("phase", "dep*"),))
    assert matches(rule, PlanEvent("phase.deploy.failed", (("phase", "deploy"),)))
    assert not matches(rule, PlanEvent("phase.build.failed", (("phase", "build"),)))
    assert not matches(rule, PlanEvent("phase.deploy.succeeded", (("phase", "deploy"),)))
    assert matches(Trigger(on="ci.failed"), PlanEvent("ci.failed"))
    hour = PlanEvent("schedule", (("hour", "06"),))
    assert matches(Trigger(on="schedule", when=(("hour", "6"),)), hour)
    assert not matches(Trigger(on="schedule", when=(("hour", "16"),)), hour)


def test_checkboxes_diff() -> None:
    before = "".join(
        f"- [{mark}] <!-- autopilot:phase:{pid} --> {pid}\n"
        for pid, mark in zip("abc", " x ", strict=True)
    )
    after = before.replace("[ ] <!-- autopilot:phase:a", "[x] <!-- autopilot:phase:a").replace(
        "[x] <!-- autopilot:phase:b", "[ ] <!-- autopilot:phase:b"
    )
    assert checkboxes(after) == {"a": True, "b": False, "c": False}
    assert newly_ticked(before, after) == ["a"]
    assert newly_ticked(before, before) == []
    # A box someone typed into the text is no phase of the bot's.
    assert newly_ticked("", "- [x] <!-- autopilot:phase:a --> a") == []


def test_commands() -> None:
    assert parse_plan_args("run manual") == PlanCommand(PlanVerb.RUN, mode=PlanMode.MANUAL)
    assert parse_plan_args("retry build") == PlanCommand(PlanVerb.RETRY, phase="build")
    for bad in ("", "run sideways", "approve", "status now", "launch"):
        with pytest.raises(UsageError):
            parse_plan_args(bad)
    assert not PlanVerb.STATUS.mutating and PlanVerb.APPROVE.mutating


def test_duration() -> None:
    assert [duration(s) for s in (0, 59.6, 61, 3600 * 2 + 120)] == ["0s", "1m 0s", "1m 1s", "2h 2m"]
