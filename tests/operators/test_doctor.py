"""``autopilot doctor`` against the fake GitHub: a good setup, then each thing broken."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import bot.cli.main as cli
from bot.fakegh import FakeGitHub
from bot.fakegh.auth import new_app_key_pair
from tests.fixtures.github import AppCredentials

SECRET = "a-long-enough-webhook-secret-0123"
Run = Callable[..., Any]


@pytest.fixture
def doctor(
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """A good setup; ``await doctor()`` runs the command and returns (code, report)."""
    fake_github.state.apps[app_credentials.app_id].webhook_secret = SECRET
    fake_github.add_installation(77, "octo-org", repos=["demo"])
    env = {
        "AUTOPILOT_APP_ID": str(app_credentials.app_id),
        "AUTOPILOT_PRIVATE_KEY": app_credentials.private_key_pem,
        "AUTOPILOT_WEBHOOK_SECRET": SECRET,
        "AUTOPILOT_STORE": f"sqlite:///{tmp_path / 'autopilot.db'}",
        "AUTOPILOT_QUEUE": "local",
        "GITHUB_API_URL": fake_github.url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    async def run(*argv: str) -> tuple[int, dict[str, Any]]:
        code = await asyncio.to_thread(cli.main, ["doctor", "--format", "json", *argv])
        out = capsys.readouterr().out
        return code, json.loads(out) if out else {}

    return run


def bad(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"] if not c["ok"]}


async def test_a_good_setup_is_all_good(doctor: Run, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = await doctor()
    assert code == 0 and report["ok"], report
    assert [c["name"] for c in report["checks"]] == [
        "webhook secret",
        "store",
        "queue",
        "App id and key",
        "permissions",
        "events",
        "webhook",
        "installations",
        "installation 77 (octo-org)",
    ]
    assert await asyncio.to_thread(cli.main, ["doctor"]) == 0
    assert capsys.readouterr().out.endswith("all good\n")


async def test_redis_queue_is_checked(doctor: Run, redis_url: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("AUTOPILOT_QUEUE", redis_url)
    code, report = await doctor()
    assert code == 0, report
    monkeypatch.setenv("AUTOPILOT_QUEUE", "redis://127.0.0.1:1/0")
    code, report = await doctor()
    assert code == 1 and list(bad(report)) == ["queue"]
    assert "Redis is up" in bad(report)["queue"]["fix"]


async def test_a_key_github_refuses(doctor: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOPILOT_PRIVATE_KEY", new_app_key_pair()[0])
    code, report = await doctor()
    assert code == 1 and list(bad(report)) == ["App id and key"]
    check = bad(report)["App id and key"]
    assert "GitHub refused the App's JWT" in check["detail"] and "401" in check["detail"]
    assert "private keys" in check["fix"]


async def test_an_unknown_app_id(doctor: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOPILOT_APP_ID", "999999")
    code, report = await doctor()
    assert code == 1 and list(bad(report)) == ["App id and key"]


async def test_no_or_weak_webhook_secret(doctor: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOPILOT_WEBHOOK_SECRET")
    code, report = await doctor()
    assert code == 1 and list(bad(report)) == ["webhook secret"]
    monkeypatch.setenv("AUTOPILOT_WEBHOOK_SECRET", "short")
    code, report = await doctor()
    assert "only 5 characters" in bad(report)["webhook secret"]["detail"]


async def test_no_secret_on_github(
    doctor: Run, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    fake_github.state.apps[app_credentials.app_id].webhook_secret = None
    code, report = await doctor()
    assert code == 1 and list(bad(report)) == ["webhook"]
    assert "no secret on GitHub" in bad(report)["webhook"]["detail"]


async def test_a_store_that_does_not_answer(doctor: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOPILOT_STORE", "postgresql://autopilot:pw@127.0.0.1:1/nowhere")
    code, report = await doctor()
    assert code == 1 and list(bad(report)) == ["store"]
    assert "pw" not in bad(report)["store"]["detail"]  # the password is redacted


async def test_missing_permissions_and_events(
    doctor: Run, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    app = fake_github.state.apps[app_credentials.app_id]
    app.permissions = {"checks": "read", "contents": "write", "metadata": "read"}
    app.events = ["workflow_run", "push"]
    code, report = await doctor()
    problems = bad(report)
    assert code == 1 and list(problems) == ["permissions", "events"]
    assert problems["permissions"]["detail"] == (
        "missing actions: write (has none); checks: write (has read); issues: write (has none); "
        "pull_requests: write (has none)"
    )
    assert problems["events"]["detail"] == (
        "not subscribed to check_run, check_suite, issue_comment, issues, pull_request"
    )


async def test_installations_missing_suspended_or_behind(
    doctor: Run, fake_github: FakeGitHub
) -> None:
    fake_github.state.installations[77].permissions = {"checks": "write", "metadata": "read"}
    fake_github.add_installation(78, "other-org", repos=["x"])
    fake_github.suspend_installation(78)
    code, report = await doctor()
    problems = bad(report)
    assert code == 1 and list(problems) == [
        "installation 77 (octo-org)",
        "installation 78 (other-org)",
    ]
    assert problems["installation 77 (octo-org)"]["detail"].startswith(
        "has not accepted actions: write (has none)"
    )
    assert problems["installation 78 (other-org)"]["detail"] == "suspended"
    fake_github.remove_installation(77)
    fake_github.remove_installation(78)
    code, report = await doctor()
    assert bad(report)["installations"]["detail"] == "the App is installed nowhere"


async def test_configuration_errors_are_exit_2(
    doctor: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert (await doctor("--manifest", str(tmp_path / "missing.yml")))[0] == 2
    monkeypatch.setenv("AUTOPILOT_APP_ID", "not-a-number")
    assert (await doctor())[0] == 2
    monkeypatch.delenv("AUTOPILOT_APP_ID")
    monkeypatch.delenv("AUTOPILOT_PRIVATE_KEY")
    assert (await doctor())[0] == 2
