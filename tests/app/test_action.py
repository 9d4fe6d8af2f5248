"""``autopilot action`` on a real example payload, with a token client against the fake GitHub."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from gidgethub.routing import Router

import bot.cli.main as cli
from bot.cli import action
from bot.concerns.ports import Ports
from bot.core.events import Event
from bot.fakegh import FakeGitHub
from bot.fakegh.webhooks import find_example

TOKEN = "ghs_actiontoken0123456789"


@pytest.fixture
def actions_env(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    """The environment GitHub Actions gives a step, for a failed ``workflow_run``."""
    demo = fake_github.seed_demo()
    fake_github.add_token(TOKEN)
    payload = find_example("workflow_run", "completed").payload
    payload["repository"].update(full_name=demo.repo.full_name, name=demo.repo.name)
    files = {name: tmp_path / name for name in ("event.json", "summary.md", "output.txt")}
    files["event.json"].write_text(json.dumps(payload))
    env = {
        "GITHUB_EVENT_NAME": "workflow_run",
        "GITHUB_EVENT_PATH": str(files["event.json"]),
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_RUN_ID": "99",
        "GITHUB_STEP_SUMMARY": str(files["summary.md"]),
        "GITHUB_OUTPUT": str(files["output.txt"]),
        "GITHUB_WORKSPACE": str(tmp_path),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(cli, "SUBCOMMANDS", ("action",))
    return files


def _probe_router(calls: list[str]) -> Router:
    router = Router()

    @router.register("workflow_run", action="completed")
    async def read_repo(event: Event, ports: Ports) -> None:
        repo = await ports.gh.getitem("/repos/{+name}", {"name": event.repository})
        calls.append(f"{repo['full_name']} {ports.settings.mode} {event.delivery_id}")

    @router.register("workflow_run")
    async def broken(event: Event, ports: Ports) -> None:
        raise ValueError("this concern is broken")

    return router


async def _run_with(router: Router, *argv: str) -> int:
    """``autopilot action ARGV`` dispatched through ``router`` (in its own event loop)."""
    parser = argparse.ArgumentParser()
    action.register(parser.add_subparsers())
    args = parser.parse_args(["action", *argv])
    return await asyncio.to_thread(action.run_action, args, os.environ, router)


async def test_action_dispatches_with_the_token_and_writes_a_summary(
    actions_env: dict[str, Path],
    fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    calls: list[str] = []
    # The action runs its own event loop; the fake keeps serving on this one.
    code = await _run_with(_probe_router(calls), "--mode", "dry-run")
    assert code == 1  # one concern failed
    assert calls == ["octo-org/demo dry-run actions-99-1"]
    [call] = fake_github.calls_to("repos/get")
    assert call.auth is not None and call.status == 200
    out = capfd.readouterr().out
    assert out.splitlines()[0] == f"::add-mask::{TOKEN}"
    assert TOKEN not in out.replace(f"::add-mask::{TOKEN}", "")
    assert "::error title=autopilot: broken failed::ValueError: this concern is broken" in out
    summary = actions_env["summary.md"].read_text()
    assert summary.startswith(
        "## CI Autopilot\n\nEvent `workflow_run.completed` on `octo-org/demo`"
    )
    assert "- `test_action.read_repo`: done" in summary
    assert "- `test_action.broken`: failed: ValueError: this concern is broken" in summary
    outputs = actions_env["output.txt"].read_text()
    assert outputs == "handlers=2\nfailures=1\nstatus=failed\ndecision=none\nfindings=0\n"


async def test_action_with_the_real_concerns_exits_0(actions_env: dict[str, Path]) -> None:
    code = await asyncio.to_thread(cli.main, ["action"])
    assert code == 0
    assert "status=ok" in actions_env["output.txt"].read_text()


async def test_action_outside_actions_is_exit_2(
    actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("GITHUB_EVENT_PATH")
    assert await asyncio.to_thread(cli.main, ["action"]) == 2
    assert "GITHUB_EVENT_PATH is not set" in capsys.readouterr().err
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(actions_env["event.json"]))
    actions_env["event.json"].write_text("{broken")
    assert await asyncio.to_thread(cli.main, ["action"]) == 2
    assert "malformed JSON" in capsys.readouterr().err


async def test_action_with_an_invalid_config_annotates_it_and_exits_2(
    actions_env: dict[str, Path],
    fake_github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    calls: list[str] = []
    config = actions_env["event.json"].parent / ".github" / "autopilot.yml"
    config.parent.mkdir()
    config.write_text("scoring:\n  pr_threshold: 1.5\nmode: fast\n")
    code = await _run_with(_probe_router(calls), "--config", ".github/autopilot.yml")
    assert code == 2
    assert calls == [] and fake_github.calls_to("repos/get") == []  # nothing was acted on
    out, err = capfd.readouterr()
    assert out.splitlines()[1:] == [
        "::error file=.github/autopilot.yml,line=2,col=17,title=autopilot config::"
        "scoring.pr_threshold: must be at most 1, got 1.5",
        "::error file=.github/autopilot.yml,line=3,col=7,title=autopilot config::"
        'mode: must be one of auto, dry-run, got "fast"',
    ]
    assert "Traceback" not in err
    summary = actions_env["summary.md"].read_text()
    assert summary.startswith(
        "## CI Autopilot\n\n`.github/autopilot.yml` is not valid, so CI Autopilot did not act"
    )
    assert "| 2 | 17 | `scoring.pr_threshold` | must be at most 1, got 1.5 |" in summary
    outputs = actions_env["output.txt"].read_text()
    assert outputs == ("handlers=0\nfailures=0\nstatus=invalid-config\ndecision=none\nfindings=0\n")


async def test_action_reads_the_config_from_the_workspace(
    actions_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    (actions_env["event.json"].parent / "autopilot.yml").write_text("mode: dry-run\n")
    # the file's dry-run wins over the input's auto: the more cautious mode is taken
    code = await _run_with(_probe_router(calls), "--mode", "auto", "--config", "autopilot.yml")
    assert code == 1  # the probe's broken concern
    assert calls == ["octo-org/demo dry-run actions-99-1"]
    assert "mode `dry-run`" in actions_env["summary.md"].read_text()
