"""Slash-commands through the App: signed ``issue_comment`` webhooks, workers, the fake GitHub."""

from __future__ import annotations

from bot.fakegh import FakeGitHub
from bot.store.deliveries import Status
from tests.app.conftest import ServerFactory
from tests.concerns.commands_world import INSTALLATION, READER, WRITER, comment_payload
from tests.fixtures.github import AppCredentials


async def test_commands_by_a_writer_and_a_reader_through_the_app(
    make_server: ServerFactory, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    demo = fake_github.seed_demo()
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    fake_github.set_permission(demo.repo, READER, "read")
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    for index, who in enumerate((READER, WRITER)):
        comment = fake_github.add_comment(
            demo.repo, demo.pull.number, "/autopilot retry", author=who
        )
        payload = comment_payload(fake_github, demo.repo, comment)
        assert (await server.post("issue_comment", payload, delivery=f"cmd-{index}")).status == 202
    assert await server.services.runtime.processor.drain() == 2
    assert [d.status for d in await server.services.runtime.store.recent()] == [Status.DONE] * 2
    [rerun] = fake_github.calls_to("actions/re-run-workflow-failed-jobs")
    assert rerun.auth == "installation"
    bodies = [c.body for c in fake_github.state.comments.values() if c.user.login.endswith("[bot]")]
    assert "😕 `/autopilot retry`: this command needs write permission" in bodies[0]
    assert "🚀 `/autopilot retry`: re-running the failed jobs" in bodies[1]
    # The bot's own reply carries no command it would run, and it never answers itself.
    reply = next(c for c in fake_github.state.comments.values() if c.user.login.endswith("[bot]"))
    payload = comment_payload(fake_github, demo.repo, reply, kind="Bot")
    assert (await server.post("issue_comment", payload, delivery="cmd-self")).status == 202
    calls = len(fake_github.calls)
    assert await server.services.runtime.processor.drain() == 1
    assert len(fake_github.calls) == calls
