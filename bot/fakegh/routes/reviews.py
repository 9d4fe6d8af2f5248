"""Pull request reviews (with line comments such as suggestions) and review requests."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, HTTPError, Router, json_response
from bot.fakegh.routes.issues import author
from bot.fakegh.routes.pulls import files_of, get_pull, pull_json
from bot.fakegh.shapes import HTML, node_id, user
from bot.fakegh.state import Review, iso

router = Router()
_STATES = {"COMMENT": "COMMENTED", "APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED"}


@router.route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews")
async def create_review(ctx: Ctx) -> web.StreamResponse:
    pull = get_pull(ctx)
    event = ctx.field("event")
    body = ctx.field("body") or ""
    if event in ("COMMENT", "REQUEST_CHANGES") and not body:
        raise HTTPError(422, "Unprocessable Entity", errors=["Body is required for this event"])
    changed = {f["filename"]: f for f in files_of(ctx, pull)}
    comments: list[dict[str, Any]] = ctx.field("comments") or []
    for comment in comments:
        # GitHub resolves each line against the pull request's diff; a file it does not
        # change cannot carry a line comment.
        if comment.get("path") not in changed:
            raise HTTPError(422, "Unprocessable Entity", errors=["Path could not be resolved"])
        if comment.get("line") is None and comment.get("position") is None:
            raise HTTPError(422, "Unprocessable Entity", errors=["Line could not be resolved"])
    review = Review(
        id=ctx.world.next_id(),
        repo=pull.repo,
        pull_number=pull.number,
        user=author(ctx),
        body=body,
        state=_STATES.get(event or "", "PENDING"),
        commit_id=ctx.field("commit_id") or pull.head_sha,
        comments=[dict(c) for c in comments],
        submitted_at=ctx.world.now(),
    )
    ctx.world.reviews[review.id] = review
    html = f"{HTML}/{pull.repo}/pull/{pull.number}#pullrequestreview-{review.id}"
    api = ctx.api(f"/repos/{pull.repo}/pulls/{pull.number}")
    return json_response(
        {
            "id": review.id,
            "node_id": node_id("PRR", review.id),
            "user": user(ctx, review.user),
            "body": review.body,
            "state": review.state,
            "commit_id": review.commit_id,
            "html_url": html,
            "pull_request_url": api,
            "_links": {"html": {"href": html}, "pull_request": {"href": api}},
            "author_association": "NONE",
            "submitted_at": iso(review.submitted_at),
        }
    )


@router.route("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers")
async def request_reviewers(ctx: Ctx) -> web.StreamResponse:
    pull = get_pull(ctx)
    repo = ctx.repo()
    for login in ctx.field("reviewers") or []:
        if repo.collaborators.get(login, "none") == "none":
            raise HTTPError(
                422,
                "Reviews may only be requested from collaborators. One or more of the "
                f"users or teams you specified is not a collaborator of the {repo.full_name} "
                "repository.",
            )
        if login not in pull.requested_reviewers:
            pull.requested_reviewers.append(login)
    return json_response(pull_json(ctx, pull), status=201)
