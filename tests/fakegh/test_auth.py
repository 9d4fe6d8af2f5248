"""App JWT -> installation token flow, static tokens, and GitHub's 401s."""

from __future__ import annotations

import time

import aiohttp
import jwt
import pytest
from gidgethub import BadRequest
from gidgethub.aiohttp import GitHubAPI
from gidgethub.apps import get_installation_access_token

from bot.fakegh import FakeGitHub
from bot.fakegh.auth import new_app_key_pair
from tests.fixtures.github import AppCredentials

pytestmark = pytest.mark.asyncio(loop_scope="session")
INSTALLATION = 77


@pytest.fixture
def installed(fake_github: FakeGitHub, app_credentials: AppCredentials) -> AppCredentials:
    fake_github.add_installation(INSTALLATION, "octo-org", repos=["widgets"])
    fake_github.seed_repo("someone", "elsewhere")
    return app_credentials


def app_jwt(
    creds: AppCredentials, *, iat: float | None = None, lifetime: int = 540, key: str | None = None
) -> str:
    now = int(time.time()) if iat is None else int(iat)
    claims = {"iat": now - 30, "exp": now - 30 + lifetime, "iss": str(creds.app_id)}
    return jwt.encode(claims, key or creds.private_key_pem, algorithm="RS256")


async def status_of(
    session: aiohttp.ClientSession, url: str, auth: str
) -> tuple[int, dict[str, str]]:
    async with session.post(url, headers={"Authorization": auth}) as r:
        return r.status, await r.json()


async def test_jwt_then_installation_token_then_repo_calls(
    fake_github: FakeGitHub, installed: AppCredentials, session: aiohttp.ClientSession
) -> None:
    app_gh = GitHubAPI(session, "tests", base_url=fake_github.url)
    token = await get_installation_access_token(
        app_gh,
        installation_id=str(INSTALLATION),
        app_id=str(installed.app_id),
        private_key=installed.private_key_pem,
    )
    assert token["token"].startswith("ghs_")
    assert token["expires_at"].endswith("Z")
    gh = GitHubAPI(session, "tests", oauth_token=token["token"], base_url=fake_github.url)
    repos = await gh.getitem("/installation/repositories")
    assert [r["full_name"] for r in repos["repositories"]] == ["octo-org/widgets"]
    assert (await gh.getitem("/repos/octo-org/widgets"))["private"] is False
    with pytest.raises(BadRequest) as exc:  # outside the installation: GitHub hides it
        await gh.getitem("/repos/someone/elsewhere")
    assert exc.value.status_code == 404
    app = await app_gh.getitem("/app", jwt=app_jwt(installed))
    assert app["id"] == installed.app_id
    assert [c.auth for c in fake_github.calls[:2]] == ["jwt", "installation"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("bad-signature", "could not be decoded"),
        ("expired", "'Expiration time'"),
        ("too-long", "too far in the future"),
        ("unknown-app", "Integration not found"),
    ],
)
async def test_bad_jwts_are_refused(
    fake_github: FakeGitHub,
    installed: AppCredentials,
    session: aiohttp.ClientSession,
    case: str,
    message: str,
) -> None:
    if case == "bad-signature":
        token = app_jwt(installed, key=new_app_key_pair()[0])
    elif case == "expired":
        token = app_jwt(installed, iat=time.time() - 3600)
    elif case == "too-long":
        token = app_jwt(installed, lifetime=601 + 30)
    else:
        token = jwt.encode(
            {"iat": int(time.time()), "exp": int(time.time()) + 60, "iss": "999"},
            installed.private_key_pem,
            algorithm="RS256",
        )
    url = f"{fake_github.url}/app/installations/{INSTALLATION}/access_tokens"
    status, body = await status_of(session, url, f"Bearer {token}")
    assert status == 401
    assert message in body["message"]
    assert fake_github.violations == []


async def test_tokens_are_checked(
    fake_github: FakeGitHub, installed: AppCredentials, session: aiohttp.ClientSession
) -> None:
    url = f"{fake_github.url}/repos/octo-org/widgets"
    async with session.get(url) as r:
        assert r.status == 401
        assert await r.json() == {
            "message": "Requires authentication",
            "documentation_url": "https://docs.github.com/rest",
            "status": "401",
        }
    async with session.get(url, headers={"Authorization": "token nope"}) as r:
        assert r.status == 401
    async with session.get(url, headers={"Authorization": f"Bearer {app_jwt(installed)}"}) as r:
        assert r.status == 401  # an App JWT is not an installation token
    fake_github.add_token("ghp_pat")
    async with session.get(
        f"{fake_github.url}/app", headers={"Authorization": "token ghp_pat"}
    ) as r:
        assert r.status == 401  # a PAT is not an App JWT
    async with session.get(url, headers={"Authorization": "Bearer ghp_pat"}) as r:
        assert r.status == 200


async def test_installation_tokens_expire(
    fake_github: FakeGitHub, installed: AppCredentials, session: aiohttp.ClientSession
) -> None:
    url = f"{fake_github.url}/app/installations/{INSTALLATION}/access_tokens"
    status, body = await status_of(session, url, f"Bearer {app_jwt(installed)}")
    assert status == 201
    start = time.time()
    fake_github.state.clock = lambda: start + 3601
    async with session.get(
        f"{fake_github.url}/repos/octo-org/widgets",
        headers={"Authorization": f"token {body['token']}"},
    ) as r:
        assert r.status == 401
        assert (await r.json())["message"] == "Bad credentials"
