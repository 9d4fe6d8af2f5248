"""Git data (blobs, trees, commits, refs) and the contents API keep a consistent history."""

from __future__ import annotations

import base64

import pytest
from gidgethub import BadRequest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo

pytestmark = pytest.mark.asyncio(loop_scope="session")
GIT = "/repos/octo-org/widgets/git"


async def test_commit_a_fix_on_a_new_branch(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    main = await gh.getitem(f"{GIT}/ref/heads/main")
    base = await gh.getitem(f"{GIT}/commits/{main['object']['sha']}")
    blob = await gh.post(f"{GIT}/blobs", data={"content": "print('fixed')\n", "encoding": "utf-8"})
    tree = await gh.post(
        f"{GIT}/trees",
        data={
            "base_tree": base["tree"]["sha"],
            "tree": [{"path": "src/app.py", "mode": "100644", "type": "blob", "sha": blob["sha"]}],
        },
    )
    assert {e["path"] for e in tree["tree"]} == {"app.py", "src", "src/app.py"}
    commit = await gh.post(
        f"{GIT}/commits",
        data={"message": "autopilot: fix", "tree": tree["sha"], "parents": [base["sha"]]},
    )
    await gh.post(f"{GIT}/refs", data={"ref": "refs/heads/autopilot/fix-1", "sha": commit["sha"]})
    assert repo.resolve("autopilot/fix-1") == commit["sha"]
    refs = await gh.getitem(f"{GIT}/matching-refs/heads/autopilot/")
    assert [r["ref"] for r in refs] == ["refs/heads/autopilot/fix-1"]
    top = await gh.getitem(f"{GIT}/trees/{tree['sha']}")
    assert {e["path"] for e in top["tree"]} == {"app.py", "src"}

    with pytest.raises(BadRequest) as exc:  # main does not contain the new commit's parent chain
        await gh.patch(f"{GIT}/refs/heads/autopilot/fix-1", data={"sha": main["object"]["sha"]})
    assert exc.value.status_code == 422
    await gh.patch(f"{GIT}/refs/heads/main", data={"sha": commit["sha"]})
    await gh.delete(f"{GIT}/refs/heads/autopilot/fix-1")
    assert "refs/heads/autopilot/fix-1" not in repo.refs


async def test_contents_read_and_update(fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo) -> None:
    url = "/repos/octo-org/widgets/contents/app.py"
    current = await gh.getitem(url)
    assert base64.b64decode(current["content"]) == b"print('hi')\n"
    new = base64.b64encode(b"print('bye')\n").decode()
    with pytest.raises(BadRequest) as exc:
        await gh.put(url, data={"message": "m", "content": new, "sha": "0" * 40})
    assert exc.value.status_code == 409
    done = await gh.put(url, data={"message": "m", "content": new, "sha": current["sha"]})
    assert repo.commit_files(done["commit"]["sha"])["app.py"] == b"print('bye')\n"
    created = await gh.put(
        "/repos/octo-org/widgets/contents/docs/new.md",
        data={"message": "m", "content": new, "branch": "main"},
    )
    assert created["content"]["path"] == "docs/new.md"
