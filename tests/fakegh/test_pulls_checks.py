"""Pull requests (merge honours ``sha``) and check runs (annotations batched by 50)."""

from __future__ import annotations

import pytest
from gidgethub import BadRequest
from gidgethub.aiohttp import GitHubAPI

from bot.fakegh import FakeGitHub
from bot.fakegh.state import Repo

pytestmark = pytest.mark.asyncio(loop_scope="session")
PULLS = "/repos/octo-org/widgets/pulls"


async def test_open_list_files_and_merge_exact_sha(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    head = fake_github.push(repo, "fix", {"app.py": "print('fixed')\n", "new.txt": "x\n"})
    pr = await gh.post(PULLS, data={"title": "Fix", "head": "fix", "base": "main", "body": "b"})
    assert (pr["number"], pr["head"]["sha"], pr["mergeable"]) == (1, head, True)
    files = await gh.getitem(f"{PULLS}/1/files")
    assert [(f["filename"], f["status"]) for f in files] == [
        ("app.py", "modified"),
        ("new.txt", "added"),
    ]
    assert "+print('fixed')" in files[0]["patch"]
    assert [p["number"] async for p in gh.getiter(f"{PULLS}?state=open")] == [1]

    with pytest.raises(BadRequest) as exc:
        await gh.put(f"{PULLS}/1/merge", data={"sha": "0" * 40, "merge_method": "squash"})
    assert exc.value.status_code == 409
    merged = await gh.put(f"{PULLS}/1/merge", data={"sha": head, "merge_method": "squash"})
    assert merged["merged"] is True
    assert repo.refs["refs/heads/main"] == merged["sha"]
    assert repo.commit_files(merged["sha"])["new.txt"] == b"x\n"
    assert (await gh.getitem(f"{PULLS}/1"))["state"] == "closed"
    with pytest.raises(BadRequest) as exc:
        await gh.put(f"{PULLS}/1/merge", data={"sha": head})
    assert exc.value.status_code == 405


async def test_unmergeable_pull_request_is_405(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    pull = fake_github.open_pull_request(repo, head="wip", files={"a.py": "1\n"})
    pull.mergeable = False
    with pytest.raises(BadRequest) as exc:
        await gh.put(f"{PULLS}/{pull.number}/merge", data={"sha": pull.head_sha})
    assert exc.value.status_code == 405
    with pytest.raises(BadRequest) as exc:  # one open PR per head and base
        await gh.post(PULLS, data={"title": "Again", "head": "wip", "base": "main"})
    assert exc.value.status_code == 422


async def test_check_run_annotations_are_batched(
    fake_github: FakeGitHub, gh: GitHubAPI, repo: Repo
) -> None:
    sha = repo.refs["refs/heads/main"]
    note = {
        "path": "app.py",
        "start_line": 1,
        "end_line": 1,
        "annotation_level": "failure",
        "message": "boom",
    }
    run = await gh.post(
        "/repos/octo-org/widgets/check-runs",
        data={
            "name": "autopilot/triage",
            "head_sha": sha,
            "status": "in_progress",
            "output": {"title": "t", "summary": "s", "annotations": [note] * 50},
        },
    )
    url = f"/repos/octo-org/widgets/check-runs/{run['id']}"
    done = await gh.patch(
        url,
        data={
            "conclusion": "failure",
            "output": {"title": "t", "summary": "s", "annotations": [note] * 3},
        },
    )
    assert (done["status"], done["output"]["annotations_count"]) == ("completed", 53)
    listed = await gh.getitem(f"/repos/octo-org/widgets/commits/{sha}/check-runs")
    assert [r["id"] for r in listed["check_runs"]] == [run["id"]]
    assert len([a async for a in gh.getiter(url + "/annotations")]) == 53

    fake_github.expect_violations()
    with pytest.raises(BadRequest) as exc:
        await gh.patch(
            url, data={"output": {"title": "t", "summary": "s", "annotations": [note] * 51}}
        )
    assert exc.value.status_code == 422
    assert "annotations" in fake_github.violations[-1].message
    assert fake_github.state.check_runs[run["id"]].annotations == [note] * 53


async def test_check_run_needs_a_known_commit(fake_github: FakeGitHub, gh: GitHubAPI) -> None:
    with pytest.raises(BadRequest) as exc:
        await gh.post(
            "/repos/octo-org/widgets/check-runs", data={"name": "x", "head_sha": "f" * 40}
        )
    assert exc.value.status_code == 422
