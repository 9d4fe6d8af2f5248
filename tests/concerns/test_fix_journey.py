"""Journey 2 through the App's handlers and the spec-validating fake: fix, validate, route."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.dispatch import dispatch
from bot.concerns import compose_router
from bot.concerns.autofix import fix_pull_request, ship_queued_fix
from bot.config.settings import Settings
from bot.core.events import Event
from bot.core.fix_attempt import AttemptState
from bot.core.fix_plan import NoFix, is_fix_commit, trailers
from bot.core.render import fix_report
from bot.fakegh.state import CheckRun
from bot.fakegh.webhooks import find_example, repository_payload
from tests.concerns.conftest import INSTALLATION, World
from tests.concerns.fix_world import CART_PR, FILES, Scenario, ruff_fixed, seed, write_tree

pytestmark = pytest.mark.asyncio(loop_scope="session")
SETTINGS = Settings()
#: The journey's first half after triage, request by request (App, fix PR delivery).
FIX_CALLS = [
    "pulls/get",
    "repos/download-tarball-archive",
    "fakegh/archive-content",
    "git/get-commit",
    "git/create-blob",
    "git/create-tree",
    "git/create-commit",
    "git/get-ref",
    "git/create-ref",
    "pulls/list",
    "pulls/create",
    "checks/list-for-ref",
    "checks/create",
    "issues/list-comments",
    "issues/create-comment",
]
#: The second half when CI on the fix passes: wait check, then merge the scored SHA.
MERGE_CALLS = [
    "repos/get-content",
    "actions/list-workflow-runs-for-repo",
    "checks/list-for-ref",
    "pulls/merge",
    "checks/list-for-ref",
    "checks/update",
    "issues/list-comments",
    "issues/update-comment",
    "issues/list-comments",
    "issues/create-comment",
    "issues/list-comments",  # journey 1 looks for a triage comment to resolve on the fix PR
]


def _ops(world: World, start: int = 0) -> list[str]:
    return [c.operation_id or c.path for c in world.fake.calls[start:]]


def _after_triage(ops: list[str]) -> list[str]:
    """The calls after the triage comment (journey 1's last write)."""
    return ops[ops.index("issues/create-comment") + 1 :]


async def _fix_pr(world: World, tmp_path: Path, **options: object) -> Scenario:
    scenario = seed(world, tmp_path, **options)  # type: ignore[arg-type]
    await world.handle(scenario.event(), SETTINGS)
    return scenario


async def test_a_lint_failure_becomes_a_fix_pr_with_exactly_the_fixers_change(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path)
    assert _after_triage(_ops(world)) == FIX_CALLS
    [fix] = s.bot_pulls()
    assert (fix.head_ref, fix.base_ref, fix.repo) == (
        "autopilot/fix/tidy-cart",
        "tidy-cart",
        s.repo.full_name,
    )
    commit = s.repo.commits[fix.head_sha]
    assert commit.parents == [s.pull.head_sha]  # the failed head, nothing else
    files = s.repo.commit_files(fix.head_sha)
    expected = ruff_fixed(write_tree(tmp_path / "expected", {**FILES, "shop/cart.py": CART_PR}))
    assert files["shop/cart.py"].decode() == expected
    before = s.repo.commit_files(s.pull.head_sha)
    changed = sorted(path for path in files if files[path] != before.get(path))
    assert changed == ["shop/cart.py"]  # legacy.py is untidy too, but no run named it
    found = trailers(commit.message)
    assert found["Autopilot-Fixes"] == "unused-imports,formatting"
    assert found["Autopilot-Run"] == str(s.run.id) and is_fix_commit(commit.message)
    [create] = world.fake.calls_to("git/create-ref")
    assert create.json == {"ref": "refs/heads/autopilot/fix/tidy-cart", "sha": fix.head_sha}
    body = world.fake.state.issues[(s.repo.full_name, fix.number)].body or ""
    assert "### What failed" in body and "- `shop/cart.py`" in body
    assert "Fixes: `unused-imports`, `formatting`." in body
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert f"### CI Autopilot: fix proposed in #{fix.number}" in comment
    [check] = [r for r in world.fake.state.check_runs.values() if r.name == "autopilot/fix"]
    assert (check.head_sha, check.conclusion) == (s.pull.head_sha, "neutral")
    attempt = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, fix.head_sha)
    assert attempt is not None and attempt.state is AttemptState.VALIDATING
    assert attempt.lint == 1.0


async def test_ci_success_on_the_fix_merges_exactly_the_validated_sha(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path)
    [fix] = s.bot_pulls()
    start = len(world.fake.calls)
    await world.handle(s.event(s.ci(fix.head_sha, fix.head_ref)), SETTINGS)
    assert _ops(world, start) == MERGE_CALLS
    [merge] = world.fake.calls_to("pulls/merge")
    assert merge.json == {"sha": fix.head_sha, "merge_method": "squash"}
    assert fix.merged_at is not None
    branch_tip = s.repo.refs["refs/heads/tidy-cart"]
    assert s.repo.commit_files(branch_tip) == s.repo.commit_files(fix.head_sha)
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "merged" in comment.split("\n")[1] and "route `auto_merge`" in comment
    attempt = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, fix.head_sha)
    assert attempt is not None and attempt.state is AttemptState.MERGED
    assert attempt.route == "auto_merge" and attempt.score == 1.0


async def test_ci_failure_on_the_fix_never_merges_and_says_why(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path)
    [fix] = s.bot_pulls()
    failed = s.ci(fix.head_sha, fix.head_ref, conclusion="failure")
    await world.handle(s.event(failed), SETTINGS)
    assert not world.fake.calls_to("pulls/merge") and fix.merged_at is None
    # Its own failure is not fixed again: no second fix commit, no second bot branch.
    assert len(world.fake.calls_to("git/create-commit")) == 1 and len(s.bot_pulls()) == 1
    [comment] = [c for c in s.comments(fix.number) if c.startswith(fix_report.MARKER)]
    assert "CI failed on fix" in comment and "tests failed" in comment
    issue = world.fake.state.issues[(s.repo.full_name, fix.number)]
    assert fix_report.REVIEW_LABEL in issue.labels
    attempt = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, fix.head_sha)
    assert attempt is not None and attempt.state is AttemptState.QUEUED
    assert attempt.queue_id is not None and f"rq-{attempt.queue_id}" in comment


async def test_redelivery_and_a_rerun_still_make_one_pr(world: World, tmp_path: Path) -> None:
    s = await _fix_pr(world, tmp_path)
    await world.handle(s.event(), SETTINGS)  # the same delivery again
    rerun = world.fake.add_workflow_run(
        s.repo, head_sha=s.pull.head_sha, head_branch="tidy-cart",
        jobs=[("lint", "failure", world.fake.state.jobs[max(world.fake.state.jobs)].log)],
    )  # fmt: skip
    await world.handle(s.event(rerun), SETTINGS)
    assert len(s.bot_pulls()) == 1
    assert len(world.fake.calls_to("git/create-commit")) == 1
    assert len(world.fake.calls_to("pulls/create")) == 1
    fix_comments = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert len(fix_comments) == 1


@pytest.mark.parametrize(
    ("operation", "stopped_at"),
    [
        ("git/create-blob", AttemptState.PLANNED),  # after the fix was made, before the commit
        ("git/create-ref", AttemptState.COMMITTED),  # after the commit, before the branch
    ],
)
async def test_a_restart_in_the_middle_of_an_attempt_completes_it_once(
    world: World, tmp_path: Path, operation: str, stopped_at: AttemptState
) -> None:
    s = seed(world, tmp_path)
    outage = world.fake.inject_fault(500, operation_id=operation, times=10)
    first = await dispatch(compose_router(), s.event(), world.ports(SETTINGS))
    assert first.failures  # the worker "died" in the middle of the attempt
    attempt = await world.stores.fix_attempts.find(s.repo.full_name, "tidy-cart", s.pull.head_sha)
    assert attempt is not None and attempt.state is stopped_at
    outage.times = outage.hits  # the outage is over
    await world.handle(s.event(), SETTINGS)  # the delivery is taken again
    assert len([c for c in world.fake.calls_to("git/create-commit") if c.status == 201]) == 1
    [fix] = s.bot_pulls()
    done = await world.stores.fix_attempts.find(s.repo.full_name, "tidy-cart", s.pull.head_sha)
    assert done is not None and done.state is AttemptState.VALIDATING
    assert fix.head_sha == done.fix_sha
    if attempt.fix_sha is not None:
        assert done.fix_sha == attempt.fix_sha  # resumed with the same commit, not redone


async def test_5xx_and_rate_limits_on_the_way_are_recovered(world: World, tmp_path: Path) -> None:
    s = seed(world, tmp_path)
    world.fake.inject_fault(502, operation_id="git/create-blob")
    world.fake.inject_fault(429, operation_id="pulls/create")
    world.fake.inject_fault(
        403, operation_id="git/create-tree", headers={"x-ratelimit-remaining": "0"}
    )
    await world.handle(s.event(), SETTINGS)
    assert len(s.bot_pulls()) == 1
    assert [c.status for c in world.fake.calls_to("git/create-blob")] == [502, 201]
    assert [c.status for c in world.fake.calls_to("pulls/create")] == [429, 201]
    assert [c.status for c in world.fake.calls_to("git/create-tree")] == [403, 201]
    assert len(world.sleeps.durations) == 3


async def test_push_mode_commits_onto_the_pr_branch_on_top_of_the_failed_head(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path, config="autofix:\n  ship: push\n")
    assert not s.bot_pulls() and not world.fake.calls_to("git/create-ref")
    [update] = world.fake.calls_to("git/update-ref")
    tip = s.repo.refs["refs/heads/tidy-cart"]
    assert update.json == {"sha": tip, "force": False}
    assert s.repo.commits[tip].parents == [s.run.head_sha]
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "fix pushed to `tidy-cart`" in comment
    await world.handle(s.event(s.ci(tip, "tidy-cart")), SETTINGS)
    assert not world.fake.calls_to("pulls/merge")  # the commit is on the branch already
    attempt = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, tip)
    assert attempt is not None and attempt.state is AttemptState.MERGED


async def test_push_mode_says_so_when_somebody_pushed_meanwhile(
    world: World, tmp_path: Path
) -> None:
    s = seed(world, tmp_path, config="autofix:\n  ship: push\n")
    # GitHub's answer when the branch is no longer an ancestor of the fix commit.
    world.fake.inject_fault(
        422, operation_id="git/update-ref", message="Update is not a fast forward"
    )
    await world.handle(s.event(), SETTINGS)
    assert s.repo.refs["refs/heads/tidy-cart"] == s.pull.head_sha  # nothing overwritten
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "moved while the fix was being made; it was not overwritten" in comment
    attempt = await world.stores.fix_attempts.find(s.repo.full_name, "tidy-cart", s.pull.head_sha)
    assert attempt is not None and attempt.state is AttemptState.ABANDONED


async def test_a_fork_pr_without_rights_gets_suggestions_and_no_write(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path, fork=True)
    writes = {c.operation_id for c in world.fake.calls if c.method != "GET"}
    assert not {op for op in writes if op and op.startswith("git/")}
    assert not s.bot_pulls()
    assert s.head_repo.refs["refs/heads/tidy-cart"] == s.pull.head_sha
    [review] = world.fake.state.reviews.values()
    assert review.commit_id == s.pull.head_sha and review.state == "COMMENTED"
    assert review.comments and all("```suggestion" in c["body"] for c in review.comments)
    assert {c["path"] for c in review.comments} == {"shop/cart.py"}
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "fix suggested in a review" in comment
    assert "does not allow edits by maintainers" in comment
    assert "<summary>The whole patch</summary>" in comment and "-import os" in comment


async def test_nothing_fixable_is_explained_on_the_pr_and_the_check_run(
    world: World, tmp_path: Path
) -> None:
    s = seed(world, tmp_path)
    job = next(j for j in world.fake.state.jobs.values() if j.run_id == s.run.id)
    job.log = (
        "tests/test_cart.py:7: AssertionError\n"
        "FAILED tests/test_cart.py::test_total - assert 5 == 6\n"
    )
    await world.handle(s.event(), SETTINGS)
    assert not world.fake.calls_to("git/create-ref")
    assert not world.fake.calls_to("git/create-blob")
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "### CI Autopilot: no automatic fix" in comment
    assert "Why: None of the failures is one a mechanical fixer answers" in comment
    [check] = [r for r in world.fake.state.check_runs.values() if r.name == "autopilot/fix"]
    assert check.conclusion == "neutral" and check.output["title"] == "no automatic fix"


async def test_a_head_that_moved_on_is_explained_not_fixed(world: World, tmp_path: Path) -> None:
    s = seed(world, tmp_path)
    newer = world.fake.push(s.repo, "tidy-cart", {"README.md": "more\n"})
    await world.handle(s.event(), SETTINGS)
    assert not world.fake.calls_to("git/create-commit")
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert f"The branch moved on since the failed run (now at `{newer[:7]}`" in comment


async def test_the_loop_guard_stops_after_n_bot_commits_in_a_row(
    world: World, tmp_path: Path
) -> None:
    s = seed(world, tmp_path, config="autofix:\n  ship: push\n  max_bot_commits: 1\n")
    message = "autopilot: fix formatting\n\nAutopilot-Fixes: formatting\nAutopilot-Run: 1\n"
    tip = world.fake.push(
        s.repo, "tidy-cart", {"shop/extra.py": "x = 1\n"}, message=message, author="bot"
    )
    run = world.fake.add_workflow_run(
        s.repo, head_sha=tip, head_branch="tidy-cart",
        jobs=[("lint", "failure", world.fake.state.jobs[max(world.fake.state.jobs)].log)],
    )  # fmt: skip
    await world.handle(s.event(run), SETTINGS)
    assert not world.fake.calls_to("git/create-commit")
    [listing] = world.fake.calls_to("repos/list-commits")
    assert listing.query["sha"] == tip
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "1 fix commits by the bot in a row" in comment


async def test_fixes_turned_off_are_explained(world: World, tmp_path: Path) -> None:
    s = await _fix_pr(world, tmp_path, config="autofix:\n  enabled: false\n")
    assert not s.bot_pulls() and not world.fake.calls_to("git/create-commit")
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert "Automatic fixes are off (`autofix.enabled: false`)" in comment


async def test_fix_on_demand_works_when_the_bot_may_not_fix_by_itself(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path, config="autofix:\n  enabled: false\n")
    assert not s.bot_pulls()
    result = await fix_pull_request(
        world.ports(SETTINGS), s.repo.full_name, s.pull.number, requested_by="alice"
    )
    [fix] = s.bot_pulls()
    assert result.ok and result.pull_number == fix.number and result.fix_sha == fix.head_sha
    assert result.summary == (
        f"CI Autopilot: fix proposed in #{fix.number}. A fix pull request into `tidy-cart` "
        "(`autofix.ship: pull_request`)."
    )
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    assert f"fix proposed in #{fix.number}" in comment  # the "no" was replaced in place


async def test_fix_on_demand_without_a_failed_run_says_so(world: World, tmp_path: Path) -> None:
    s = seed(world, tmp_path)
    world.fake.state.runs[s.run.id].conclusion = "success"
    result = await fix_pull_request(
        world.ports(SETTINGS), s.repo.full_name, s.pull.number, requested_by="alice"
    )
    assert not result.ok and result.reason is NoFix.NO_FAILED_RUN
    assert "no failed run on the head of #" in result.summary


async def test_approving_a_queued_fix_merges_its_validated_sha(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path)
    [fix] = s.bot_pulls()
    await world.handle(s.event(s.ci(fix.head_sha, fix.head_ref, "failure")), SETTINGS)
    attempt = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, fix.head_sha)
    assert attempt is not None and attempt.queue_id is not None
    result = await ship_queued_fix(world.ports(SETTINGS), attempt.queue_id, actor="maintainer")
    assert result.ok, result.summary
    [merge] = world.fake.calls_to("pulls/merge")
    assert merge.json["sha"] == fix.head_sha and fix.merged_at is not None
    item = world.stores.review_queue.get(attempt.queue_id)
    assert item.state.value == "applied" and item.actor == "maintainer"
    again = await ship_queued_fix(world.ports(SETTINGS), attempt.queue_id, actor="maintainer")
    assert not again.ok and "applied" in again.summary
    unknown = await ship_queued_fix(world.ports(SETTINGS), 999, actor="maintainer")
    assert not unknown.ok and "rq-999" in unknown.summary


async def test_approving_a_fix_whose_pr_moved_does_not_merge(world: World, tmp_path: Path) -> None:
    s = await _fix_pr(world, tmp_path)
    [fix] = s.bot_pulls()
    await world.handle(s.event(s.ci(fix.head_sha, fix.head_ref, "failure")), SETTINGS)
    attempt = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, fix.head_sha)
    assert attempt is not None and attempt.queue_id is not None
    world.fake.push(s.repo, fix.head_ref, {"shop/cart.py": "x = 1\n"})  # somebody pushed
    result = await ship_queued_fix(world.ports(SETTINGS), attempt.queue_id, actor="maintainer")
    assert not result.ok and "head moved after validation" in result.summary
    assert fix.merged_at is None
    assert world.stores.review_queue.get(attempt.queue_id).state.value == "pending"


async def test_a_default_branch_failure_gets_a_fix_pr_into_it(world: World, tmp_path: Path) -> None:
    s = seed(world, tmp_path, config="autofix:\n  ship: push\n")
    main = world.fake.push(s.repo, "main", {"shop/cart.py": CART_PR}, message="Direct push")
    job = next(j for j in world.fake.state.jobs.values() if j.run_id == s.run.id)
    run = world.fake.add_workflow_run(
        s.repo, head_sha=main, head_branch="main", event="push",
        jobs=[("lint", "failure", job.log)],
    )  # fmt: skip
    await world.handle(s.event(run), SETTINGS)
    [fix] = s.bot_pulls()
    assert (fix.head_ref, fix.base_ref) == ("autopilot/fix/main", "main")
    assert s.repo.refs["refs/heads/main"] == main  # never pushed to directly, even in push mode
    assert not world.fake.calls_to("git/update-ref")


async def test_another_cis_check_suite_completing_routes_the_fix(
    world: World, tmp_path: Path
) -> None:
    s = await _fix_pr(world, tmp_path, config="autofix:\n  checks:\n    tests: [build]\n")
    [fix] = s.bot_pulls()
    world.fake.state.check_runs[1] = CheckRun(
        id=1, repo=s.repo.full_name, name="build", head_sha=fix.head_sha, status="completed",
        conclusion="success", started_at=0.0, completed_at=0.0, output={}, annotations=[],
    )  # fmt: skip
    payload = find_example("check_suite", "completed").payload
    payload["repository"] = repository_payload(s.repo)
    payload["installation"] = {"id": INSTALLATION, "node_id": "I_x"}
    payload["check_suite"].update(
        head_sha=fix.head_sha, head_branch=fix.head_ref, conclusion="success", pull_requests=[]
    )
    await world.handle(Event.from_payload("check_suite", "cs-1", payload), SETTINGS)
    [merge] = world.fake.calls_to("pulls/merge")
    assert merge.json["sha"] == fix.head_sha


async def test_a_newer_failed_head_supersedes_the_older_fix(world: World, tmp_path: Path) -> None:
    s = await _fix_pr(world, tmp_path)
    [fix] = s.bot_pulls()
    old_fix = fix.head_sha
    job = next(j for j in world.fake.state.jobs.values() if j.run_id == s.run.id)
    newer = world.fake.push(s.repo, "tidy-cart", {"README.md": "notes\n"}, author="alice")
    run = world.fake.add_workflow_run(
        s.repo, head_sha=newer, head_branch="tidy-cart", jobs=[("lint", "failure", job.log)]
    )
    await world.handle(s.event(run), SETTINGS)
    assert s.bot_pulls() == [fix] and fix.head_sha != old_fix  # the same PR, the newer fix
    assert s.repo.commits[fix.head_sha].parents == [newer]
    older = await world.stores.fix_attempts.by_fix_sha(s.repo.full_name, old_fix)
    assert older is not None and older.state is AttemptState.ABANDONED
    assert older.reason == "superseded"
    [comment] = [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)]
    await world.handle(s.event(s.ci(old_fix, fix.head_ref)), SETTINGS)  # the old fix's CI
    assert not world.fake.calls_to("pulls/merge")
    assert [c for c in s.comments(s.pull.number) if c.startswith(fix_report.MARKER)] == [comment]
