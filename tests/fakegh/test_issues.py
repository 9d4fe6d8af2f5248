"""Issues, comments (Link pagination), reactions and collaborator permissions."""

from __future__ import annotations

import aiohttp
import pytest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo
from tests.fakegh.conftest import TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="session")
ISSUES = "/repos/octo-org/widgets/issues"


async def test_link_pagination_honours_per_page(
    fake_github: FakeGitHub, gh: GitHubAPI, session: aiohttp.ClientSession, repo: Repo
) -> None:
    issue = await gh.post(ISSUES, data={"title": "Dashboard", "body": "plan"})
    for i in range(5):
        fake_github.add_comment(repo, issue["number"], f"comment {i}")
    url = f"{fake_github.url}{ISSUES}/{issue['number']}/comments?per_page=2&page=2"
    async with session.get(url, headers={"Authorization": f"token {TOKEN}"}) as r:
        page = await r.json()
        links = r.headers["Link"]
    assert [c["body"] for c in page] == ["comment 2", "comment 3"]
    assert 'page=3>; rel="next"' in links and 'page=1>; rel="first"' in links
    assert 'page=3>; rel="last"' in links and 'page=1>; rel="prev"' in links
    bodies = [
        c["body"] async for c in gh.getiter(f"{ISSUES}/{issue['number']}/comments?per_page=2")
    ]
    assert bodies == [f"comment {i}" for i in range(5)]
    assert len(fake_github.calls_to("issues/list-comments")) == 4


async def test_sticky_comment_is_edited_in_place(fake_github: FakeGitHub, gh: GitHubAPI) -> None:
    issue = await gh.post(ISSUES, data={"title": "CI failed", "labels": ["autopilot"]})
    url = f"{ISSUES}/{issue['number']}/comments"
    comment = await gh.post(url, data={"body": "<!-- autopilot:triage -->\nfirst"})
    assert comment["user"]["login"] == "github-actions[bot]"
    await gh.patch(
        f"{ISSUES}/comments/{comment['id']}", data={"body": "<!-- autopilot:triage -->\nsecond"}
    )
    assert [c["body"] async for c in gh.getiter(url)] == ["<!-- autopilot:triage -->\nsecond"]
    closed = await gh.patch(f"{ISSUES}/{issue['number']}", data={"state": "closed"})
    assert closed["state"] == "closed" and closed["closed_at"]
    assert [i["number"] async for i in gh.getiter(f"{ISSUES}?state=open")] == []
    labelled = [i["number"] async for i in gh.getiter(f"{ISSUES}?state=all&labels=autopilot")]
    assert labelled == [issue["number"]]


async def test_reactions_on_comments(fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo) -> None:
    pull = fake_github.open_pull_request(repo, head="feature", files={"x.py": "x = 1\n"})
    comment = fake_github.add_comment(repo, pull.number, "/autopilot fix", author="octocat")
    url = f"{ISSUES}/comments/{comment.id}/reactions"
    first = await gh.post(url, data={"content": "eyes"})
    again = await gh.post(url, data={"content": "eyes"})
    await gh.post(url, data={"content": "rocket"})
    assert first["id"] == again["id"]
    assert [r.content for r in comment.reactions] == ["eyes", "rocket"]
    rockets = [r["content"] async for r in gh.getiter(url + "?content=rocket")]
    assert rockets == ["rocket"]
    as_issue = await gh.getitem(f"{ISSUES}/{pull.number}")
    assert as_issue["pull_request"]["url"].endswith(f"/pulls/{pull.number}")


async def test_collaborator_permission(fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo) -> None:
    fake_github.set_permission(repo, "maintainer", "maintain")
    url = "/repos/octo-org/widgets/collaborators/{user}/permission"
    owner = await gh.getitem(url, {"user": "octo-org"})
    maintainer = await gh.getitem(url, {"user": "maintainer"})
    stranger = await gh.getitem(url, {"user": "stranger"})
    assert owner["permission"] == "admin"
    assert (maintainer["permission"], maintainer["role_name"]) == ("write", "maintain")
    assert stranger["permission"] == "none"
