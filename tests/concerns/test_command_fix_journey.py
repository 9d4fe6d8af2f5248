"""``/autopilot fix``, ``approve`` and ``reject`` on fixes the fix journey made and queued."""

from __future__ import annotations

import pytest

from bot.core.events import Event
from bot.core.review import QueueState
from bot.fakegh.state import CheckRun
from bot.fakegh.webhooks import workflow_run_completed
from tests.concerns.commands_world import READER, STRANGER, comment_event, replies
from tests.concerns.conftest import INSTALLATION, World


@pytest.fixture(autouse=True)
def _people(world: World) -> None:
    world.fake.set_permission(world.demo.repo, READER, "read")


CONFIG = "autofix:\n  checks:\n    types: [mypy]\n    security: [bandit]\n"


async def _queued_fix(world: World) -> int:
    """A fix whose tests pass but whose type and security checks fail: low confidence, so
    the journey routes it to the review queue (``manual_review``)."""
    repo, pull = world.demo.repo, world.demo.pull
    head = world.fake.push(repo, pull.head_ref, {".github/autopilot.yml": CONFIG})
    failed = world.fake.add_workflow_run(
        repo,
        head_sha=head,
        head_branch=pull.head_ref,
        jobs=[("test", "failure", world.demo.job.log)],
    )
    await world.handle(world.event(failed))
    [attempt] = world.store.db.fetchall("SELECT fix_sha, fix_pull FROM fix_attempts")
    fix_pull = world.fake.state.pulls[(repo.full_name, attempt["fix_pull"])]
    for name in ("mypy", "bandit"):
        check = CheckRun(
            id=world.fake.state.next_id(),
            repo=repo.full_name,
            name=name,
            head_sha=attempt["fix_sha"],
            status="completed",
            conclusion="failure",
            started_at=world.fake.state.now(),
            completed_at=world.fake.state.now(),
            output={},
            annotations=[],
        )
        world.fake.state.check_runs[check.id] = check
    run = world.fake.add_workflow_run(
        repo,
        head_sha=attempt["fix_sha"],
        head_branch=fix_pull.head_ref,
        conclusion="success",
        jobs=[("test", "success", "5 passed\n")],
    )
    payload = workflow_run_completed(
        repo, run, [fix_pull], world.fake.url, installation_id=INSTALLATION
    )
    await world.handle(Event.from_payload("workflow_run", f"fix-ci-{run.id}", payload))
    [item] = world.stores.review_queue.list_items()
    return item.id


async def test_approve_ships_the_queued_fix(world: World) -> None:
    item_id = await _queued_fix(world)
    # The sticky fix comment names the item and the commands, ready to copy.
    sticky = next(b for b in replies(world) if b.startswith("<!-- autopilot:fix -->"))
    assert f"`/autopilot approve rq-{item_id}`" in sticky
    assert f"`/autopilot reject rq-{item_id} reason`" in sticky
    for who in (READER, STRANGER):
        await world.handle(comment_event(world, f"/autopilot approve rq-{item_id}", author=who))
        assert world.stores.review_queue.get(item_id).state is QueueState.PENDING
    assert world.fake.calls_to("pulls/merge") == []
    await world.handle(comment_event(world, f"/autopilot approve rq-{item_id}"))
    item = world.stores.review_queue.get(item_id)
    assert (item.state, item.actor) == (QueueState.APPLIED, "octocat")
    [merge] = world.fake.calls_to("pulls/merge")
    assert merge.json["sha"] == item.head_sha  # exactly the validated fix commit
    reply = [r for r in replies(world) if r.startswith("<!-- autopilot:reply")][-1]
    assert f"🚀 `/autopilot approve rq-{item_id}`:" in reply


async def test_reject_closes_the_queued_fix_with_the_reason(world: World) -> None:
    item_id = await _queued_fix(world)
    await world.handle(comment_event(world, f"/autopilot reject rq-{item_id}", author=READER))
    assert world.stores.review_queue.get(item_id).state is QueueState.PENDING
    await world.handle(comment_event(world, f"/autopilot reject rq-{item_id} tests fail on it"))
    item = world.stores.review_queue.get(item_id)
    assert (item.state, item.actor, item.reason) == (
        QueueState.REJECTED,
        "octocat",
        "tests fail on it",
    )
    await world.handle(comment_event(world, f"/autopilot approve rq-{item_id}"))
    assert "is already rejected by `octocat`" in replies(world)[-1]
    assert world.fake.calls_to("pulls/merge") == []


async def test_fix_on_demand_runs_the_journey_for_writers_only(world: World) -> None:
    await world.handle(comment_event(world, "/autopilot fix", author=READER))
    assert world.fake.calls_to("git/create-commit") == []
    await world.handle(comment_event(world, "/autopilot fix"))
    assert len(world.fake.calls_to("git/create-commit")) == 1
    reply = replies(world)[-1]
    assert reply.startswith("<!-- autopilot:reply") and "`/autopilot fix`:" in reply
