"""Slash-commands through every concern against the spec-validating fake GitHub."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest

from bot.concerns.ports import Ports
from bot.core.events import Event
from bot.core.review import QueueState
from bot.core.scoring import parse_signals, score
from bot.fakegh.state import CheckRun
from bot.fakegh.webhooks import find_example
from bot.store.review_queue import ReviewQueue
from tests.concerns.commands_world import (
    READER,
    STRANGER,
    WRITER,
    check_run_event,
    comment_event,
    person,
    reactions,
    replies,
)
from tests.concerns.conftest import World

MUTATING = ["triage", "fix", "retry", "merge", "approve rq-1", "reject rq-1 no"]


@pytest.fixture(autouse=True)
def _people(world: World) -> None:
    world.fake.set_permission(world.demo.repo, READER, "read")


def _last_comment_id(world: World) -> int:
    return max(world.fake.state.comments)


async def _enqueue(world: World, *, repo: str | None = None) -> int:
    queue = ReviewQueue(world.store.db)
    result = score(parse_signals({"tests": 0.5, "lint": True}))
    item = await asyncio.to_thread(
        queue.enqueue,
        result,
        diff="--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n",
        now=datetime.now(UTC),
        repo=repo or world.demo.repo.full_name,
        pr_number=world.demo.pull.number,
        head_sha=world.demo.pull.head_sha,
        fix_ids=("F401",),
    )
    return item.id


def _outside_code(markdown: str) -> str:
    return re.sub(r"(`+).*?\1", "", markdown)


async def test_help_for_anyone_lists_the_commands(world: World) -> None:
    event = comment_event(world, "/autopilot help", author=STRANGER)
    await world.handle(event)
    [reply] = replies(world)
    assert reply.startswith(f"<!-- autopilot:reply comment={event.data['comment']['id']} ran=")
    assert "| `/autopilot approve ID` | ship a fix waiting in the review queue |" in reply
    assert "people with write permission |" in reply
    assert reactions(world, event.data["comment"]["id"]) == ["eyes", "rocket"]
    assert world.fake.calls_to("repos/get-collaborator-permission-level") == []


@pytest.mark.parametrize("who", [READER, STRANGER])
@pytest.mark.parametrize("command", MUTATING)
async def test_mutating_commands_need_write_permission(
    world: World, who: str, command: str
) -> None:
    await _enqueue(world)
    event = comment_event(world, f"/autopilot {command}", author=who)
    await world.handle(event)
    ignored = ("issues/create-comment", "apps/create-installation-access-token")
    writes = [w for w in world.writes() if w not in ignored]
    assert writes == ["reactions/create-for-issue-comment"] * 2  # 👀 then 😕, nothing else
    assert reactions(world, event.data["comment"]["id"]) == ["eyes", "confused"]
    [reply] = replies(world)
    level = "read" if who == READER else "none"
    assert f"this command needs write permission on `octo-org/demo`; `{who}` has `{level}`" in reply
    item = ReviewQueue(world.store.db).get(1)
    assert item.state is QueueState.PENDING


async def test_retry_by_a_writer_reruns_the_failed_jobs(world: World) -> None:
    event = comment_event(world, "Flaky network, again.\n\n/autopilot retry\n")
    await world.handle(event)
    [call] = world.fake.calls_to("actions/re-run-workflow-failed-jobs")
    assert call.path.endswith(f"/actions/runs/{world.demo.run.id}/rerun-failed-jobs")
    assert reactions(world, event.data["comment"]["id"]) == ["eyes", "rocket"]
    [reply] = replies(world)
    assert (
        f"- 🚀 `/autopilot retry`: re-running the failed jobs of CI run {world.demo.run.id}."
        in reply
    )


async def test_triage_by_a_writer_publishes_the_report_again(world: World) -> None:
    await world.handle(comment_event(world, "/autopilot triage"))
    [check] = world.fake.state.check_runs.values()
    assert check.name == "autopilot/triage" and check.head_sha == world.demo.pull.head_sha
    assert [a["identifier"] for a in check.actions] == ["fix", "retry"]
    assert any(body.startswith("<!-- autopilot:triage -->") for body in replies(world))


async def test_status_and_queue_report(world: World) -> None:
    await _enqueue(world)
    await _enqueue(world, repo="someone/else")
    await world.handle(comment_event(world, "/autopilot status\n/autopilot queue", author=READER))
    [reply] = replies(world)
    assert (
        f"pull request #{world.demo.pull.number} is open, head `{world.demo.pull.head_sha[:12]}`"
        in reply
    )
    assert "waiting for review: `rq-1`" in reply
    assert "🚀 `/autopilot queue`: 1 fix(es) waiting for review (below)." in reply
    assert re.search(r"\| `rq-1` \| #1 \| 0\.6667 \| \d+s \| F401 \|", reply)
    assert "`rq-2`" not in reply


async def test_reject_by_a_writer_closes_the_item_like_the_cli(world: World) -> None:
    item_id = await _enqueue(world)
    await world.handle(
        comment_event(world, f"/autopilot reject rq-{item_id} touches the public API")
    )
    item = ReviewQueue(world.store.db).get(item_id)
    assert (item.state, item.actor, item.reason) == (
        QueueState.REJECTED,
        WRITER,
        "touches the public API",
    )
    [reply] = replies(world)
    assert "🚀 `/autopilot reject rq-1 touches the public API`: `rq-1` is rejected" in reply
    await world.handle(comment_event(world, f"/autopilot reject rq-{item_id}"))
    assert "`rq-1` is already rejected by `octocat`" in replies(world)[-1]


async def test_items_of_other_repositories_are_not_reachable(world: World) -> None:
    item_id = await _enqueue(world, repo="someone/else")
    await world.handle(
        comment_event(world, f"/autopilot reject rq-{item_id}\n/autopilot approve 99")
    )
    [reply] = replies(world)
    assert "`rq-1` is not in this repository's review queue" in reply
    assert "`rq-99` is not in this repository's review queue" in reply
    assert ReviewQueue(world.store.db).get(item_id).state is QueueState.PENDING


async def test_several_commands_and_ignored_ones(world: World) -> None:
    body = (
        "> /autopilot merge\n\n```\n/autopilot merge\n```\n\n    /autopilot merge\n\n"
        "<details>\n/autopilot merge\n</details>\n\n/autopilot retry\n/autopilot status\n"
        "/autopilot frobnicate\n"
    )
    event = comment_event(world, body)
    await world.handle(event)
    assert world.fake.calls_to("pulls/merge") == []
    assert len(world.fake.calls_to("actions/re-run-workflow-failed-jobs")) == 1
    [reply] = replies(world)
    assert "🚀 `/autopilot retry`" in reply and "🚀 `/autopilot status`" in reply
    assert "😕 `/autopilot frobnicate`: unknown command 'frobnicate'" in reply
    assert "| `/autopilot help` |" in reply  # unknown commands get the list
    assert reactions(world, event.data["comment"]["id"]) == ["eyes", "confused"]


async def test_an_edit_runs_only_new_commands_and_a_delete_runs_nothing(world: World) -> None:
    first = comment_event(world, "/autopilot retry")
    await world.handle(first)
    comment_id = first.data["comment"]["id"]
    world.fake.state.runs[world.demo.run.id].status = "completed"  # the re-run finished
    edited = comment_event(
        world, "/autopilot retry\n/autopilot status", comment_id=comment_id, action="edited"
    )
    await world.handle(edited)
    await world.handle(edited)  # a redelivery
    assert len(world.fake.calls_to("actions/re-run-workflow-failed-jobs")) == 1
    [reply] = replies(world)  # the one reply, edited
    assert "🚀 `/autopilot status`" in reply and "`/autopilot retry`:" not in reply
    assert "1 command(s) of this comment had already run" in reply
    calls = len(world.fake.calls)
    await world.handle(
        comment_event(world, "/autopilot retry", comment_id=comment_id, action="deleted")
    )
    assert len(world.fake.calls) == calls


async def test_bots_never_run_commands(world: World) -> None:
    world.fake.set_permission(world.demo.repo, "helper[bot]", "admin")
    calls = len(world.fake.calls)
    await world.handle(comment_event(world, "/autopilot retry", author="helper[bot]", kind="Bot"))
    await world.handle(comment_event(world, "/autopilot retry", author="ci-autopilot[bot]"))
    await world.handle(
        comment_event(world, "/autopilot retry", author=WRITER, sender="renovate[bot]")
    )
    assert len(world.fake.calls) == calls
    assert replies(world) == []


async def test_hostile_text_is_neutralised(world: World) -> None:
    item_id = await _enqueue(world)
    reason = "@everyone <img src=x onerror=alert(1)> [x](javascript:alert(1)) | **bold**"
    body = "@octo-org/admins <script>alert(1)</script>\n" + "A" * 1_000_000
    body += f"\n/autopilot reject rq-{item_id} {reason}\n/autopilot bogus @everyone <b>x</b>\n"
    await world.handle(comment_event(world, body))
    [reply] = replies(world)
    assert len(reply) < 65_536
    prose = _outside_code(reply)
    assert "@everyone" not in reply and "@octo" not in reply
    assert "<img" not in prose and "<b>" not in prose and "<script" not in reply
    assert "[x](javascript" not in prose and "\\[x\\](javascript" in prose  # no link
    assert "\\| \\*\\*bold\\*\\*" in prose  # no table break, no bold
    assert ReviewQueue(world.store.db).get(item_id).reason == reason


async def test_a_flood_of_commands_is_rate_limited(world: World) -> None:
    for _ in range(12):
        await world.handle(comment_event(world, "/autopilot status"))
    bodies = replies(world)
    assert len(bodies) == 11  # ten answered, one refusal, then silence
    assert "too many commands from `octocat`" in bodies[-1]
    last = _last_comment_id(world)
    assert reactions(world, last) == ["eyes", "confused"]


async def test_permission_answers_are_cached_briefly(world: World) -> None:
    now = [1_000_000.0]
    ports = Ports(gh=world.gh, stores=world.stores, clock=lambda: now[0])
    from bot.app.dispatch import dispatch
    from bot.concerns import compose_router

    for step in (0, 10, 100):
        now[0] += step
        await dispatch(
            compose_router(), comment_event(world, "/autopilot retry", author=READER), ports
        )
    assert len(world.fake.calls_to("repos/get-collaborator-permission-level")) == 2


async def test_commands_on_an_issue_that_is_no_pull_request(world: World) -> None:
    issue = await world.gh.post(
        f"/repos/{world.demo.repo.full_name}/issues", data={"title": "Tracking"}
    )
    await world.handle(
        comment_event(world, "/autopilot retry\n/autopilot queue", number=issue["number"])
    )
    key = (world.demo.repo.full_name, issue["number"])
    [reply] = [
        c.body
        for c in world.fake.state.comments.values()
        if (c.repo, c.issue_number) == key and c.user.type == "Bot"
    ]
    assert "`/autopilot retry`: this command works in a pull request's comments only." in reply
    assert "🚀 `/autopilot queue`: no fix is waiting for review." in reply


# --- merge ------------------------------------------------------------------------------


def _check(world: World, name: str, status: str, conclusion: str | None) -> None:
    run = CheckRun(
        id=world.fake.state.next_id(),
        repo=world.demo.repo.full_name,
        name=name,
        head_sha=world.demo.pull.head_sha,
        status=status,
        conclusion=conclusion,
        started_at=world.fake.state.now(),
        completed_at=None,
        output={},
        annotations=[],
    )
    world.fake.state.check_runs[run.id] = run


async def test_merge_merges_the_head_it_saw(world: World) -> None:
    _check(world, "CI / test", "completed", "success")
    head = world.demo.pull.head_sha
    await world.handle(comment_event(world, "/autopilot merge"))
    [call] = world.fake.calls_to("pulls/merge")
    assert call.json == {"sha": head, "merge_method": "squash"}
    assert world.demo.pull.merged_sha is not None
    assert f"merged `{head[:12]}` (squash)" in replies(world)[0]


async def test_merge_is_refused_when_checks_fail(world: World) -> None:
    _check(world, "CI / test", "completed", "failure")
    await world.handle(comment_event(world, "/autopilot merge"))
    assert world.fake.calls_to("pulls/merge") == []
    assert (
        "😕 `/autopilot merge`: checks are failing on the head: `CI / test`." in replies(world)[0]
    )


async def test_merge_enables_auto_merge_while_checks_run(world: World) -> None:
    _check(world, "CI / test", "in_progress", None)
    await world.handle(comment_event(world, "/autopilot merge"))
    assert world.fake.calls_to("pulls/merge") == []
    assert world.demo.pull.auto_merge is not None
    assert "checks are running (`CI / test`); auto-merge (squash) is on" in replies(world)[0]


async def test_merge_is_refused_when_the_head_moved(world: World) -> None:
    seen = world.demo.pull.head_sha
    event = comment_event(world, f"/autopilot merge {seen[:10]}")
    world.fake.push(world.demo.repo, world.demo.pull.head_ref, {"late.py": "x = 1\n"})
    await world.handle(event)
    assert world.fake.calls_to("pulls/merge") == []
    assert f"the head moved from `{seen[:10]}` to" in replies(world)[0]
    # Without a SHA, a head committed after the comment was written is refused too.
    event = comment_event(world, "/autopilot merge")
    event.data["comment"]["updated_at"] = "2020-01-01T00:00:00Z"
    await world.handle(event)
    assert world.fake.calls_to("pulls/merge") == []
    assert "was committed after the command was written" in replies(world)[1]


async def test_merge_of_a_closed_pull_request_is_refused(world: World) -> None:
    world.fake.state.issues[(world.demo.repo.full_name, world.demo.pull.number)].state = "closed"
    await world.handle(comment_event(world, "/autopilot merge"))
    assert "the pull request is closed." in replies(world)[0]


# --- check-run buttons ------------------------------------------------------------------


async def _triaged(world: World) -> int:
    await world.handle(world.event())
    [check] = _triage_checks(world)
    return check.id


def _triage_checks(world: World) -> list[CheckRun]:
    """The triage check runs (the fix journey posts its own, ``external_id`` ``fix:…``)."""
    return [
        c
        for c in world.fake.state.check_runs.values()
        if c.name == "autopilot/triage" and not (c.external_id or "").startswith("fix:")
    ]


async def test_the_triage_check_run_offers_buttons(world: World) -> None:
    check_id = await _triaged(world)
    [call] = [
        c
        for c in world.fake.calls_to("checks/create")
        if c.json["external_id"] == f"{world.demo.run.id}:1"
    ]
    assert call.json["actions"] == [
        {"label": "Fix it", "identifier": "fix", "description": "Apply the safe mechanical fixes"},
        {
            "label": "Re-run failed jobs",
            "identifier": "retry",
            "description": "Re-run the failed jobs of this run",
        },
    ]
    assert world.fake.state.check_runs[check_id].actions == call.json["actions"]


async def test_the_retry_button_reruns_for_writers_only(world: World) -> None:
    check_id = await _triaged(world)
    for who in (READER, STRANGER):
        await world.handle(
            await check_run_event(
                world, check_id, action="requested_action", sender=who, identifier="retry"
            )
        )
    assert world.fake.calls_to("actions/re-run-workflow-failed-jobs") == []
    await world.handle(
        await check_run_event(
            world, check_id, action="requested_action", sender=WRITER, identifier="retry"
        )
    )
    [call] = world.fake.calls_to("actions/re-run-workflow-failed-jobs")
    assert call.path.endswith(f"/runs/{world.demo.run.id}/rerun-failed-jobs")
    buttons = [b for b in replies(world) if b.startswith("<!-- autopilot:button -->")]
    assert len(buttons) == 3
    assert "`reader` pressed `Re-run failed jobs` on `autopilot/triage`" in buttons[0]
    assert "needs write permission" in buttons[0] and "needs write permission" in buttons[1]
    assert "🚀 `/autopilot retry`: re-running the failed jobs" in buttons[2]


async def test_the_fix_button_is_refused_without_write_or_when_the_head_moved(
    world: World,
) -> None:
    check_id = await _triaged(world)
    await world.handle(
        await check_run_event(
            world, check_id, action="requested_action", sender=READER, identifier="fix"
        )
    )
    assert "😕 `/autopilot fix`: this command needs write permission" in replies(world)[-1]
    world.fake.push(world.demo.repo, world.demo.pull.head_ref, {"late.py": "x = 1\n"})
    await world.handle(
        await check_run_event(
            world, check_id, action="requested_action", sender=WRITER, identifier="fix"
        )
    )
    assert "the pull request's head moved since this check run" in replies(world)[-1]


async def test_rerequested_check_run_and_suite_triage_again(world: World) -> None:
    check_id = await _triaged(world)
    listed = len(world.fake.calls_to("actions/list-jobs-for-workflow-run"))
    await world.handle(await check_run_event(world, check_id, action="rerequested", sender=WRITER))
    assert len(world.fake.calls_to("actions/list-jobs-for-workflow-run")) == listed + 1
    payload = find_example("check_suite", "rerequested").payload
    payload["repository"].update(full_name=world.demo.repo.full_name)
    payload["check_suite"].update(head_sha=world.demo.pull.head_sha, pull_requests=[])
    payload["sender"] = person(WRITER)
    event = Event.from_payload("check_suite", "suite-1", payload)
    await world.handle(event)
    assert len(world.fake.calls_to("actions/list-jobs-for-workflow-run")) == listed + 2
    assert len(_triage_checks(world)) == 1  # the same check run, updated
    payload["sender"] = person(READER)
    await world.handle(Event.from_payload("check_suite", "suite-2", payload))
    assert len(world.fake.calls_to("actions/list-jobs-for-workflow-run")) == listed + 2


async def test_an_unreadable_permission_never_grants_write(world: World) -> None:
    world.fake.inject_fault(
        403,
        operation_id="repos/get-collaborator-permission-level",
        message="Resource not accessible by integration",
        headers={"retry-after": ""},
    )
    await world.handle(comment_event(world, "/autopilot retry"))
    assert world.fake.calls_to("actions/re-run-workflow-failed-jobs") == []
    assert "`octocat` has `none` permission" in replies(world)[0]
