"""The fake rejects what GitHub's REST description rejects, and records it."""

from __future__ import annotations

import aiohttp
import pytest
from gidgethub import BadRequest, GitHubBroken
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub, Spec, Violation
from bot.fakegh.state import Repo
from tests.fakegh.conftest import TOKEN
from tests.fixtures.github import ServerFactory

pytestmark = pytest.mark.asyncio(loop_scope="session")
AUTH = {"Authorization": f"token {TOKEN}"}


async def test_check_run_without_head_sha_is_rejected(
    fake_github: FakeGitHub, gh: GitHubAPI
) -> None:
    fake_github.expect_violations()
    with pytest.raises(BadRequest) as exc:
        await gh.post("/repos/octo-org/widgets/check-runs", data={"name": "autopilot/triage"})
    assert exc.value.status_code == 422
    [violation] = fake_github.violations
    assert violation.operation_id == "checks/create"
    assert "'head_sha' is a required property" in violation.message
    assert fake_github.calls[-1].status == 422


async def test_valid_check_run_is_accepted(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    sha = repo.refs["refs/heads/main"]
    run = await gh.post(
        "/repos/octo-org/widgets/check-runs",
        data={"name": "autopilot/triage", "head_sha": sha, "status": "in_progress"},
    )
    assert run["head_sha"] == sha
    assert fake_github.violations == []
    assert fake_github.calls_to("checks/create")[0].json["name"] == "autopilot/triage"


async def test_unknown_route_is_a_404_violation(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    fake_github.expect_violations()
    async with session.get(
        f"{fake_github.url}/repos/octo-org/widgets/no-such-thing", headers=AUTH
    ) as r:
        assert r.status == 404
        assert "REST description" in (await r.json())["message"]
    assert len(fake_github.violations) == 1


async def test_wrong_type_in_body_is_rejected(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    fake_github.expect_violations()
    url = f"{fake_github.url}/repos/octo-org/widgets/issues"
    async with session.post(url, json={"title": "x", "labels": "bug"}, headers=AUTH) as r:
        assert r.status == 422
        body = await r.json()
    assert body["status"] == "422"
    assert "documentation_url" in body
    assert "labels" in fake_github.violations[0].message


async def test_wrong_type_in_path_is_a_404(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    fake_github.expect_violations()
    async with session.get(
        f"{fake_github.url}/repos/octo-org/widgets/issues/abc", headers=AUTH
    ) as r:
        assert r.status == 404
    assert "issue_number" in fake_github.violations[0].message


async def test_missing_required_query_is_rejected(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    fake_github.expect_violations()
    async with session.get(f"{fake_github.url}/search/issues", headers=AUTH) as r:
        assert r.status == 422
    assert "q" in fake_github.violations[0].message


async def test_malformed_json_is_a_400(
    fake_github: FakeGitHub, session: aiohttp.ClientSession, repo: Repo
) -> None:
    fake_github.expect_violations()
    url = f"{fake_github.url}/repos/octo-org/widgets/issues"
    async with session.post(url, data=b"{not json", headers=AUTH) as r:
        assert r.status == 400
        assert (await r.json())["message"] == "Problems parsing JSON"


async def test_valid_but_unimplemented_operation_is_flagged(
    fake_github: FakeGitHub, gh: GitHubAPI
) -> None:
    fake_github.expect_violations()
    with pytest.raises(BadRequest):
        await gh.getitem("/repos/octo-org/widgets/releases")
    assert "not implemented by the fake" in fake_github.violations[0].message


async def test_without_spec_routes_still_answer(
    aiohttp_server: ServerFactory, session: aiohttp.ClientSession
) -> None:
    fake = FakeGitHub(spec=None)
    fake.add_token(TOKEN)
    fake.seed_repo("octo-org", "widgets")
    server = await aiohttp_server(fake.app)
    async with session.get(server.make_url("/repos/octo-org/widgets"), headers=AUTH) as r:
        assert r.status == 200
    async with session.get(server.make_url("/nowhere"), headers=AUTH) as r:
        assert r.status == 404
    assert len(fake.violations) == 1


async def test_server_errors_surface_as_gidgethub_errors(
    fake_github: FakeGitHub, gh: GitHubAPI
) -> None:
    fake_github.inject_fault(502, path="/repos/octo-org/widgets")
    with pytest.raises(GitHubBroken):
        await gh.getitem("/repos/octo-org/widgets")
    assert (await gh.getitem("/repos/octo-org/widgets"))["name"] == "widgets"


async def test_expected_violations_cover_requests_only(github_spec: Spec) -> None:
    fake = FakeGitHub(github_spec)
    bad_request = Violation("POST", "/x", "checks/create", "'head_sha' is a required property")
    bad_answer = Violation("GET", "/y", "repos/get", "the fake's 200 response…", "response")
    fake.violations.append(bad_request)
    assert fake.unexpected_violations() == [bad_request]
    fake.expect_violations()
    fake.violations.append(bad_answer)
    assert fake.unexpected_violations() == [bad_answer]
