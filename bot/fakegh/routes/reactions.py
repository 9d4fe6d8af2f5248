"""Reactions (👀, 🚀, 😕 …) on issue comments and on issues."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, Router, json_response, paginate
from bot.fakegh.routes.issues import author, get_comment, get_issue
from bot.fakegh.shapes import node_id, user
from bot.fakegh.state import Reaction, iso

router = Router()


def reaction_json(ctx: Ctx, r: Reaction) -> dict[str, Any]:
    return {
        "id": r.id,
        "node_id": node_id("REA", r.id),
        "user": user(ctx, r.user),
        "content": r.content,
        "created_at": iso(r.created_at),
    }


def _react(ctx: Ctx, reactions: list[Reaction]) -> web.StreamResponse:
    """Add a reaction once per user and content: 201 when new, 200 when it already exists."""
    who = author(ctx)
    content = str(ctx.field("content"))
    for existing in reactions:
        if existing.user.login == who.login and existing.content == content:
            return json_response(reaction_json(ctx, existing))
    reaction = Reaction(ctx.world.next_id(), content, who, ctx.world.now())
    reactions.append(reaction)
    return json_response(reaction_json(ctx, reaction), status=201)


def _list(ctx: Ctx, reactions: list[Reaction]) -> web.StreamResponse:
    wanted = ctx.request.query.get("content")
    found = [r for r in reactions if wanted in (None, r.content)]
    page, headers = paginate(ctx, found)
    return json_response([reaction_json(ctx, r) for r in page], headers=headers)


@router.route("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
async def react_to_comment(ctx: Ctx) -> web.StreamResponse:
    return _react(ctx, get_comment(ctx).reactions)


@router.route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions")
async def list_comment_reactions(ctx: Ctx) -> web.StreamResponse:
    return _list(ctx, get_comment(ctx).reactions)


@router.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/reactions")
async def react_to_issue(ctx: Ctx) -> web.StreamResponse:
    return _react(ctx, get_issue(ctx).reactions)


@router.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/reactions")
async def list_issue_reactions(ctx: Ctx) -> web.StreamResponse:
    return _list(ctx, get_issue(ctx).reactions)
