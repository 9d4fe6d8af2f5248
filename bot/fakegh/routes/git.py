"""Git database endpoints: refs, commits, trees and blobs (real git object ids)."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, no_content
from bot.fakegh.shapes import HTML, node_id
from bot.fakegh.state import Commit, Repo, Tree, git_sha, iso

router = Router()


def ref_json(ctx: Ctx, repo: Repo, ref: str) -> dict[str, Any]:
    sha = repo.refs[ref]
    return {
        "ref": ref,
        "node_id": node_id("REF", int(git_sha("ref", ref.encode())[:7], 16)),
        "url": ctx.api(f"/repos/{repo.full_name}/git/{ref}"),
        "object": {
            "type": "commit",
            "sha": sha,
            "url": ctx.api(f"/repos/{repo.full_name}/git/commits/{sha}"),
        },
    }


def commit_json(ctx: Ctx, repo: Repo, c: Commit) -> dict[str, Any]:
    person = {
        "name": c.author,
        "email": f"{c.author}@users.noreply.github.com",
        "date": iso(c.date),
    }
    return {
        "sha": c.sha,
        "node_id": node_id("C", int(c.sha[:7], 16)),
        "url": ctx.api(f"/repos/{repo.full_name}/git/commits/{c.sha}"),
        "html_url": f"{HTML}/{repo.full_name}/commit/{c.sha}",
        "author": person,
        "committer": person,
        "message": c.message,
        "tree": {"sha": c.tree, "url": ctx.api(f"/repos/{repo.full_name}/git/trees/{c.tree}")},
        "parents": [
            {
                "sha": p,
                "url": ctx.api(f"/repos/{repo.full_name}/git/commits/{p}"),
                "html_url": f"{HTML}/{repo.full_name}/commit/{p}",
            }
            for p in c.parents
        ],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def _tree_entries(ctx: Ctx, repo: Repo, tree: Tree, recursive: bool) -> list[dict[str, Any]]:
    dirs: dict[str, Tree] = {}
    for path in tree:
        parts = path.split("/")
        for i in range(1, len(parts)):
            dirs.setdefault("/".join(parts[:i]), {})
    for d in dirs:
        prefix = d + "/"
        dirs[d] = {p[len(prefix) :]: s for p, s in tree.items() if p.startswith(prefix)}
    entries: list[dict[str, Any]] = []
    for d, sub in sorted(dirs.items()):
        if recursive or "/" not in d:
            sha = repo.put_tree(sub)
            url = ctx.api(f"/repos/{repo.full_name}/git/trees/{sha}")
            entries.append({"path": d, "mode": "040000", "type": "tree", "sha": sha, "url": url})
    for path, sha in sorted(tree.items()):
        if recursive or "/" not in path:
            url = ctx.api(f"/repos/{repo.full_name}/git/blobs/{sha}")
            size = len(repo.blobs[sha])
            entries.append(
                {
                    "path": path,
                    "mode": "100644",
                    "type": "blob",
                    "sha": sha,
                    "size": size,
                    "url": url,
                }
            )
    return entries


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/{ref}"


@router.route("GET", "/repos/{owner}/{repo}/git/ref/{ref}")
async def get_ref(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    ref = _full_ref(ctx.params["ref"])
    if ref not in repo.refs:
        raise HTTPError(404, "Not Found")
    return json_response(ref_json(ctx, repo, ref))


@router.route("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref}")
async def matching_refs(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    prefix = _full_ref(ctx.params["ref"])
    refs = sorted(r for r in repo.refs if r.startswith(prefix))
    return json_response([ref_json(ctx, repo, r) for r in refs])


@router.route("POST", "/repos/{owner}/{repo}/git/refs")
async def create_ref(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    ref, sha = ctx.field("ref"), ctx.field("sha")
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise HTTPError(422, f"{ref} is not a valid ref name.")
    if ref in repo.refs:
        raise HTTPError(422, "Reference already exists")
    if sha not in repo.commits:
        raise HTTPError(422, "Object does not exist")
    repo.refs[ref] = sha
    return json_response(ref_json(ctx, repo, ref), status=201)


@router.route("PATCH", "/repos/{owner}/{repo}/git/refs/{ref}")
async def update_ref(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    ref = _full_ref(ctx.params["ref"])
    sha = ctx.field("sha")
    if ref not in repo.refs:
        raise HTTPError(422, "Reference does not exist")
    if sha not in repo.commits:
        raise HTTPError(422, "Object does not exist")
    if not ctx.field("force", False) and not repo.is_ancestor(repo.refs[ref], sha):
        raise HTTPError(422, "Update is not a fast forward")
    repo.refs[ref] = sha
    return json_response(ref_json(ctx, repo, ref))


@router.route("DELETE", "/repos/{owner}/{repo}/git/refs/{ref}")
async def delete_ref(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    ref = _full_ref(ctx.params["ref"])
    if repo.refs.pop(ref, None) is None:
        raise HTTPError(422, "Reference does not exist")
    return no_content()


@router.route("POST", "/repos/{owner}/{repo}/git/blobs")
async def create_blob(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    content = ctx.field("content", "")
    if ctx.field("encoding", "utf-8") == "base64":
        data = base64.b64decode(content)
    else:
        data = content.encode()
    sha = repo.put_blob(data)
    url = ctx.api(f"/repos/{repo.full_name}/git/blobs/{sha}")
    return json_response({"url": url, "sha": sha}, status=201)


@router.route("GET", "/repos/{owner}/{repo}/git/blobs/{file_sha}")
async def get_blob(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    sha = ctx.params["file_sha"]
    if sha not in repo.blobs:
        raise HTTPError(404, "Not Found")
    data = repo.blobs[sha]
    return json_response(
        {
            "sha": sha,
            "node_id": node_id("B", int(sha[:7], 16)),
            "url": ctx.api(f"/repos/{repo.full_name}/git/blobs/{sha}"),
            "size": len(data),
            "content": base64.encodebytes(data).decode(),
            "encoding": "base64",
        }
    )


@router.route("POST", "/repos/{owner}/{repo}/git/trees")
async def create_tree(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    base = ctx.field("base_tree")
    if base is not None and base not in repo.trees:
        raise HTTPError(422, "base_tree is not a valid tree oid")
    tree: Tree = dict(repo.trees[base]) if base else {}
    for entry in ctx.field("tree", []):
        path = entry["path"]
        if "content" in entry:
            tree[path] = repo.put_blob(str(entry["content"]).encode())
        elif entry.get("sha") is None:
            tree.pop(path, None)
        elif entry["sha"] in repo.blobs:
            tree[path] = entry["sha"]
        else:
            raise HTTPError(422, f"tree.sha {entry['sha']} is not a valid blob")
    sha = repo.put_tree(tree)
    return json_response(_tree_json(ctx, repo, sha, recursive=True), status=201)


def _tree_json(ctx: Ctx, repo: Repo, sha: str, *, recursive: bool) -> dict[str, Any]:
    return {
        "sha": sha,
        "url": ctx.api(f"/repos/{repo.full_name}/git/trees/{sha}"),
        "tree": _tree_entries(ctx, repo, repo.trees[sha], recursive),
        "truncated": False,
    }


@router.route("GET", "/repos/{owner}/{repo}/git/trees/{tree_sha}")
async def get_tree(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    sha = ctx.params["tree_sha"]
    if sha not in repo.trees:
        commit = repo.resolve(sha)
        if commit is None:
            raise HTTPError(404, "Not Found")
        sha = repo.commits[commit].tree
    recursive = ctx.request.query.get("recursive") not in (None, "", "0", "false")
    return json_response(_tree_json(ctx, repo, sha, recursive=recursive))


@router.route("POST", "/repos/{owner}/{repo}/git/commits")
async def create_commit(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    tree, parents = ctx.field("tree"), ctx.field("parents", [])
    if tree not in repo.trees:
        raise HTTPError(422, "Tree SHA does not exist")
    if any(p not in repo.commits for p in parents):
        raise HTTPError(422, "Parent SHA does not exist or is not a commit object")
    author = (ctx.field("author") or {}).get("name", ctx.principal.login)
    sha = repo.put_commit(ctx.field("message"), tree, parents, author, ctx.world.now())
    return json_response(commit_json(ctx, repo, repo.commits[sha]), status=201)


@router.route("GET", "/repos/{owner}/{repo}/git/commits/{commit_sha}")
async def get_commit(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    commit = repo.commits.get(ctx.params["commit_sha"])
    if commit is None:
        raise HTTPError(404, "Not Found")
    return json_response(commit_json(ctx, repo, commit))
