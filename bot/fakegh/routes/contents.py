"""The contents API: read a file at a ref, create or update a file with a commit."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response
from bot.fakegh.routes.git import commit_json
from bot.fakegh.shapes import HTML
from bot.fakegh.state import Repo

router = Router()


def content_json(ctx: Ctx, repo: Repo, path: str, sha: str, ref: str) -> dict[str, Any]:
    data = repo.blobs[sha]
    url = ctx.api(f"/repos/{repo.full_name}/contents/{path}?ref={ref}")
    git_url = ctx.api(f"/repos/{repo.full_name}/git/blobs/{sha}")
    html_url = f"{HTML}/{repo.full_name}/blob/{ref}/{path}"
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(data),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": base64.encodebytes(data).decode(),
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}",
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


@router.route("GET", "/repos/{owner}/{repo}/contents/{path}")
async def get_content(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    ref = ctx.request.query.get("ref") or repo.default_branch
    commit = repo.resolve(ref)
    if commit is None:
        raise HTTPError(404, f"No commit found for the ref {ref}")
    path = ctx.params["path"].strip("/")
    sha = repo.trees[repo.commits[commit].tree].get(path)
    if sha is None:
        raise HTTPError(404, "Not Found")
    return json_response(content_json(ctx, repo, path, sha, ref))


@router.route("PUT", "/repos/{owner}/{repo}/contents/{path}")
async def put_content(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    branch = ctx.field("branch") or repo.default_branch
    ref = f"refs/heads/{branch}"
    if ref not in repo.refs:
        raise HTTPError(404, f"Branch {branch} not found")
    path = ctx.params["path"].strip("/")
    head = repo.refs[ref]
    tree = dict(repo.trees[repo.commits[head].tree])
    old = tree.get(path)
    if old is not None and ctx.field("sha") is None:
        raise HTTPError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if old is not None and ctx.field("sha") != old:
        raise HTTPError(409, f"{path} does not match {ctx.field('sha')}")
    try:
        data = base64.b64decode(ctx.field("content", ""), validate=True)
    except binascii.Error:
        raise HTTPError(422, "content is not valid Base64") from None
    tree[path] = repo.put_blob(data)
    author = (ctx.field("committer") or {}).get("name", ctx.principal.login)
    sha = repo.put_commit(
        ctx.field("message"), repo.put_tree(tree), [head], author, ctx.world.now()
    )
    repo.refs[ref] = sha
    data_json = {
        "content": content_json(ctx, repo, path, tree[path], branch),
        "commit": commit_json(ctx, repo, repo.commits[sha]),
    }
    return json_response(data_json, status=200 if old else 201)
