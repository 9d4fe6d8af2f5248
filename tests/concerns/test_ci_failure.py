"""Journey 1, CI failed → triage: the handler against the spec-validating fake GitHub."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.config.settings import Settings
from bot.core.render import fix_report
from bot.core.render import triage_report as render
from bot.fakegh.state import CheckRun
from tests.concerns.conftest import World, corpus_log

SETTINGS = Settings()
#: Journey 1 for one failed job, on a PR the bot has not commented on yet.
TRIAGE_CALLS = [
    "apps/create-installation-access-token",  # cached: once an hour per installation
    "repos/get-content",
    "actions/list-jobs-for-workflow-run",
    "actions/download-job-logs-for-workflow-run",
    "fakegh/log-content",  # the 302's target: the log's storage, not the API
    "checks/create",
    "issues/list-comments",
    "issues/create-comment",
]
#: Requests that are not API calls of the delivery: the token is minted once an hour per
#: installation and shared by every delivery; the log comes from storage, not the API.
NOT_API = frozenset({"apps/create-installation-access-token", "fakegh/log-content"})
MAX_API_CALLS_PER_FAILED_JOB = 6


#: The fix journey (journey 2) follows the triage in the same delivery and starts with one
#: of these, which journey 1 never calls.
FIX_JOURNEY_STARTS = frozenset({"pulls/get", "git/get-ref"})


def journey_one(ops: list[str]) -> list[str]:
    """One delivery's operations up to where the fix journey takes over."""
    starts = [n for n, op in enumerate(ops) if op in FIX_JOURNEY_STARTS]
    return ops[: starts[0]] if starts else ops


def api_calls(world: World, since: int = 0) -> list[str]:
    """Journey 1's API operations (after the first ``since`` requests)."""
    ops = journey_one([c.operation_id or c.path for c in world.fake.calls[since:]])
    return [op for op in ops if op not in NOT_API]


async def _handle(world: World, settings: Settings = SETTINGS, **changes: Any) -> None:
    event = world.event(**changes)
    await world.handle(event, settings)


def _bot_comments(world: World) -> list[str]:
    """The bot's triage comments (the fix journey keeps a comment of its own)."""
    return [
        c.body
        for c in world.fake.state.comments.values()
        if c.user.type == "Bot" and c.body.startswith(render.MARKER)
    ]


def _triage_checks(world: World) -> list[CheckRun]:
    """The triage check runs (the fix journey adds ``autopilot/fix``)."""
    checks = world.fake.state.check_runs.values()
    return [r for r in checks if r.name != fix_report.CHECK_NAME]


async def test_a_failed_run_gets_one_check_run_with_annotations_and_one_comment(
    world: World,
) -> None:
    await _handle(world)
    # Journey 2 carries on after these calls (tests/fixjourney).
    assert [c.operation_id for c in world.fake.calls][: len(TRIAGE_CALLS)] == TRIAGE_CALLS
    [check] = _triage_checks(world)
    assert (check.name, check.head_sha, check.conclusion) == (
        "autopilot/triage",
        world.demo.pull.head_sha,
        "failure",
    )
    assert check.output["title"] == "3 failures: 1 type_error, 1 assertion, 1 lint"
    assert [(a["path"], a["start_line"], a["annotation_level"]) for a in check.annotations] == [
        ("calc/core.py", 25, "failure"),
        ("tests/test_core.py", 7, "failure"),
        ("calc/core.py", 3, "failure"),
    ]
    [body] = _bot_comments(world)
    assert body.startswith(render.MARKER)
    assert "| 2 | assertion | `tests/test_core.py:7` | `tests/test_core.py::test_add` |" in body


async def test_the_second_run_edits_the_comment_and_a_redelivery_adds_nothing(
    any_store_world: World,
) -> None:
    world = any_store_world
    await _handle(world)
    await _handle(world)  # the same delivery again (a lapsed claim, a redelivery)
    [check] = _triage_checks(world)
    assert len(check.annotations) == 3  # resumed, not appended twice
    assert world.writes().count("issues/create-comment") == 2  # the triage and the fix comment
    rerun = world.fake.add_workflow_run(
        world.demo.repo,
        head_sha=world.demo.pull.head_sha,
        head_branch=world.demo.pull.head_ref,
        jobs=[("test", "failure", corpus_log("assertion_two_tests_xdist"))],
    )
    await world.handle(world.event(rerun), SETTINGS)
    [body] = _bot_comments(world)
    assert world.writes().count("issues/update-comment") == 1
    assert f"run {rerun.id}" in body and "_seen in 1 earlier run_" in body
    latest = max(_triage_checks(world), key=lambda r: r.id)
    assert latest.external_id == f"{rerun.id}:1" and len(_triage_checks(world)) == 2
    rows = world.store.db.fetchall(
        "SELECT r.run_id, f.category, f.file, f.line FROM triage_failures f "
        "JOIN triage_runs r ON r.id = f.triage_id ORDER BY r.run_id, f.file, f.line"
    )
    first = world.demo.run.id
    assert [(r["run_id"], r["category"], r["file"], r["line"]) for r in rows][:3] == [
        (first, "lint", "calc/core.py", 3),
        (first, "type_error", "calc/core.py", 25),
        (first, "assertion", "tests/test_core.py", 7),
    ]
    assert {r["run_id"] for r in rows} == {first, rerun.id}


def _ruff_log(tmp_path: Path, count: int) -> str:
    """Real ruff output with ``count`` findings (one unused import per line)."""
    (tmp_path / "many.py").write_text("".join(f"import mod{n}\n" for n in range(count)))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F401",
            "--output-format=concise",
            "many.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1 and result.stdout.count("F401") == count
    return result.stdout


async def test_more_than_50_annotations_go_in_batches_of_50(world: World, tmp_path: Path) -> None:
    run = world.fake.add_workflow_run(
        world.demo.repo,
        head_sha=world.demo.pull.head_sha,
        head_branch=world.demo.pull.head_ref,
        jobs=[("lint", "failure", _ruff_log(tmp_path, 120))],
    )
    await world.handle(world.event(run), SETTINGS)
    sizes = [
        len(c.json["output"]["annotations"])
        for c in world.fake.calls
        if c.operation_id in ("checks/create", "checks/update")
        and c.json.get("name", "autopilot/triage") == "autopilot/triage"
        and "annotations" in c.json["output"]
    ]
    assert sizes == [50, 50, 20]
    [check] = _triage_checks(world)
    assert len(check.annotations) == 120 and check.output["title"] == "120 failures: 120 lint"


async def test_a_502_on_the_log_download_is_retried(world: World) -> None:
    world.fake.inject_fault(502, operation_id="actions/download-job-logs-for-workflow-run")
    await _handle(world)
    statuses = [c.status for c in world.fake.calls_to("actions/download-job-logs-for-workflow-run")]
    assert statuses == [502, 302] and world.sleeps.durations == [1.0]
    [check] = _triage_checks(world)
    assert len(check.annotations) == 3


async def test_an_invalid_config_posts_a_failing_config_check_and_stops(world: World) -> None:
    sha = world.fake.push(
        world.demo.repo, world.demo.pull.head_ref, {".github/autopilot.yml": "mode: sometimes\n"}
    )
    world.demo.pull.head_sha = sha
    run = world.fake.add_workflow_run(
        world.demo.repo,
        head_sha=sha,
        head_branch=world.demo.pull.head_ref,
        jobs=[("test", "failure", corpus_log("multi_lint_types_tests_gha"))],
    )
    await world.handle(world.event(run), SETTINGS)
    [check] = _triage_checks(world)
    assert (check.name, check.conclusion, check.head_sha) == ("autopilot/config", "failure", sha)
    assert [(a["path"], a["start_line"]) for a in check.annotations] == [
        (".github/autopilot.yml", 1)
    ]
    assert "mode" in check.output["summary"]
    assert not world.fake.calls_to("actions/list-jobs-for-workflow-run")
    assert not _bot_comments(world)


@pytest.mark.parametrize("where", ["settings", "repository"])
async def test_dry_run_decides_and_logs_but_writes_nothing(
    world: World, where: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = SETTINGS
    if where == "settings":
        settings = Settings(mode="dry-run")
    else:
        sha = world.fake.push(
            world.demo.repo, world.demo.pull.head_ref, {".github/autopilot.yml": "mode: dry-run\n"}
        )
        world.demo.run.head_sha = world.demo.pull.head_sha = sha
    with caplog.at_level(logging.INFO, logger="bot.concerns.ci_failure"):
        await world.handle(world.event(), settings)
    assert world.writes() == ["apps/create-installation-access-token"]
    assert world.fake.calls_to("fakegh/log-content")  # it did triage
    assert "3 failures: 1 type_error, 1 assertion, 1 lint" in caplog.text
    assert "dry-run: no check run, no comment" in caplog.text


@pytest.mark.parametrize("conclusion", ["success", "cancelled", "skipped"])
async def test_runs_that_did_not_fail_make_no_calls(
    world: World, conclusion: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.concerns.ci_failure"):
        await _handle(world, conclusion=conclusion)
    assert world.fake.calls == []
    assert f"{conclusion}: not triaged" in caplog.text


async def test_a_pass_after_a_failure_on_one_commit_marks_its_failures_flaky(
    world: World,
) -> None:
    await _handle(world)
    await _handle(world, conclusion="success", run_attempt=2)
    await _handle(world, run_attempt=3)
    latest = max(_triage_checks(world), key=lambda r: r.id)
    assert latest.external_id == f"{world.demo.run.id}:3"
    assert {a["annotation_level"] for a in latest.annotations} == {"warning"}
    [body] = _bot_comments(world)
    assert "| 1 | type_error (flaky) |" in body


async def test_a_fork_pr_is_found_by_its_head_branch(world: World) -> None:
    await _handle(world, pull_requests=[])
    assert world.fake.calls_to("pulls/list")[0].query["head"] == "octo-org:tidy-core"
    assert len(_bot_comments(world)) == 1


async def test_a_payload_without_a_run_is_logged_not_raised(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    event = world.event()
    broken = event.__class__.from_payload("workflow_run", "x", {**event.data, "workflow_run": 7})
    await world.handle(broken, SETTINGS)
    assert world.fake.calls == [] and "workflow_run without" in caplog.text


async def test_a_pass_of_the_same_workflow_resolves_the_sticky_comment(world: World) -> None:
    await _handle(world)
    await _handle(world, conclusion="success", name="Lint")  # another workflow: untouched
    [body] = _bot_comments(world)
    assert "3 failures" in body
    await _handle(world, conclusion="success", run_attempt=2)
    [body] = _bot_comments(world)
    assert body.startswith(render.MARKER) and "### CI Autopilot: CI passes again" in body
    assert len(world.fake.calls_to("issues/update-comment")) == 1
    await _handle(world, run_attempt=3)  # failing again shows the triage again, same comment
    [body] = _bot_comments(world)
    assert "failures" in body and "passes again" not in body


async def test_a_pass_without_an_earlier_triage_makes_no_calls(world: World) -> None:
    await _handle(world, conclusion="success")
    assert world.fake.calls == []
