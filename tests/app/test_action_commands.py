"""Slash-commands in the Action: ``autopilot action`` on an ``issue_comment`` event."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.concerns import compose_router
from bot.fakegh import FakeGitHub
from bot.fakegh.demo import Demo
from tests.app.test_action import TOKEN, _run_with
from tests.concerns.commands_world import READER, WRITER, comment_payload


@pytest.fixture
def comment_env(
    fake_github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Demo, Path]:
    demo = fake_github.seed_demo()
    fake_github.add_token(TOKEN)
    fake_github.set_permission(demo.repo, READER, "read")
    event = tmp_path / "event.json"
    env = {
        "GITHUB_EVENT_NAME": "issue_comment",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_RUN_ID": "7",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_WORKSPACE": str(tmp_path),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return demo, event


async def _comment(
    fake: FakeGitHub, demo: Demo, event: Path, body: str, author: str, **kw: str
) -> int:
    comment = fake.add_comment(demo.repo, demo.pull.number, body, author=author)
    event.write_text(json.dumps(comment_payload(fake, demo.repo, comment, **kw)))
    return await _run_with(compose_router())


def _bot_comments(fake: FakeGitHub) -> list[str]:
    return [c.body for c in fake.state.comments.values() if c.user.login == "github-actions[bot]"]


async def test_a_writer_retries_and_a_reader_is_refused_in_the_action(
    comment_env: tuple[Demo, Path], fake_github: FakeGitHub
) -> None:
    demo, event = comment_env
    assert await _comment(fake_github, demo, event, "/autopilot retry", READER) == 0
    assert fake_github.calls_to("actions/re-run-workflow-failed-jobs") == []
    [refusal] = _bot_comments(fake_github)
    assert "😕 `/autopilot retry`: this command needs write permission" in refusal
    assert await _comment(fake_github, demo, event, "/autopilot retry", WRITER) == 0
    [call] = fake_github.calls_to("actions/re-run-workflow-failed-jobs")
    assert call.auth == "token"
    assert "🚀 `/autopilot retry`" in _bot_comments(fake_github)[-1]
    reactions = [r.content for c in fake_github.state.comments.values() for r in c.reactions]
    assert reactions == ["eyes", "confused", "eyes", "rocket"]
    summary = (event.parent / "summary.md").read_text()
    assert "🚀 `/autopilot retry`: re-running the failed jobs" in summary


async def test_an_edit_in_a_later_action_run_does_not_run_a_command_twice(
    comment_env: tuple[Demo, Path], fake_github: FakeGitHub
) -> None:
    """The Action keeps no state: the reply's hidden marker says what already ran."""
    demo, event = comment_env
    assert await _comment(fake_github, demo, event, "/autopilot retry", WRITER) == 0
    fake_github.state.runs[demo.run.id].status = "completed"
    comment = next(c for c in fake_github.state.comments.values() if c.user.login == WRITER)
    comment.body = "/autopilot retry\n/autopilot status"
    event.write_text(json.dumps(comment_payload(fake_github, demo.repo, comment, action="edited")))
    assert await _run_with(compose_router()) == 0
    assert len(fake_github.calls_to("actions/re-run-workflow-failed-jobs")) == 1
    [reply] = _bot_comments(fake_github)
    assert "🚀 `/autopilot status`" in reply and "already run" in reply
