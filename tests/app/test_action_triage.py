"""Journey 1 through ``autopilot action``: the Action keeps no state, GitHub is its record.

Each run of the Action has a new, empty store, exactly as on a runner: the summary shows
the triage report and the decision, a pass resolves the sticky comment found on GitHub by
its marker, and a re-run of the Action's job finds its check run instead of adding one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import action
from bot.concerns import compose_router
from bot.core.render import triage_report as render
from bot.fakegh import FakeGitHub
from bot.fakegh.demo import Demo
from bot.fakegh.state import CheckRun
from bot.fakegh.webhooks import workflow_run_completed
from tests.concerns.test_ci_failure import MAX_API_CALLS_PER_FAILED_JOB, journey_one

TOKEN = "ghs_actiontoken0123456789"
#: The Action's API calls for one failed job: no token to mint, nothing in its store.
ACTION_TRIAGE_CALLS = [
    "repos/get-content",
    "actions/list-jobs-for-workflow-run",
    "actions/download-job-logs-for-workflow-run",
    "checks/create",
    "issues/list-comments",
    "issues/create-comment",
]


class Runner:
    """One workflow job on a runner: its event file, summary, outputs and environment."""

    def __init__(self, fake: FakeGitHub, tmp_path: Path) -> None:
        self.fake = fake
        self.demo: Demo = fake.seed_demo()
        fake.add_token(TOKEN)
        self.tmp = tmp_path
        self.runs = 0

    def environ(self, payload: dict[str, Any], attempt: int = 1) -> dict[str, str]:
        self.runs += 1
        job = self.tmp / f"job-{self.runs}"
        job.mkdir()
        (job / "event.json").write_text(json.dumps(payload))
        return {
            "GITHUB_EVENT_NAME": "workflow_run",
            "GITHUB_EVENT_PATH": str(job / "event.json"),
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_API_URL": self.fake.url,
            "GITHUB_RUN_ID": str(500 + self.runs),
            "GITHUB_RUN_ATTEMPT": str(attempt),
            "GITHUB_STEP_SUMMARY": str(job / "summary.md"),
            "GITHUB_OUTPUT": str(job / "output.txt"),
            "GITHUB_WORKSPACE": str(job),
        }

    def payload(self, **changes: Any) -> dict[str, Any]:
        payload = workflow_run_completed(
            self.demo.repo, self.demo.run, [self.demo.pull], self.fake.url, installation_id=1
        )
        del payload["installation"]  # an Actions event file has none
        payload["workflow_run"].update(changes)
        return payload

    async def run(self, environ: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        """``autopilot action`` in its own event loop (the fake serves on this one)."""
        parser = argparse.ArgumentParser()
        action.register(parser.add_subparsers())
        args = parser.parse_args(["action"])
        code = await asyncio.to_thread(action.run_action, args, environ, compose_router())
        summary = Path(environ["GITHUB_STEP_SUMMARY"]).read_text()
        outputs = Path(environ["GITHUB_OUTPUT"]).read_text().splitlines()
        return code, summary, dict(line.split("=", 1) for line in outputs)


@pytest.fixture
def runner(fake_github: FakeGitHub, tmp_path: Path) -> Runner:
    return Runner(fake_github, tmp_path)


def _bot_comments(fake: FakeGitHub) -> list[str]:
    """The triage comments (the fix journey keeps a comment of its own)."""
    return [
        c.body
        for c in fake.state.comments.values()
        if c.user.type == "Bot" and c.body.startswith("<!-- autopilot:triage -->")
    ]


def _triage_check(fake: FakeGitHub) -> CheckRun:
    [check] = [r for r in fake.state.check_runs.values() if r.name == "autopilot/triage"]
    return check


async def test_the_summary_shows_the_report_and_the_decision(
    runner: Runner, fake_github: FakeGitHub, capfd: pytest.CaptureFixture[str]
) -> None:
    code, summary, outputs = await runner.run(runner.environ(runner.payload()))
    assert code == 0
    assert journey_one([c.operation_id or c.path for c in fake_github.calls]) == [
        *ACTION_TRIAGE_CALLS[:3],
        "fakegh/log-content",
        *ACTION_TRIAGE_CALLS[3:],
    ]
    ops = journey_one([c.operation_id or c.path for c in fake_github.calls])
    api = [op for op in ops if op != "fakegh/log-content"]
    assert len(api) <= MAX_API_CALLS_PER_FAILED_JOB
    [comment] = _bot_comments(fake_github)
    # The same Markdown as the sticky comment, without its hidden markers and footer.
    report = comment.split("\n", 2)[2].rsplit("\n<sub>", 1)[0].strip()
    assert report.startswith("### CI Autopilot: 3 failures: 1 type\\_error, 1 assertion, 1 lint")
    assert report in summary
    run = runner.demo.run
    assert (
        f"**Decision:** published the `autopilot/triage` check run of run {run.id} (attempt 1) "
        f"and the sticky comment on #{runner.demo.pull.number}." in summary
    )
    assert "- `ci_failure.on_workflow_run_failed`: done" in summary
    assert outputs == {
        "handlers": "4",  # triage, pass, the fix journey's routing, and plans moving on
        "failures": "0",
        "status": "ok",
        "decision": "published",
        "findings": "3",
    }
    log = capfd.readouterr().out.splitlines()
    errors = [line for line in log if line.startswith("::error ")]
    assert len(errors) == 3
    assert errors[0].startswith("::error file=calc/core.py,line=25,title=type_error")


async def test_a_pass_resolves_the_comment_found_on_github(
    runner: Runner, fake_github: FakeGitHub
) -> None:
    assert (await runner.run(runner.environ(runner.payload())))[0] == 0
    before = len(fake_github.calls)
    # A later job: a new runner, a new empty store; only GitHub remembers the triage.
    code, summary, outputs = await runner.run(
        runner.environ(runner.payload(conclusion="success", run_attempt=2))
    )
    assert code == 0
    [body] = _bot_comments(fake_github)
    assert body.startswith(render.MARKER) and "### CI Autopilot: CI passes again" in body
    assert [c.operation_id for c in fake_github.calls[before:]] == [
        "issues/list-comments",
        "issues/update-comment",
    ]
    assert "### CI Autopilot: CI passes" in summary
    assert f"**Decision:** the sticky comment on #{runner.demo.pull.number} now says" in summary
    assert outputs["decision"] == "resolved" and outputs["findings"] == "0"


async def test_a_pass_of_another_workflow_leaves_the_comment(
    runner: Runner, fake_github: FakeGitHub
) -> None:
    await runner.run(runner.environ(runner.payload()))
    code, summary, outputs = await runner.run(
        runner.environ(runner.payload(conclusion="success", name="Lint"))
    )
    assert code == 0 and outputs["decision"] == "nothing-to-resolve"
    [body] = _bot_comments(fake_github)
    assert "3 failures" in body
    assert "nothing to resolve: no triage comment of Lint on #" in summary


async def test_a_rerun_of_the_actions_job_updates_its_check_run(
    runner: Runner, fake_github: FakeGitHub
) -> None:
    payload = runner.payload()
    await runner.run(runner.environ(payload))
    before = len(fake_github.calls)
    code, _, outputs = await runner.run(runner.environ(payload, attempt=2))
    assert code == 0 and outputs["decision"] == "published"
    calls = [c.operation_id for c in fake_github.calls[before:]]
    assert "checks/list-for-ref" in calls and "checks/create" not in calls
    check = _triage_check(fake_github)
    assert len(check.annotations) == 3
    assert len(_bot_comments(fake_github)) == 1


async def test_5xx_and_rate_limits_on_the_triage_path_are_waited_out(
    runner: Runner, fake_github: FakeGitHub
) -> None:
    fake_github.inject_fault(502, operation_id="actions/list-jobs-for-workflow-run")
    fake_github.inject_fault(503, operation_id="actions/download-job-logs-for-workflow-run")
    fake_github.inject_fault(429, operation_id="checks/create")  # with retry-after: 1
    fake_github.inject_fault(
        403,
        operation_id="issues/create-comment",
        message="API rate limit exceeded for installation",
        headers={"retry-after": "", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "0"},
    )
    code, _, outputs = await runner.run(runner.environ(runner.payload()))
    assert code == 0 and outputs["decision"] == "published"
    for op, status in [
        ("actions/list-jobs-for-workflow-run", 502),
        ("actions/download-job-logs-for-workflow-run", 503),
        ("checks/create", 429),
        ("issues/create-comment", 403),
    ]:
        assert next(c.status for c in fake_github.calls_to(op)) == status
    check = _triage_check(fake_github)
    assert len(check.annotations) == 3
    assert len(_bot_comments(fake_github)) == 1


async def test_dry_run_shows_the_report_and_writes_nothing(
    runner: Runner, fake_github: FakeGitHub
) -> None:
    environ = {**runner.environ(runner.payload()), "AUTOPILOT_MODE": "dry-run"}
    code, summary, outputs = await runner.run(environ)
    assert code == 0 and outputs["decision"] == "dry-run" and outputs["findings"] == "3"
    assert [c.method for c in fake_github.calls] == ["GET"] * len(fake_github.calls)
    assert "### CI Autopilot: 3 failures: 1 type\\_error, 1 assertion, 1 lint" in summary
    run = runner.demo.run
    assert (
        f"**Decision:** dry-run: run {run.id} (attempt 1) was triaged and nothing was written "
        "to GitHub." in summary
    )
