"""GitHub App endpoints: the App itself, installations and installation access tokens."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.fakegh.auth import mint_installation_token
from bot.fakegh.http import Ctx, HTTPError, Router, json_response, paginate
from bot.fakegh.shapes import HTML, node_id, repository, user
from bot.fakegh.state import App, Installation, iso

router = Router()
EVENTS = [
    "check_run",
    "check_suite",
    "issue_comment",
    "issues",
    "pull_request",
    "push",
    "workflow_run",
]
PERMISSIONS = {
    "actions": "write",
    "checks": "write",
    "contents": "write",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}


def _app(ctx: Ctx) -> App:
    app = ctx.world.apps.get(ctx.principal.app_id or -1)
    if app is None:
        raise HTTPError(404, "Not Found")
    return app


def integration(ctx: Ctx, app: App) -> dict[str, Any]:
    """An ``integration`` (the App as GitHub describes it)."""
    return {
        "id": app.id,
        "slug": app.slug,
        "node_id": node_id("A", app.id),
        "client_id": f"Iv1.{app.id:016x}",
        "owner": user(ctx, app.owner),
        "name": app.name,
        "description": "",
        "external_url": f"{HTML}/apps/{app.slug}",
        "html_url": f"{HTML}/apps/{app.slug}",
        "created_at": iso(0),
        "updated_at": iso(0),
        "permissions": dict(PERMISSIONS if app.permissions is None else app.permissions),
        "events": list(EVENTS if app.events is None else app.events),
        "installations_count": sum(
            1 for i in ctx.world.installations.values() if i.app_id == app.id
        ),
    }


def installation_json(ctx: Ctx, inst: Installation) -> dict[str, Any]:
    """An ``installation``."""
    app = ctx.world.apps.get(inst.app_id or -1)
    return {
        "id": inst.id,
        "account": user(ctx, inst.account),
        "repository_selection": "selected",
        "access_tokens_url": ctx.api(f"/app/installations/{inst.id}/access_tokens"),
        "repositories_url": ctx.api("/installation/repositories"),
        "html_url": f"{HTML}/settings/installations/{inst.id}",
        "app_id": inst.app_id or 0,
        "app_slug": app.slug if app else "autopilot",
        "target_id": inst.account.id,
        "target_type": inst.account.type,
        "permissions": inst.permissions,
        "events": EVENTS,
        "created_at": iso(0),
        "updated_at": iso(0),
        "single_file_name": None,
        "suspended_by": None,
        "suspended_at": iso(inst.suspended_at) if inst.suspended_at else None,
    }


def _installation(ctx: Ctx) -> Installation:
    inst = ctx.world.installations.get(ctx.int_param("installation_id"))
    if inst is None or inst.app_id != ctx.principal.app_id:
        raise HTTPError(404, "Not Found")
    return inst


@router.route("GET", "/app", auth="app")
async def get_app(ctx: Ctx) -> web.StreamResponse:
    return json_response(integration(ctx, _app(ctx)))


@router.route("GET", "/app/hook/config", auth="app")
async def get_hook_config(ctx: Ctx) -> web.StreamResponse:
    app = _app(ctx)
    data = {
        "url": app.hook_url,
        "content_type": "json",
        "insecure_ssl": "0",
        "secret": "********" if app.webhook_secret else None,
    }
    return json_response({k: v for k, v in data.items() if v is not None})


@router.route("GET", "/app/installations", auth="app")
async def list_installations(ctx: Ctx) -> web.StreamResponse:
    mine = [i for i in ctx.world.installations.values() if i.app_id == ctx.principal.app_id]
    page, headers = paginate(ctx, mine)
    return json_response([installation_json(ctx, i) for i in page], headers=headers)


@router.route("GET", "/app/installations/{installation_id}", auth="app")
async def get_installation(ctx: Ctx) -> web.StreamResponse:
    return json_response(installation_json(ctx, _installation(ctx)))


@router.route("POST", "/app/installations/{installation_id}/access_tokens", auth="app")
async def create_access_token(ctx: Ctx) -> web.StreamResponse:
    inst = _installation(ctx)
    if inst.suspended_at is not None:
        raise HTTPError(403, "This installation has been suspended")
    wanted = ctx.field("permissions")
    token = mint_installation_token(
        ctx.world, inst.id, wanted if isinstance(wanted, dict) else None
    )
    data = {
        "token": token.token,
        "expires_at": iso(token.expires_at or 0),
        "permissions": token.permissions,
        "repository_selection": "selected",
    }
    return json_response(data, status=201)


@router.route("GET", "/repos/{owner}/{repo}/installation", auth="app")
async def get_repo_installation(ctx: Ctx) -> web.StreamResponse:
    full_name = ctx.repo().full_name.lower()
    for inst in ctx.world.installations.values():
        if inst.app_id == ctx.principal.app_id and full_name in {r.lower() for r in inst.repos}:
            return json_response(installation_json(ctx, inst))
    raise HTTPError(404, "Not Found")


@router.route("GET", "/installation/repositories")
async def list_installation_repos(ctx: Ctx) -> web.StreamResponse:
    inst = ctx.world.installations.get(ctx.principal.installation_id or -1)
    if inst is None:
        raise HTTPError(403, "This endpoint requires an installation access token")
    repos = [r for name in inst.repos if (r := ctx.world.repo(name)) is not None]
    page, headers = paginate(ctx, repos)
    data = {
        "total_count": len(repos),
        "repository_selection": "selected",
        "repositories": [repository(ctx, r) for r in page],
    }
    return json_response(data, headers=headers)
