"""The App-manifest flow, hook config and installation suspension in the fake GitHub."""

from __future__ import annotations

import json

import aiohttp
import pytest
from gidgethub import BadRequest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub

pytestmark = pytest.mark.asyncio(loop_scope="session")
MANIFEST = {
    "name": "Octo Bot",
    "url": "https://example.com",
    "hook_attributes": {"url": "https://example.com/hook"},
    "redirect_url": "https://example.com/done",
    "default_permissions": {"checks": "write"},
    "default_events": ["check_run"],
}


async def _code(session: aiohttp.ClientSession, fake: FakeGitHub, manifest: object) -> str:
    async with session.post(
        f"{fake.url}/settings/apps/new?state=s1",
        data={"manifest": json.dumps(manifest)},
        allow_redirects=False,
    ) as response:
        assert response.status == 302, await response.text()
        location = response.headers["Location"]
    assert location.startswith("https://example.com/done?code=") and location.endswith("&state=s1")
    return location.split("code=")[1].split("&")[0]


async def test_a_code_converts_once_into_an_app(
    fake_github: FakeGitHub, session: aiohttp.ClientSession
) -> None:
    code = await _code(session, fake_github, MANIFEST)
    gh = GitHubAPI(session, "fakegh-tests", base_url=fake_github.url)
    app = await gh.post(f"/app-manifests/{code}/conversions", data=b"")
    assert app["name"] == "Octo Bot" and app["slug"] == "octo-bot"
    assert app["permissions"] == {"checks": "write"} and app["events"] == ["check_run"]
    assert app["pem"].startswith("-----BEGIN PRIVATE KEY-----") and app["webhook_secret"]
    with pytest.raises(BadRequest) as refused:
        await gh.post(f"/app-manifests/{code}/conversions", data=b"")
    assert refused.value.status_code == 404


async def test_a_manifest_without_a_redirect_is_refused(
    fake_github: FakeGitHub, session: aiohttp.ClientSession
) -> None:
    bad = {k: v for k, v in MANIFEST.items() if k != "redirect_url"}
    async with session.post(
        f"{fake_github.url}/settings/apps/new", data={"manifest": json.dumps(bad)}
    ) as response:
        assert response.status == 422
        assert "redirect_url" in await response.text()
    assert fake_github.state.manifest_codes == {}
