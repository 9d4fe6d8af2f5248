"""Source archives and commit listings: a tarball of a ref (302 to a signed URL), list commits."""

from __future__ import annotations

import hashlib
import io
import tarfile
from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, paginate
from bot.fakegh.routes.git import commit_json
from bot.fakegh.shapes import HTML, node_id, user
from bot.fakegh.state import Repo

router = Router()
ARCHIVE_PREFIX = "/_fakegh/archives/"


def archive_signature(repo: Repo, sha: str) -> str:
    """The ``sig`` of an archive URL (GitHub's codeload URLs carry a short-lived token)."""
    return hashlib.sha256(f"{repo.id}:{sha}".encode()).hexdigest()[:20]


def tarball(repo: Repo, sha: str) -> bytes:
    """The commit's files as GitHub's tarball: one top folder ``owner-name-sha7/``, gzipped."""
    top = f"{repo.owner.login}-{repo.name}-{sha[:7]}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        tar.pax_headers = {"comment": sha}
        folders = {top}
        for path, data in sorted(repo.commit_files(sha).items()):
            parts = path.split("/")
            for depth in range(1, len(parts)):
                folders.add(f"{top}/{'/'.join(parts[:depth])}")
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size, info.mode, info.mtime = len(data), 0o644, int(repo.commits[sha].date)
            tar.addfile(info, io.BytesIO(data))
        for folder in sorted(folders):
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
    return buffer.getvalue()


@router.route("GET", "/repos/{owner}/{repo}/tarball/{ref}")
async def download_tarball(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    sha = repo.resolve(ctx.params["ref"])
    if sha is None:
        raise HTTPError(404, "Not Found")
    sig = archive_signature(repo, sha)
    location = ctx.api(f"{ARCHIVE_PREFIX}{repo.full_name}/{sha}?sig={sig}")
    return web.Response(status=302, headers={"Location": location})


async def serve_archive(ctx: Ctx) -> web.StreamResponse:
    """The tarball behind the redirect (no token needed, like codeload's signed URL)."""
    owner, _, rest = ctx.request.path.removeprefix(ARCHIVE_PREFIX).partition("/")
    name, _, sha = rest.partition("/")
    repo = ctx.world.repo(f"{owner}/{name}")
    if repo is None or sha not in repo.commits:
        raise HTTPError(404, "Not Found")
    if ctx.request.query.get("sig") != archive_signature(repo, sha):
        raise HTTPError(403, "Signature does not match")
    return web.Response(body=tarball(repo, sha), content_type="application/x-gzip")


def _listed_commit(ctx: Ctx, repo: Repo, sha: str) -> dict[str, Any]:
    git = commit_json(ctx, repo, repo.commits[sha])
    who = ctx.world.user(repo.commits[sha].author)
    url = ctx.api(f"/repos/{repo.full_name}/commits/{sha}")
    return {
        "url": url,
        "sha": sha,
        "node_id": node_id("C", int(sha[:7], 16)),
        "html_url": f"{HTML}/{repo.full_name}/commit/{sha}",
        "comments_url": url + "/comments",
        "commit": {
            "url": git["url"],
            "author": git["author"],
            "committer": git["committer"],
            "message": git["message"],
            "comment_count": 0,
            "tree": git["tree"],
            "verification": git["verification"],
        },
        "author": user(ctx, who),
        "committer": user(ctx, who),
        "parents": [
            {"sha": p["sha"], "url": p["url"], "html_url": p["html_url"]} for p in git["parents"]
        ],
    }


@router.route("GET", "/repos/{owner}/{repo}/commits")
async def list_commits(ctx: Ctx) -> web.StreamResponse:
    """Commits reachable from ``sha`` (a branch or SHA; default branch), newest first."""
    repo = ctx.repo()
    start = repo.resolve(ctx.request.query.get("sha") or repo.default_branch)
    if start is None:
        raise HTTPError(404, "Not Found")
    order: list[str] = []
    todo, seen = [start], set()
    while todo:  # first parents first: the branch's own history, newest first
        sha = todo.pop(0)
        if sha in seen or sha not in repo.commits:
            continue
        seen.add(sha)
        order.append(sha)
        todo.extend(repo.commits[sha].parents)
    page, headers = paginate(ctx, order)
    return json_response([_listed_commit(ctx, repo, sha) for sha in page], headers=headers)
