"""Journey 1's API calls, counted per path so they cannot creep back up.

Counted are the delivery's calls to the API; the installation token (minted once an hour
per installation and shared by every delivery) and the log's download from storage (the
target of the API's ``302``) are listed in ``TRIAGE_CALLS`` but are not API calls.
"""

from __future__ import annotations

from typing import Any

from bot.config.settings import Settings
from bot.core.published import Kind, Record
from tests.concerns.conftest import World, corpus_log
from tests.concerns.test_ci_failure import (
    MAX_API_CALLS_PER_FAILED_JOB,
    TRIAGE_CALLS,
    api_calls,
    journey_one,
)

SETTINGS = Settings()
TRIAGE = "<!-- autopilot:triage -->"


async def _handle(world: World, **changes: Any) -> None:
    await world.handle(world.event(**changes), SETTINGS)


async def test_one_failed_job_costs_at_most_six_api_calls(world: World) -> None:
    await _handle(world)
    assert journey_one([c.operation_id or c.path for c in world.fake.calls]) == TRIAGE_CALLS
    assert len(api_calls(world)) <= MAX_API_CALLS_PER_FAILED_JOB
    # Neither the run nor the repository is fetched: the payload carries them.
    assert not world.fake.calls_to("actions/get-workflow-run")
    assert not world.fake.calls_to("repos/get")


async def test_each_more_failed_job_costs_one_api_call(world: World) -> None:
    log = corpus_log("multi_lint_types_tests_gha")
    run = world.fake.add_workflow_run(
        world.demo.repo,
        head_sha=world.demo.pull.head_sha,
        head_branch=world.demo.pull.head_ref,
        jobs=[("lint", "failure", log), ("types", "failure", log), ("docs", "success", "ok")],
    )
    await world.handle(world.event(run), SETTINGS)
    calls = api_calls(world)
    assert calls.count("actions/download-job-logs-for-workflow-run") == 2  # not the passed job
    assert len(calls) == MAX_API_CALLS_PER_FAILED_JOB + 1  # five fixed calls and one per log


async def test_the_next_failure_on_the_pr_edits_the_comment_by_id(world: World) -> None:
    await _handle(world)
    before = len(world.fake.calls)
    rerun = world.fake.add_workflow_run(
        world.demo.repo,
        head_sha=world.demo.pull.head_sha,
        head_branch=world.demo.pull.head_ref,
        jobs=[("test", "failure", corpus_log("assertion_two_tests_xdist"))],
    )
    await world.handle(world.event(rerun), SETTINGS)
    assert api_calls(world, before) == [
        "repos/get-content",
        "actions/list-jobs-for-workflow-run",
        "actions/download-job-logs-for-workflow-run",
        "checks/create",
        "issues/update-comment",
    ]


async def test_a_duplicate_delivery_of_a_published_attempt_makes_no_call(world: World) -> None:
    await _handle(world)
    before = len(world.fake.calls)
    await _handle(world)
    assert world.fake.calls[before:] == []


async def test_a_worker_that_died_mid_write_has_the_check_run_looked_up(
    any_store_world: World,
) -> None:
    """The one case where GitHub may hold a check run the store does not know: a worker
    died between creating it and recording its id. The redelivery searches, then updates."""
    world = any_store_world
    await _handle(world)
    published = world.stores.published
    repo, run = world.demo.repo.full_name, world.demo.run
    [check] = [r for r in world.fake.state.check_runs.values() if r.name == "autopilot/triage"]
    name = f"autopilot/triage@{run.head_sha}:{run.id}:1"
    assert await published.get(repo, Kind.CHECK_RUN, name) is not None
    await published.put(repo, Kind.CHECK_RUN, name, Record(None))  # "being created"
    await published.forget(repo, Kind.REPORT, f"autopilot/triage:{run.id}:1")
    before = len(world.fake.calls)
    await _handle(world)
    calls = api_calls(world, before)
    assert "checks/list-for-ref" in calls and "checks/update" in calls
    assert "checks/create" not in calls and "issues/create-comment" not in calls
    triage = [r.id for r in world.fake.state.check_runs.values() if r.name == "autopilot/triage"]
    assert triage == [check.id]
    assert len(check.annotations) == 3  # resumed after the annotations already there


async def test_a_pass_resolving_the_comment_costs_two_calls(world: World) -> None:
    await _handle(world)
    before = len(world.fake.calls)
    await _handle(world, conclusion="success", run_attempt=2)
    assert api_calls(world, before) == ["issues/list-comments", "issues/update-comment"]


async def test_a_deleted_comment_is_posted_again(world: World) -> None:
    await _handle(world)
    world.fake.state.comments.clear()  # somebody deleted the bot's comment
    rerun = world.fake.add_workflow_run(
        world.demo.repo,
        head_sha=world.demo.pull.head_sha,
        head_branch=world.demo.pull.head_ref,
        jobs=[("test", "failure", corpus_log("assertion_two_tests_xdist"))],
    )
    await world.handle(world.event(rerun), SETTINGS)
    assert [c.status for c in world.fake.calls_to("issues/update-comment")] == [404]
    triage = [c for c in world.fake.calls_to("issues/create-comment") if TRIAGE in c.json["body"]]
    assert len(triage) == 2
    assert len([c for c in world.fake.state.comments.values() if TRIAGE in c.body]) == 1
