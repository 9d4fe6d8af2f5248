"""GitHub's App-manifest flow: the web form that registers an App, and the code conversion.

``POST /settings/apps/new`` (or ``/organizations/{org}/settings/apps/new``) is github.com's
web page, not the API: it takes the form field ``manifest`` (JSON) and the ``state`` query,
and redirects to the manifest's ``redirect_url`` with a one-time ``code``.
``POST /app-manifests/{code}/conversions`` turns the code into the App's credentials.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.fakegh.auth import new_app_key_pair
from bot.fakegh.http import Ctx, HTTPError, Router, json_response
from bot.fakegh.routes.apps import integration
from bot.fakegh.state import App, World

router = Router()
WEB_FORM = re.compile(r"^(?:/organizations/([^/]+))?/settings/apps/new$")


def is_web_form(path: str) -> bool:
    return WEB_FORM.match(path) is not None


def _page(status: int, message: str) -> web.Response:
    return web.Response(status=status, text=f"<p>{message}</p>", content_type="text/html")


async def new_app_form(world: World, request: web.Request) -> web.StreamResponse:
    """The form's target: remember the manifest under a code, redirect back with it."""
    if request.method != "POST":
        return _page(405, "Use the form: POST a manifest.")
    form = await request.post()
    try:
        manifest = json.loads(str(form.get("manifest") or ""))
    except ValueError:
        return _page(422, "The manifest is not valid JSON.")
    if not isinstance(manifest, dict):
        return _page(422, "The manifest must be a JSON object.")
    missing = [k for k in ("url", "redirect_url") if not manifest.get(k)]
    hook = manifest.get("hook_attributes")
    if not isinstance(hook, dict) or not hook.get("url"):
        missing.append("hook_attributes.url")
    if missing:
        return _page(422, f"Invalid manifest: missing {', '.join(missing)}.")
    match = WEB_FORM.match(request.path)
    owner = match.group(1) if match and match.group(1) else "octocat"
    code = secrets.token_hex(10)
    world.manifest_codes[code] = {**manifest, "_owner": owner}
    query = {
        "code": code,
        **({"state": request.query["state"]} if "state" in request.query else {}),
    }
    raise web.HTTPFound(f"{manifest['redirect_url']}?{urlencode(query)}")


@router.route("POST", "/app-manifests/{code}/conversions", auth="public")
async def create_from_manifest(ctx: Ctx) -> web.StreamResponse:
    manifest = ctx.world.manifest_codes.pop(ctx.params["code"], None)
    if manifest is None:
        raise HTTPError(404, "Not Found")
    private_pem, public_pem = new_app_key_pair()
    name = str(manifest.get("name") or "My App")
    app = App(
        id=ctx.world.next_id(),
        slug=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app",
        name=name,
        public_key_pem=public_pem,
        owner=ctx.world.user(str(manifest["_owner"]), type="Organization"),
        permissions={
            str(k): str(v) for k, v in (manifest.get("default_permissions") or {}).items()
        },
        events=[str(e) for e in manifest.get("default_events") or []],
        hook_url=str(manifest["hook_attributes"]["url"]),
        webhook_secret=secrets.token_hex(20),
        client_secret=secrets.token_hex(20),
    )
    ctx.world.apps[app.id] = app
    data: dict[str, Any] = {
        **integration(ctx, app),
        "client_secret": app.client_secret,
        "webhook_secret": app.webhook_secret,
        "pem": private_pem,
    }
    return json_response(data, status=201)
