"""Pull requests: open, read, list, edit, list files, and merge an exact head SHA."""

from __future__ import annotations

import difflib
from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, no_content, paginate
from bot.fakegh.routes.issues import author, issue_json, new_issue
from bot.fakegh.shapes import HTML, repository, user
from bot.fakegh.state import PullRequest, Repo, World, iso

router = Router()


def open_pull(
    world: World, repo: Repo, *, head: str, base: str, title: str, body: str | None, login: str
) -> PullRequest:
    """Open a pull request from branch ``head`` (``owner:branch`` for a fork) into ``base``."""
    head_owner, _, head_ref = head.rpartition(":")
    head_repo = world.repo(f"{head_owner}/{repo.name}") if head_owner else repo
    if head_repo is None or f"refs/heads/{head_ref}" not in head_repo.refs:
        raise HTTPError(422, "Validation Failed", errors=[_invalid("head")])
    if f"refs/heads/{base}" not in repo.refs:
        raise HTTPError(422, "Validation Failed", errors=[_invalid("base")])
    for p in world.pulls.values():
        same = (p.repo, p.head_repo, p.head_ref, p.base_ref)
        is_open = world.issues[(p.repo, p.number)].state == "open"
        if same == (repo.full_name, head_repo.full_name, head_ref, base) and is_open:
            message = f"A pull request already exists for {head_repo.owner.login}:{head_ref}."
            error = {"resource": "PullRequest", "code": "custom", "message": message}
            raise HTTPError(422, "Validation Failed", errors=[error])
    issue = new_issue(world, repo, title, body, world.user(login))
    issue.is_pull = True
    pull = PullRequest(
        number=issue.number,
        id=world.next_id(),
        repo=repo.full_name,
        head_ref=head_ref,
        head_repo=head_repo.full_name,
        base_ref=base,
        head_sha=head_repo.refs[f"refs/heads/{head_ref}"],
        base_sha=repo.refs[f"refs/heads/{base}"],
    )
    world.pulls[(repo.full_name, pull.number)] = pull
    _keep_head(repo, head_repo, pull)
    return pull


def _keep_head(repo: Repo, head_repo: Repo, pull: PullRequest) -> None:
    """GitHub keeps a fork PR's head in the base repository (``refs/pull/N/head``), so its
    commits are readable there: check runs, archives and merges find them."""
    if head_repo is repo:
        return
    repo.blobs.update(head_repo.blobs)
    repo.trees.update(head_repo.trees)
    repo.commits.update(head_repo.commits)
    repo.refs[f"refs/pull/{pull.number}/head"] = pull.head_sha


def _invalid(field: str) -> dict[str, str]:
    return {"resource": "PullRequest", "field": field, "code": "invalid"}


def _refresh(world: World, pull: PullRequest) -> None:
    """An open pull request follows its branches, as on GitHub."""
    if pull.merged_at is not None:
        return
    head_repo, repo = world.repo(pull.head_repo), world.repo(pull.repo)
    if head_repo and f"refs/heads/{pull.head_ref}" in head_repo.refs:
        pull.head_sha = head_repo.refs[f"refs/heads/{pull.head_ref}"]
        if repo is not None:
            _keep_head(repo, head_repo, pull)
    if repo and f"refs/heads/{pull.base_ref}" in repo.refs:
        pull.base_sha = repo.refs[f"refs/heads/{pull.base_ref}"]


def pull_json(ctx: Ctx, pull: PullRequest) -> dict[str, Any]:
    _refresh(ctx.world, pull)
    issue = ctx.world.issues[(pull.repo, pull.number)]
    data = issue_json(ctx, issue)
    url = ctx.api(f"/repos/{pull.repo}/pulls/{pull.number}")

    def side(repo_name: str, ref: str, sha: str) -> dict[str, Any]:
        repo = ctx.world.repos[repo_name.lower()]
        label = f"{repo.owner.login}:{ref}"
        return {
            "label": label,
            "ref": ref,
            "sha": sha,
            "user": user(ctx, repo.owner),
            "repo": repository(ctx, repo),
        }

    links = {
        "self": url,
        "html": data["html_url"],
        "issue": data["url"],
        "comments": data["comments_url"],
        "review_comments": url + "/comments",
        "review_comment": ctx.api(f"/repos/{pull.repo}/pulls/comments{{/number}}"),
        "commits": url + "/commits",
        "statuses": ctx.api(f"/repos/{pull.repo}/statuses/{pull.head_sha}"),
    }
    state = issue.state
    return {
        **{
            k: data[k]
            for k in (
                "id",
                "number",
                "title",
                "body",
                "user",
                "labels",
                "milestone",
                "assignee",
                "assignees",
                "locked",
                "created_at",
                "updated_at",
                "closed_at",
                "author_association",
                "comments",
            )
        },
        "id": pull.id,
        "node_id": pull.node_id,
        "url": url,
        "html_url": f"{HTML}/{pull.repo}/pull/{pull.number}",
        "diff_url": f"{HTML}/{pull.repo}/pull/{pull.number}.diff",
        "patch_url": f"{HTML}/{pull.repo}/pull/{pull.number}.patch",
        "issue_url": data["url"],
        "commits_url": url + "/commits",
        "review_comments_url": url + "/comments",
        "review_comment_url": links["review_comment"],
        "comments_url": data["comments_url"],
        "statuses_url": links["statuses"],
        "state": state,
        "draft": pull.draft,
        "head": side(pull.head_repo, pull.head_ref, pull.head_sha),
        "base": side(pull.repo, pull.base_ref, pull.base_sha),
        "_links": {k: {"href": v} for k, v in links.items()},
        "auto_merge": _auto_merge(ctx, pull),
        "merged": pull.merged_at is not None,
        "merged_at": iso(pull.merged_at) if pull.merged_at else None,
        "merge_commit_sha": pull.merged_sha,
        "merged_by": None,
        "mergeable": pull.mergeable if state == "open" else None,
        "mergeable_state": "clean" if pull.mergeable else "dirty",
        "maintainer_can_modify": pull.maintainer_can_modify,
        "requested_reviewers": [
            user(ctx, ctx.world.user(login)) for login in pull.requested_reviewers
        ],
        "requested_teams": [],
        "review_comments": 0,
        "commits": 1,
        "additions": sum(f["additions"] for f in files_of(ctx, pull)),
        "deletions": sum(f["deletions"] for f in files_of(ctx, pull)),
        "changed_files": len(files_of(ctx, pull)),
    }


def _auto_merge(ctx: Ctx, pull: PullRequest) -> dict[str, Any] | None:
    if pull.auto_merge is None:
        return None
    who = ctx.world.user(pull.auto_merge["enabled_by"])
    return {**pull.auto_merge, "enabled_by": user(ctx, who)}


def files_of(ctx: Ctx, pull: PullRequest) -> list[dict[str, Any]]:
    """The diff between the base and the head commit, one entry per changed file."""
    repo, head_repo = ctx.world.repos[pull.repo.lower()], ctx.world.repos[pull.head_repo.lower()]
    old = repo.commit_files(pull.base_sha)
    new = head_repo.commit_files(pull.head_sha)
    entries = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        a = (before or b"").decode(errors="replace").splitlines()
        b = (after or b"").decode(errors="replace").splitlines()
        diff = list(difflib.unified_diff(a, b, lineterm="", n=3))[2:]
        adds = sum(1 for line in diff if line.startswith("+"))
        dels = sum(1 for line in diff if line.startswith("-"))
        status = "added" if before is None else "removed" if after is None else "modified"
        sha = head_repo.put_blob(after) if after is not None else repo.put_blob(before or b"")
        raw = f"{HTML}/{pull.head_repo}/raw/{pull.head_sha}/{path}"
        entries.append(
            {
                "sha": sha,
                "filename": path,
                "status": status,
                "additions": adds,
                "deletions": dels,
                "changes": adds + dels,
                "blob_url": raw.replace("/raw/", "/blob/"),
                "raw_url": raw,
                "contents_url": ctx.api(
                    f"/repos/{pull.head_repo}/contents/{path}?ref={pull.head_sha}"
                ),
                "patch": "\n".join(diff),
            }
        )
    return entries


def get_pull(ctx: Ctx) -> PullRequest:
    pull = ctx.world.pulls.get((ctx.repo().full_name, ctx.int_param("pull_number")))
    if pull is None:
        raise HTTPError(404, "Not Found")
    _refresh(ctx.world, pull)
    return pull


@router.route("POST", "/repos/{owner}/{repo}/pulls")
async def create_pull(ctx: Ctx) -> web.StreamResponse:
    pull = open_pull(
        ctx.world,
        ctx.repo(),
        head=ctx.field("head"),
        base=ctx.field("base"),
        title=ctx.field("title") or "",
        body=ctx.field("body"),
        login=author(ctx).login,
    )
    pull.draft = bool(ctx.field("draft", False))
    pull.maintainer_can_modify = bool(ctx.field("maintainer_can_modify", False))
    return json_response(pull_json(ctx, pull), status=201)


@router.route("GET", "/repos/{owner}/{repo}/pulls")
async def list_pulls(ctx: Ctx) -> web.StreamResponse:
    repo, q = ctx.repo(), ctx.request.query
    state = q.get("state", "open")
    found = []
    for (name, number), pull in sorted(ctx.world.pulls.items(), key=lambda kv: -kv[0][1]):
        _refresh(ctx.world, pull)
        issue = ctx.world.issues[(name, number)]
        head_label = f"{pull.head_repo.split('/')[0]}:{pull.head_ref}"
        if (
            name == repo.full_name
            and state in ("all", issue.state)
            and q.get("head") in (None, head_label)
            and q.get("base") in (None, pull.base_ref)
        ):
            found.append(pull)
    page, headers = paginate(ctx, found)
    return json_response([pull_json(ctx, p) for p in page], headers=headers)


@router.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}")
async def read_pull(ctx: Ctx) -> web.StreamResponse:
    return json_response(pull_json(ctx, get_pull(ctx)))


@router.route("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}")
async def update_pull(ctx: Ctx) -> web.StreamResponse:
    pull = get_pull(ctx)
    issue = ctx.world.issues[(pull.repo, pull.number)]
    for name in ("title", "body"):
        if name in ctx.body:
            setattr(issue, name, ctx.body[name])
    if ctx.field("state") in ("open", "closed") and pull.merged_at is None:
        issue.state = ctx.body["state"]
        issue.closed_at = ctx.world.now() if issue.state == "closed" else None
    if ctx.field("base"):
        pull.base_ref = ctx.body["base"]
    return json_response(pull_json(ctx, pull))


@router.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files")
async def list_files(ctx: Ctx) -> web.StreamResponse:
    page, headers = paginate(ctx, files_of(ctx, get_pull(ctx)))
    return json_response(page, headers=headers)


@router.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
async def check_merged(ctx: Ctx) -> web.StreamResponse:
    if get_pull(ctx).merged_at is None:
        raise HTTPError(404, "Not Found")
    return no_content()


@router.route("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge")
async def merge(ctx: Ctx) -> web.StreamResponse:
    pull = get_pull(ctx)
    repo = ctx.repo()
    issue = ctx.world.issues[(pull.repo, pull.number)]
    if pull.merged_at is not None or issue.state != "open" or not pull.mergeable:
        raise HTTPError(405, "Pull Request is not mergeable")
    expected = ctx.field("sha")
    if expected is not None and expected != pull.head_sha:
        raise HTTPError(409, "Head branch was modified. Review and try the merge again.")
    method = ctx.field("merge_method", "merge")
    head_repo = ctx.world.repos[pull.head_repo.lower()]
    if head_repo is not repo:  # a fork's objects come along with the merge
        repo.blobs.update(head_repo.blobs)
        repo.trees.update(head_repo.trees)
        repo.commits.update(head_repo.commits)
    tree = repo.commits[pull.head_sha].tree
    parents = [pull.base_sha, pull.head_sha] if method == "merge" else [pull.base_sha]
    title = ctx.field("commit_title") or f"{issue.title} (#{pull.number})"
    message = title + (f"\n\n{ctx.field('commit_message')}" if ctx.field("commit_message") else "")
    sha = repo.put_commit(message, tree, parents, author(ctx).login, ctx.world.now())
    repo.refs[f"refs/heads/{pull.base_ref}"] = sha
    pull.merged_sha, pull.merged_at = sha, ctx.world.now()
    issue.state, issue.closed_at = "closed", ctx.world.now()
    return json_response(
        {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}
    )
