"""What the fix journey needs from the fake: archives, commit lists, reviews, fork heads."""

from __future__ import annotations

import io
import tarfile

import aiohttp
import pytest
from gidgethub import BadRequest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo
from tests.fakegh.conftest import TOKEN

pytestmark = pytest.mark.asyncio(loop_scope="session")
REPO = "/repos/octo-org/widgets"


async def test_the_tarball_of_a_ref_redirects_to_an_archive_of_its_files(
    fake_github: FakeGitHub, repo: Repo, session: aiohttp.ClientSession
) -> None:
    sha = fake_github.push(repo, "main", {"src/lib.py": "x = 1\n"})
    headers = {"authorization": f"token {TOKEN}"}
    async with session.get(
        f"{fake_github.url}{REPO}/tarball/{sha}", headers=headers, allow_redirects=False
    ) as answer:
        assert answer.status == 302
        location = answer.headers["Location"]
    async with session.get(location) as archive:  # a signed URL: no token needed
        data = await archive.read()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = sorted(tar.getnames())
        top = f"octo-org-widgets-{sha[:7]}"
        assert names == [top, f"{top}/app.py", f"{top}/src", f"{top}/src/lib.py"]
        member = tar.extractfile(f"{top}/src/lib.py")
        assert member is not None and member.read() == b"x = 1\n"
    async with session.get(location.replace("sig=", "sig=x")) as forged:
        assert forged.status == 403
    assert fake_github.calls_to("repos/download-tarball-archive")


async def test_list_commits_walks_from_a_branch_newest_first(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    first = fake_github.push(repo, "feature", {"a.py": "1\n"}, message="one")
    second = fake_github.push(repo, "feature", {"a.py": "2\n"}, message="two")
    commits = await gh.getitem(f"{REPO}/commits?sha=feature&per_page=2")
    assert [c["sha"] for c in commits] == [second, first]
    assert [c["commit"]["message"] for c in commits] == ["two", "one"]
    assert commits[0]["parents"][0]["sha"] == first


async def test_reviews_with_suggestions_and_review_requests(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    fake_github.set_permission(repo, "alice", "write")
    pull = fake_github.open_pull_request(repo, head="fix", files={"app.py": "print('x')\n"})
    suggestion = {"path": "app.py", "line": 1, "side": "RIGHT",
                  "body": "```suggestion\nprint('y')\n```"}  # fmt: skip
    review = await gh.post(
        f"{REPO}/pulls/{pull.number}/reviews",
        data={"commit_id": pull.head_sha, "event": "COMMENT", "body": "b",
              "comments": [suggestion]},
    )  # fmt: skip
    assert review["state"] == "COMMENTED" and review["commit_id"] == pull.head_sha
    [stored] = fake_github.state.reviews.values()
    assert stored.comments == [suggestion]
    with pytest.raises(BadRequest) as outside:  # a file the PR does not change
        await gh.post(
            f"{REPO}/pulls/{pull.number}/reviews",
            data={"event": "COMMENT", "body": "b", "comments": [{**suggestion, "path": "x.py"}]},
        )
    assert outside.value.status_code == 422
    asked = await gh.post(
        f"{REPO}/pulls/{pull.number}/requested_reviewers", data={"reviewers": ["alice"]}
    )
    assert [u["login"] for u in asked["requested_reviewers"]] == ["alice"]
    with pytest.raises(BadRequest) as stranger:
        await gh.post(
            f"{REPO}/pulls/{pull.number}/requested_reviewers", data={"reviewers": ["mallory"]}
        )
    assert stranger.value.status_code == 422


async def test_a_fork_prs_head_is_readable_in_the_base_repository(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    fork = fake_github.seed_repo("alice", "widgets", files={"app.py": "print('hi')\n"})
    fake_github.push(fork, "patch", {"app.py": "print('fork')\n"})
    pull = fake_github.open_pull_request(repo, head="alice:patch")
    assert repo.refs[f"refs/pull/{pull.number}/head"] == pull.head_sha
    commit = await gh.getitem(f"{REPO}/git/commits/{pull.head_sha}")
    assert commit["sha"] == pull.head_sha
    runs = await gh.getitem(f"{REPO}/commits/{pull.head_sha}/check-runs")
    assert runs["total_count"] == 0
