"""Issues and issue comments (pull requests are issues too), with Link pagination."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response, no_content, paginate
from bot.fakegh.shapes import HTML, node_id, user
from bot.fakegh.state import Comment, Issue, Repo, User, World, git_sha, iso

router = Router()


def new_issue(world: World, repo: Repo, title: str, body: str | None, author: User) -> Issue:
    """Open an issue (also used for the issue side of a new pull request)."""
    now = world.now()
    number = world.next_number(repo.full_name)
    issue = Issue(number, world.next_id(), repo.full_name, title, body, author, now, now)
    world.issues[(repo.full_name, number)] = issue
    return issue


def new_comment(world: World, issue: Issue, body: str, author: User) -> Comment:
    """Comment on an issue or pull request."""
    now = world.now()
    comment = Comment(world.next_id(), issue.repo, issue.number, body, author, now, now)
    world.comments[comment.id] = comment
    return comment


def author(ctx: Ctx) -> User:
    """The user behind the caller's credentials (an App acts as ``slug[bot]``)."""
    bot = ctx.principal.login.endswith("[bot]")
    return ctx.world.user(ctx.principal.login, type="Bot" if bot else "User")


def issue_json(ctx: Ctx, issue: Issue) -> dict[str, Any]:
    url = ctx.api(f"/repos/{issue.repo}/issues/{issue.number}")
    comments = sum(
        1
        for c in ctx.world.comments.values()
        if (c.repo, c.issue_number) == (issue.repo, issue.number)
    )
    data: dict[str, Any] = {
        "id": issue.id,
        "node_id": node_id("I", issue.id),
        "url": url,
        "repository_url": ctx.api(f"/repos/{issue.repo}"),
        "labels_url": url + "/labels{/name}",
        "comments_url": url + "/comments",
        "events_url": url + "/events",
        "html_url": f"{HTML}/{issue.repo}/{'pull' if issue.is_pull else 'issues'}/{issue.number}",
        "number": issue.number,
        "state": issue.state,
        "title": issue.title,
        "body": issue.body,
        "user": user(ctx, issue.user),
        "labels": [label_json(ctx, issue.repo, name) for name in issue.labels],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "comments": comments,
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_at": iso(issue.closed_at) if issue.closed_at else None,
        "author_association": "OWNER",
    }
    if issue.is_pull:
        pull = ctx.world.pulls[(issue.repo, issue.number)]
        data["pull_request"] = {
            "url": ctx.api(f"/repos/{issue.repo}/pulls/{issue.number}"),
            "html_url": f"{HTML}/{issue.repo}/pull/{issue.number}",
            "diff_url": f"{HTML}/{issue.repo}/pull/{issue.number}.diff",
            "patch_url": f"{HTML}/{issue.repo}/pull/{issue.number}.patch",
            "merged_at": iso(pull.merged_at) if pull.merged_at else None,
        }
    return data


def label_json(ctx: Ctx, repo: str, name: str) -> dict[str, Any]:
    label_id = int(git_sha("label", name.encode())[:7], 16)
    return {
        "id": label_id,
        "node_id": node_id("LA", label_id),
        "url": ctx.api(f"/repos/{repo}/labels/{name}"),
        "name": name,
        "color": "ededed",
        "default": False,
        "description": None,
    }


def comment_json(ctx: Ctx, c: Comment) -> dict[str, Any]:
    return {
        "id": c.id,
        "node_id": node_id("IC", c.id),
        "url": ctx.api(f"/repos/{c.repo}/issues/comments/{c.id}"),
        "html_url": f"{HTML}/{c.repo}/issues/{c.issue_number}#issuecomment-{c.id}",
        "issue_url": ctx.api(f"/repos/{c.repo}/issues/{c.issue_number}"),
        "body": c.body,
        "user": user(ctx, c.user),
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "author_association": "NONE" if c.user.type == "Bot" else "OWNER",
    }


def get_issue(ctx: Ctx) -> Issue:
    issue = ctx.world.issues.get((ctx.repo().full_name, ctx.int_param("issue_number")))
    if issue is None:
        raise HTTPError(404, "Not Found")
    return issue


def get_comment(ctx: Ctx) -> Comment:
    comment = ctx.world.comments.get(ctx.int_param("comment_id"))
    if comment is None or comment.repo != ctx.repo().full_name:
        raise HTTPError(404, "Not Found")
    return comment


@router.route("GET", "/repos/{owner}/{repo}/issues")
async def list_issues(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    state = ctx.request.query.get("state", "open")
    labels = {x for x in ctx.request.query.get("labels", "").split(",") if x}
    found = [
        i
        for (r, _), i in sorted(ctx.world.issues.items(), key=lambda kv: -kv[0][1])
        if r == repo.full_name and (state == "all" or i.state == state) and labels <= set(i.labels)
    ]
    page, headers = paginate(ctx, found)
    return json_response([issue_json(ctx, i) for i in page], headers=headers)


@router.route("POST", "/repos/{owner}/{repo}/issues")
async def create_issue(ctx: Ctx) -> web.StreamResponse:
    issue = new_issue(
        ctx.world, ctx.repo(), str(ctx.field("title")), ctx.field("body"), author(ctx)
    )
    issue.labels = [x if isinstance(x, str) else x["name"] for x in ctx.field("labels", [])]
    return json_response(issue_json(ctx, issue), status=201)


@router.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}")
async def read_issue(ctx: Ctx) -> web.StreamResponse:
    return json_response(issue_json(ctx, get_issue(ctx)))


@router.route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}")
async def update_issue(ctx: Ctx) -> web.StreamResponse:
    issue = get_issue(ctx)
    for name in ("title", "body"):
        if name in ctx.body:
            setattr(issue, name, ctx.body[name])
    if "labels" in ctx.body:
        issue.labels = [x if isinstance(x, str) else x["name"] for x in ctx.body["labels"]]
    if ctx.field("state") in ("open", "closed") and ctx.field("state") != issue.state:
        issue.state = ctx.body["state"]
        issue.closed_at = ctx.world.now() if issue.state == "closed" else None
    issue.updated_at = ctx.world.now()
    return json_response(issue_json(ctx, issue))


@router.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels")
async def add_labels(ctx: Ctx) -> web.StreamResponse:
    issue = get_issue(ctx)
    wanted = ctx.body.get("labels", []) if isinstance(ctx.body, dict) else ctx.body
    for x in wanted or []:
        name = x if isinstance(x, str) else x["name"]
        if name not in issue.labels:
            issue.labels.append(name)
    return json_response(issue_json(ctx, issue)["labels"])


@router.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
async def list_comments(ctx: Ctx) -> web.StreamResponse:
    issue = get_issue(ctx)
    since = ctx.request.query.get("since", "")
    found = [
        c
        for c in ctx.world.comments.values()
        if (c.repo, c.issue_number) == (issue.repo, issue.number) and iso(c.updated_at) >= since
    ]
    page, headers = paginate(ctx, found)
    return json_response([comment_json(ctx, c) for c in page], headers=headers)


@router.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments")
async def create_comment(ctx: Ctx) -> web.StreamResponse:
    comment = new_comment(ctx.world, get_issue(ctx), str(ctx.field("body")), author(ctx))
    return json_response(comment_json(ctx, comment), status=201)


@router.route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
async def read_comment(ctx: Ctx) -> web.StreamResponse:
    return json_response(comment_json(ctx, get_comment(ctx)))


@router.route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
async def update_comment(ctx: Ctx) -> web.StreamResponse:
    comment = get_comment(ctx)
    comment.body = str(ctx.field("body"))
    comment.updated_at = ctx.world.now()
    return json_response(comment_json(ctx, comment))


@router.route("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}")
async def delete_comment(ctx: Ctx) -> web.StreamResponse:
    del ctx.world.comments[get_comment(ctx).id]
    return no_content()
