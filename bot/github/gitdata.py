"""Commits without a clone, through the Git Data API: blobs, a tree on ``base_tree``, a commit,
then the branch created or moved forward, never with ``force`` on a branch people work on."""

from __future__ import annotations

import base64
from collections.abc import Collection, Mapping
from typing import Any

from gidgethub import BadRequest

from bot.errors import AutopilotError
from bot.github.client import GitHubClient


class BranchMoved(AutopilotError):
    """The branch is no longer where the commit expects it (somebody pushed meanwhile)."""


async def create_commit(
    gh: GitHubClient,
    repo: str,
    *,
    parent: str,
    files: Mapping[str, bytes],
    message: str,
    executable: Collection[str] = (),
) -> str:
    """A commit whose only parent is ``parent`` and whose tree is the parent's with ``files``
    replaced; its SHA. Modes stay as they were (``executable`` lists the 0755 files)."""
    head = await gh.getitem(f"/repos/{repo}/git/commits/{parent}")
    entries: list[dict[str, Any]] = []
    for path in sorted(files):
        blob = await gh.post(
            f"/repos/{repo}/git/blobs",
            data={"content": base64.b64encode(files[path]).decode(), "encoding": "base64"},
        )
        mode = "100755" if path in executable else "100644"
        entries.append({"path": path, "mode": mode, "type": "blob", "sha": blob["sha"]})
    tree = await gh.post(
        f"/repos/{repo}/git/trees", data={"base_tree": head["tree"]["sha"], "tree": entries}
    )
    commit = await gh.post(
        f"/repos/{repo}/git/commits",
        data={"message": message, "tree": tree["sha"], "parents": [parent]},
    )
    return str(commit["sha"])


async def branch_head(gh: GitHubClient, repo: str, branch: str) -> str | None:
    """The SHA ``branch`` points at, or None when there is no such branch."""
    try:
        ref = await gh.getitem(f"/repos/{repo}/git/ref/heads/{branch}")
    except BadRequest as exc:
        if int(exc.status_code) == 404:
            return None
        raise
    return str(ref["object"]["sha"])


async def move_branch(gh: GitHubClient, repo: str, branch: str, sha: str) -> None:
    """Move ``branch`` forward to ``sha`` (no ``force``); ``BranchMoved`` when GitHub refuses
    because the branch is not an ancestor of ``sha`` any more."""
    try:
        await gh.patch(f"/repos/{repo}/git/refs/heads/{branch}", data={"sha": sha, "force": False})
    except BadRequest as exc:
        if int(exc.status_code) == 422:
            raise BranchMoved(
                f"`{branch}` moved while the fix was being made; it was not overwritten"
            ) from exc
        raise


async def put_bot_branch(gh: GitHubClient, repo: str, branch: str, sha: str) -> None:
    """Point the bot's own branch at ``sha``: created, or moved when it holds an older fix.

    Only the bot's branches are ever moved with ``force`` (an older fix of a head that has
    moved on is replaced); the branches people push to never are.
    """
    current = await branch_head(gh, repo, branch)
    if current == sha:
        return
    if current is None:
        await gh.post(f"/repos/{repo}/git/refs", data={"ref": f"refs/heads/{branch}", "sha": sha})
        return
    await gh.patch(f"/repos/{repo}/git/refs/heads/{branch}", data={"sha": sha, "force": True})
