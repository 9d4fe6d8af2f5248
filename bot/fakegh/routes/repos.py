"""Repository endpoints: the repository itself and a collaborator's permission level."""

from __future__ import annotations

from aiohttp import web

from bot.fakegh.http import Ctx, Router, json_response
from bot.fakegh.shapes import repository, user

router = Router()
# The legacy ``permission`` field folds the finer roles into admin/write/read/none.
_LEGACY = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
}


@router.route("GET", "/repos/{owner}/{repo}")
async def get_repo(ctx: Ctx) -> web.StreamResponse:
    return json_response(repository(ctx, ctx.repo()))


@router.route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission")
async def collaborator_permission(ctx: Ctx) -> web.StreamResponse:
    repo = ctx.repo()
    login = ctx.params["username"]
    role = repo.collaborators.get(login, "none")
    who = ctx.world.user(login)
    data = {
        "permission": _LEGACY.get(role, "none"),
        "role_name": role,
        "user": {**user(ctx, who), "role_name": role},
    }
    return json_response(data)
