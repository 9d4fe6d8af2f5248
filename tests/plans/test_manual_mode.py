"""Manual mode: every phase starts when a person with write access ticks its box."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.events import Event
from bot.fakegh.issue_events import issue_edited
from tests.plans.conftest import INSTALLATION, PlanWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")


def line(body: str, phase_id: str) -> str:
    [found] = [x for x in body.splitlines() if f"<!-- autopilot:phase:{phase_id} -->" in x]
    return found


async def test_ticking_boxes_approves_phases_through_issues_edited(plan_world: PlanWorld) -> None:
    w = plan_world
    where = w.open_issue()
    reply = await w.comment(where, "/autopilot plan run manual")
    assert reply.splitlines()[-1] == (
        "- 🚀 `/autopilot plan run manual`: started plan run 1 of Release 2.0 in `manual` mode: #2."
    )
    number = 2
    body = w.issue(number).body or ""
    assert line(body, "build") == (
        "- [ ] <!-- autopilot:phase:build --> `build` Build wheels: "
        "**waiting for approval: tick to start**"
    )
    assert w.dispatches("build.yml") == []

    # Someone without write access ticks the box: the edit is undone and explained.
    await w.tick(number, "build", editor="mallory")
    assert w.issue(number).body == body
    assert w.dispatches("build.yml") == []
    explained = [c.body for c in w.fake.state.comments.values() if c.issue_number == number]
    assert explained == [
        "@\u200bmallory: only people with write access to this repository can approve or "
        "retry phases, so your edit of the checklist was undone."
    ]

    # A writer ticks it: the phase starts, once.
    await w.tick(number, "build")
    body = w.issue(number).body or ""
    assert line(body, "build") == (  # the tick stays: approved and under way
        "- [x] <!-- autopilot:phase:build --> `build` Build wheels: running, "
        "approved by @\u200balice"
    )
    assert len(w.dispatches("build.yml")) == 1
    # The bot's own edit comes back as an event too: nothing happens.
    calls = len(w.fake.calls)
    await w.edit_body(number, body, editor="github-actions[bot]")
    assert len(w.fake.calls) == calls

    await w.ci_finished()
    body = w.issue(number).body or ""
    assert line(body, "build").startswith("- [x]")
    assert "waiting for approval" in line(body, "test")
    assert "waiting for approval" in line(body, "docs")

    await w.tick(number, "test", "docs")  # two boxes in one edit
    assert len(w.dispatches("test.yml")) == len(w.dispatches("docs.yml")) == 1
    await w.ci_finished()
    await w.tick(number, "deploy")
    await w.ci_finished()

    issue = w.issue(number)
    assert issue.state == "closed"
    assert all(f"- [x] <!-- autopilot:phase:{p} -->" in (issue.body or "")
               for p in ("build", "test", "docs", "deploy"))  # fmt: skip
    report = [c.body for c in w.fake.state.comments.values() if c.issue_number == number][-1]
    assert report.startswith(
        "<!-- autopilot:plan-report:1 -->\n## Plan report: Release 2.0, succeeded"
    )
    w.assert_no_idle_edits(number)
    assert not w.fake.unexpected_violations()


async def test_a_tick_that_means_nothing_is_put_back(plan_world: PlanWorld) -> None:
    w = plan_world
    run = await w.runner().start(w.repo_plan())
    number = run.issue_number
    assert number is not None
    before = w.issue(number).body
    await w.tick(number, "deploy")  # pending: its dependencies have not run
    assert w.issue(number).body == before
    assert w.dispatches("deploy.yml") == []


async def test_a_late_edit_event_causes_no_edit(plan_world: PlanWorld) -> None:
    """An ``issues.edited`` that arrives after a later edit compares with GitHub's body."""
    w = plan_world
    run = await w.runner().start(w.repo_plan())
    number = run.issue_number
    assert number is not None
    first = w.issue(number).body or ""
    w.finish_runs()
    await w.runner().advance(run.id)
    edits = len(w.issue_edits(number))
    late = dataclasses.replace(w.issue(number), body=first)  # what the event says the body was
    payload = issue_edited(w.repo, late, before="", editor="alice", installation_id=INSTALLATION)
    await w.handle(Event.from_payload("issues", "late", payload))
    assert len(w.issue_edits(number)) == edits
