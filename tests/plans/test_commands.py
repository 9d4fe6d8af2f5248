"""``/autopilot plan ...`` in issue comments: dry run, status, approve, retry, refusals."""

from __future__ import annotations

import pytest

from tests.plans.conftest import PlanWorld

pytestmark = pytest.mark.asyncio(loop_scope="session")

DRY_RUN = """\
## Dry run: Release 2.0

Mode `dry-run`. Phases in the order they would start:

1. `build` Build wheels
   - runs workflow `build.yml` (timeout 30m 0s, 1 retries)
   - succeeds if `reports/coverage.json` is valid JSON
2. `test` Test suite after `build`
   - runs workflow `test.yml` (timeout 30m 0s, 1 retries)
   - succeeds if `totals.percent` in `reports/coverage.json` >= 80
3. `docs` Docs after `build`
   - runs workflow `docs.yml` (timeout 30m 0s, 1 retries)
4. `deploy` Deploy after `test`, `docs`, waits for approval
   - runs workflow `deploy.yml` (timeout 30m 0s, 1 retries)
   - succeeds if files exist: `README.md`
"""


async def test_dry_run_shows_what_would_run_and_writes_nothing_else(plan_world: PlanWorld) -> None:
    w = plan_world
    where = w.open_issue()
    reply = await w.comment(where, "/autopilot plan run dry-run")
    head, _, preview = reply.partition("\n\n## Dry run")
    assert head.splitlines()[-1] == (
        "- 🚀 `/autopilot plan run dry-run`: dry run of Release 2.0: nothing was started."
    )
    assert "## Dry run" + preview == DRY_RUN + "\n"
    writes = [c.operation_id for c in w.fake.calls if c.method != "GET"]
    assert writes == [
        "reactions/create-for-issue-comment",
        "issues/create-comment",
        "reactions/create-for-issue-comment",
    ]
    assert await w.stores.plans.runs() == []
    reactions = [r.content for c in w.fake.state.comments.values() for r in c.reactions]
    assert reactions == ["eyes", "rocket"]


def said(reply: str) -> str:
    """The outcome line of the bot's reply."""
    [line] = [x for x in reply.splitlines() if x.startswith(("- 🚀", "- 😕"))]
    return line


async def test_status_approve_and_retry_in_comments(plan_world: PlanWorld) -> None:
    w = plan_world
    run = await w.runner().start(w.repo_plan())
    number = run.issue_number
    assert number is not None
    status = await w.comment(number, "/autopilot plan status", author="someone")
    assert said(status) == (
        "- 🚀 `/autopilot plan status`: **Release 2.0**, run 1 (tracking issue #1): "
        "**running**, 3 pending, 1 running."
    )
    assert "| `build` | 🔄 running | -/1 |  |" in status

    refused = await w.comment(number, "/autopilot plan approve deploy", author="someone")
    assert said(refused) == (
        "- 😕 `/autopilot plan approve deploy`: `plan approve` needs write access to "
        "octo-org/release"
    )
    early = await w.comment(number, "/autopilot plan approve deploy")
    assert said(early) == (
        "- 😕 `/autopilot plan approve deploy`: phase `deploy` is pending, not waiting for approval"
    )
    w.finish_runs("failure")
    await w.runner().advance(run.id)
    w.clock.advance(61)
    await w.runner().advance(run.id)  # the retry after the backoff
    w.finish_runs("failure")
    await w.runner().advance(run.id)
    retried = await w.comment(number, "/autopilot plan retry build")
    assert said(retried) == "- 🚀 `/autopilot plan retry build`: phase `build` will be retried."
    assert len(w.dispatches("build.yml")) == 3
    typo = await w.comment(number, "/autopilot plan aprove build")
    assert said(typo) == (
        "- 😕 `/autopilot plan aprove build`: plan takes run [auto|manual|dry-run], status, "
        "approve PHASE or retry PHASE"
    )
    assert not w.fake.unexpected_violations()


async def test_an_invalid_plan_file_is_explained(plan_world: PlanWorld) -> None:
    w = plan_world
    w.fake.push(
        w.repo,
        "main",
        {".github/autopilot/plan.yml": "name: x\nphases:\n  - id: a\n    depends_on: [b]\n"},
    )
    reply = await w.comment(w.open_issue(), "/autopilot plan run")
    assert "depends on 'b', which is not a phase of this plan" in reply
    assert "4" in reply  # the line
