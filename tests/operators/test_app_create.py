"""``autopilot app create``: the manifest flow end to end against the fake GitHub."""

from __future__ import annotations

import asyncio
import html
import re
import socket
import stat
from pathlib import Path

import aiohttp
import pytest

import bot.cli.main as cli
from bot.config.manifest import PROJECT_MANIFEST, load_manifest
from bot.fakegh import FakeGitHub
from bot.github.auth import AppAuth
from bot.github.client import GitHubClient


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _page(url: str) -> str:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):  # the command starts its server in another thread
            try:
                async with session.get(url) as response:
                    return await response.text()
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def _form(page: str) -> tuple[str, str]:
    action = re.search(r'<form method="post" action="([^"]+)"', page)
    manifest = re.search(r'name="manifest" value="([^"]+)"', page)
    assert action and manifest, page
    return html.unescape(action.group(1)), html.unescape(manifest.group(1))


@pytest.fixture
def api(fake_github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GITHUB_API_URL", fake_github.url)
    return fake_github.url


async def test_the_manifest_flow_creates_the_app_and_writes_its_credentials(
    api: str, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    port, out = _free_port(), tmp_path / "creds"
    argv = ["app", "create", "--port", str(port), "--out", str(out), "--org", "octo-org",
            "--webhook-url", "https://bot.example.com/webhook", "--timeout", "30"]  # fmt: skip
    command = asyncio.create_task(asyncio.to_thread(cli.main, argv))
    action, manifest_json = _form(await _page(f"http://127.0.0.1:{port}/"))
    assert action.startswith(f"{api}/organizations/octo-org/settings/apps/new?state=")
    # The person confirms on GitHub; GitHub redirects back to the local callback.
    async with (
        aiohttp.ClientSession() as session,
        session.post(action, data={"manifest": manifest_json}) as response,
    ):
        assert response.status == 200, await response.text()
        assert "created" in await response.text()
        assert str(response.url).startswith(f"http://127.0.0.1:{port}/callback?code=")
    assert await command == 0
    [app] = [a for a in fake_github.state.apps.values() if a.name == "CI Autopilot"]
    wanted = load_manifest(PROJECT_MANIFEST)
    assert app.permissions == wanted.permissions and app.events == wanted.events
    assert app.hook_url == "https://bot.example.com/webhook"
    env_file = out / "autopilot.env"
    key_file = out / "ci-autopilot.private-key.pem"
    for path in (env_file, key_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    env = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert env == {
        "AUTOPILOT_APP_ID": str(app.id),
        "AUTOPILOT_PRIVATE_KEY_PATH": str(key_file.resolve()),
        "AUTOPILOT_WEBHOOK_SECRET": app.webhook_secret,
        "GITHUB_API_URL": api,
    }
    # The written key is one GitHub accepts for the new App.
    async with aiohttp.ClientSession() as session:
        gh = GitHubClient(session, base_url=api, app=AppAuth(str(app.id), key_file.read_text()))
        assert (await gh.getitem("/app"))["id"] == app.id
    [conversion] = fake_github.calls_to("apps/create-from-manifest")
    assert conversion.status == 201 and conversion.auth == "none"


async def test_a_forged_callback_writes_nothing_and_existing_credentials_are_kept(
    api: str, tmp_path: Path
) -> None:
    port = _free_port()
    argv = ["app", "create", "--port", str(port), "--out", str(tmp_path), "--timeout", "2"]
    command = asyncio.create_task(asyncio.to_thread(cli.main, argv))
    await _page(f"http://127.0.0.1:{port}/")
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{port}/callback?code=abc&state=forged"
        async with session.get(url) as response:
            assert response.status == 400
    assert await command == 1  # timed out: nobody completed the flow
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "autopilot.env").write_text("AUTOPILOT_APP_ID=1\n")
    assert await asyncio.to_thread(cli.main, ["app", "create", "--out", str(tmp_path)]) == 2
