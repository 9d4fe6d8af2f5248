"""``autopilot serve`` and ``autopilot worker`` from the command line, including sandbox mode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.cli.main as cli
import bot.cli.serve as serve
from bot.config.settings import Settings

CLEAN_ENV = (
    "AUTOPILOT_WEBHOOK_SECRET",
    "AUTOPILOT_APP_ID",
    "AUTOPILOT_PRIVATE_KEY",
    "AUTOPILOT_PRIVATE_KEY_PATH",
    "AUTOPILOT_STORE",
    "AUTOPILOT_QUEUE",
    "GITHUB_API_URL",
)


@pytest.fixture(autouse=True)
def only_app_commands(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """These tests are about the App's subcommands, in a clean environment."""
    monkeypatch.setattr(cli, "SUBCOMMANDS", ("serve", "worker", "action"))
    for name in CLEAN_ENV:
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    from bot.fakegh.auth import new_app_key_pair

    path = tmp_path / "app.pem"
    path.write_text(new_app_key_pair()[0])
    return path


def test_serve_refuses_to_start_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AUTOPILOT_APP_ID", "4242")
    monkeypatch.setenv("AUTOPILOT_PRIVATE_KEY_PATH", str(key_file))
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "refusing to start without AUTOPILOT_WEBHOOK_SECRET" in err and "--insecure-dev" in err


def test_insecure_dev_starts_without_a_secret(
    monkeypatch: pytest.MonkeyPatch, key_file: Path
) -> None:
    monkeypatch.setenv("AUTOPILOT_APP_ID", "4242")
    monkeypatch.setenv("AUTOPILOT_PRIVATE_KEY_PATH", str(key_file))
    started: list[tuple[Settings, dict[str, Any]]] = []

    async def fake_serve_forever(settings: Settings, **kwargs: Any) -> None:
        started.append((settings, kwargs))

    monkeypatch.setattr(serve, "serve_forever", fake_serve_forever)
    assert cli.main(["serve", "--insecure-dev", "--port", "9999"]) == 0
    [(settings, kwargs)] = started
    assert settings.webhook_secret is None and settings.app_id == "4242"
    assert kwargs == {"host": "127.0.0.1", "port": 9999, "run_workers": True}
    assert "PRIVATE KEY" not in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUTOPILOT_APP_ID": "4242"}, "App credentials are incomplete"),
        ({"AUTOPILOT_QUEUE": "kafka://x"}, "AUTOPILOT_QUEUE must be"),
        ({"GITHUB_API_URL": "ftp://x"}, "GITHUB_API_URL must be"),
        ({"AUTOPILOT_STORE": "mysql://x"}, "unsupported AUTOPILOT_STORE"),
    ],
)
def test_bad_configuration_is_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    argv = ["serve", "--once", "--port", "0"]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


def test_worker_needs_app_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["worker"]) == 2
    assert "needs AUTOPILOT_APP_ID" in capsys.readouterr().err


def test_serve_no_workers_only_acknowledges_and_worker_runs_the_local_queue(
    monkeypatch: pytest.MonkeyPatch, key_file: Path, tmp_path: Path
) -> None:
    import bot.app.local_worker as local_worker

    monkeypatch.setenv("AUTOPILOT_APP_ID", "4242")
    monkeypatch.setenv("AUTOPILOT_PRIVATE_KEY_PATH", str(key_file))
    monkeypatch.setenv("AUTOPILOT_WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("AUTOPILOT_STORE", f"sqlite:///{tmp_path / 'a.db'}")
    served: list[dict[str, Any]] = []

    async def fake_serve_forever(settings: Settings, **kwargs: Any) -> None:
        served.append(kwargs)

    monkeypatch.setattr(serve, "serve_forever", fake_serve_forever)
    assert cli.main(["serve", "--no-workers"]) == 0
    assert cli.main(["serve"]) == 0
    assert [kwargs["run_workers"] for kwargs in served] == [False, True]
    assert cli.main(["serve", "--no-workers", "--worker"]) == 2

    worked: list[tuple[Settings, bool]] = []

    async def fake_run(settings: Settings, *, stop: Any, burst: bool = False) -> int:
        worked.append((settings, burst))
        return 0

    monkeypatch.setattr(local_worker, "run_local_workers", fake_run)
    assert cli.main(["worker", "--burst"]) == 0
    [(settings, burst)] = worked
    assert not settings.uses_redis and burst


def test_sandbox_once_plays_the_demo_and_shows_the_calls(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTOPILOT_STORE", f"sqlite:///{tmp_path / 'sandbox.db'}")
    assert cli.main(["serve", "--sandbox", "--once", "--port", "0"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "validating every request against @octokit/openapi" in out
    assert "installation.created         done" in out
    assert "POST   /app/installations/4243/access_tokens" in out
    assert "GET    /installation/repositories" in out
    assert "stored installation 4243: active, account octo-org, repositories octo-org/demo" in out
    assert "workflow_run.completed       done" in out
    for operation in (
        "actions/list-jobs-for-workflow-run",
        "actions/download-job-logs-for-workflow-run",
        "checks/create",
        "issues/create-comment",
    ):
        assert operation in out
    assert "check run autopilot/triage on" in out and "3 failures: 1 type_error" in out
    assert "<!-- autopilot:triage -->" in out
    # Journey 2: a lint-only failure, its fix PR, CI passing on it, the merge at its SHA.
    assert "journey 2: PR #3 failed lint only" in out
    fix_line = next(line for line in out.splitlines() if line.startswith("  fix PR #4 "))
    fix_sha = fix_line.split("commit ", 1)[1].split(",", 1)[0]
    assert f"merged #4 with sha {fix_sha} -> 200" in out
    assert "### CI Autopilot: fix `" in out and "route `auto_merge`" in out
    health = json.loads(out.split("GET /healthz -> ", 1)[1].splitlines()[0])
    assert health["status"] == "ok" and health["queue_depth"] == 0
    lines = [json.loads(line) for line in captured.err.splitlines() if line.startswith("{")]
    assert {"ts", "level", "msg"} <= set(lines[0])
    assert any(line.get("delivery") and line.get("event") == "ping" for line in lines)


def test_sandbox_demo_deliveries_keep_githubs_shapes(github_spec: Any) -> None:
    from bot.app.sandbox import demo_deliveries
    from bot.fakegh import FakeGitHub
    from bot.fakegh.webhooks import find_example, payload_errors

    fake = FakeGitHub(github_spec)
    for event, payload in demo_deliveries(fake.seed_demo(), "http://127.0.0.1:1"):
        action = payload.get("action")
        # Some upstream examples break their own schema; the demo must add nothing to that.
        upstream = set(payload_errors(event, action, find_example(event, action).payload))
        assert set(payload_errors(event, action, payload)) <= upstream, event


def test_sandbox_keeps_a_configured_webhook_secret(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deliveries signed with the operator's secret keep working while in sandbox mode."""
    monkeypatch.setenv("AUTOPILOT_STORE", f"sqlite:///{tmp_path / 'sandbox.db'}")
    monkeypatch.setenv("AUTOPILOT_WEBHOOK_SECRET", "operator-secret-123")
    assert cli.main(["serve", "--once", "--port", "0"]) == 0
    captured = capsys.readouterr()
    assert "webhook secret from AUTOPILOT_WEBHOOK_SECRET" in captured.out
    assert "workflow_run.completed       done" in captured.out  # the demo signed with it
    assert "operator-secret-123" not in captured.out + captured.err
