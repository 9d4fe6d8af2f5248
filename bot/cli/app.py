"""``autopilot app create``: register the GitHub App from ``app-manifest.yml`` (manifest flow).

A local page POSTs the manifest (and a ``state`` value) to GitHub's ``/settings/apps/new``;
GitHub asks the person to confirm, then redirects back here with a one-time ``code``, which
``POST /app-manifests/{code}/conversions`` exchanges for the App's id, private key and
webhook secret. They are written with mode 0600, never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import html
import json
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bot.config.manifest import find_manifest, load_manifest
from bot.config.settings import DEFAULT_API_URL
from bot.errors import UsageError
from bot.github.client import GitHubClient, GitHubRefused

ENV_FILE = "autopilot.env"
EPILOG = """\
example:
  autopilot app create --webhook-url https://autopilot.example.com/webhook --out /etc/autopilot
  (open the printed address in a browser, confirm on GitHub; the credentials land in --out)

exit codes: 0 App created; 1 not completed (timed out, GitHub refused the code);
2 usage error (bad manifest, credentials already present in --out).
"""


@dataclass(frozen=True)
class Created:
    """The App GitHub made, and where its credentials were written."""

    app_id: int
    slug: str
    html_url: str
    key_path: Path
    env_path: Path


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("app", help="register the GitHub App (manifest flow)")
    actions = parser.add_subparsers(dest="app_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create the App on GitHub from app-manifest.yml and save its credentials",
        description=(__doc__ or "").replace("``", ""),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    create.add_argument("--manifest", metavar="FILE", help="default app-manifest.yml")
    create.add_argument("--webhook-url", metavar="URL", help="where `autopilot serve` listens")
    create.add_argument("--name", help="the App's name (default: the manifest's)")
    create.add_argument("--org", metavar="ORG", help="create it for an organization")
    create.add_argument("--out", default=".", metavar="DIR", help="where credentials go")
    create.add_argument("--host", default="127.0.0.1")
    create.add_argument("--port", type=int, default=8765, help="local port (0: any free one)")
    create.add_argument("--github-url", metavar="URL", help="GitHub's web address")
    create.add_argument("--timeout", type=float, default=600.0, help="seconds to wait")
    create.set_defaults(func=run)


def web_url(api_url: str) -> str:
    """github.com for api.github.com, the host for GitHub Enterprise's ``/api/v3``."""
    if api_url.rstrip("/") == DEFAULT_API_URL:
        return "https://github.com"
    return api_url.rstrip("/").removesuffix("/api/v3")


def run(args: argparse.Namespace) -> int:
    manifest = dict(load_manifest(find_manifest(args.manifest)).data)
    if args.webhook_url:
        manifest["hook_attributes"] = {**manifest["hook_attributes"], "url": args.webhook_url}
    if args.name:
        manifest["name"] = args.name
    out = Path(args.out)
    if (out / ENV_FILE).exists():
        raise UsageError(f"{out / ENV_FILE} exists: an App was already created here")
    api_url = (os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    flow = ManifestFlow(
        manifest,
        api_url=api_url,
        github_url=(args.github_url or web_url(api_url)).rstrip("/"),
        org=args.org,
        out=out,
    )
    try:
        created = asyncio.run(flow.run(args.host, args.port, timeout=args.timeout))
    except TimeoutError:
        print("autopilot app create: no answer from GitHub in time; nothing was created here")
        return 1
    except FlowError as exc:
        print(f"autopilot app create: {exc}", file=sys.stderr)
        return 1
    print(f"created App {created.app_id} ({created.slug}): {created.html_url}")
    print(f"credentials: {created.env_path} and {created.key_path} (mode 0600)")
    print(f"next: install it at {created.html_url}/installations/new, then `autopilot doctor`")
    return 0


class FlowError(Exception):
    """GitHub did not give the App's credentials (a refused or reused code)."""


class ManifestFlow:
    """The local half of the manifest flow: the form page and the redirect's callback."""

    def __init__(
        self,
        manifest: Mapping[str, Any],
        *,
        api_url: str,
        github_url: str,
        org: str | None,
        out: Path,
    ) -> None:
        self.manifest = manifest
        self.api_url, self.github_url, self.org, self.out = api_url, github_url, org, out
        self.state = secrets.token_urlsafe(24)
        self.redirect_url = ""
        self.done: asyncio.Future[Created] | None = None

    async def run(self, host: str, port: int, *, timeout: float) -> Created:
        self.done = asyncio.get_running_loop().create_future()
        app = web.Application()
        app.router.add_get("/", self.form)
        app.router.add_get("/callback", self.callback)
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
            bound = runner.addresses[0][1]
            self.redirect_url = f"http://{host}:{bound}/callback"
            print(f"open http://{host}:{bound}/ in a browser to create the App", flush=True)
            return await asyncio.wait_for(asyncio.shield(self.done), timeout)
        finally:
            await runner.cleanup()

    def _action(self) -> str:
        where = f"/organizations/{self.org}" if self.org else ""
        return f"{self.github_url}{where}/settings/apps/new?state={self.state}"

    async def form(self, request: web.Request) -> web.Response:
        manifest = {**self.manifest, "redirect_url": self.redirect_url}
        page = FORM.format(
            name=html.escape(str(manifest.get("name"))),
            target=html.escape(self.org or "your account"),
            out=html.escape(str(self.out.resolve())),
            action=html.escape(self._action()),
            manifest=html.escape(json.dumps(manifest)),
        )
        return web.Response(text=page, content_type="text/html")

    async def callback(self, request: web.Request) -> web.Response:
        state, code = request.query.get("state", ""), request.query.get("code", "")
        if not hmac.compare_digest(state.encode(), self.state.encode()):
            return _page(400, "This answer does not belong to this form (state mismatch).")
        if not code or self.done is None or self.done.done():
            return _page(400, "No code, or the App was already created.")
        try:
            created = await self._convert(code)
        except FlowError as exc:
            self.done.set_exception(exc)
            return _page(502, html.escape(str(exc)))
        self.done.set_result(created)
        install = html.escape(f"{created.html_url}/installations/new")
        return _page(
            200,
            f"App {html.escape(created.slug)} created; its credentials are in "
            f'{html.escape(str(created.env_path))}. Next: <a href="{install}">install it</a>.',
        )

    async def _convert(self, code: str) -> Created:
        async with aiohttp.ClientSession() as session:
            gh = GitHubClient(session, base_url=self.api_url)
            try:
                data = await gh.post("/app-manifests/{code}/conversions", {"code": code}, data=b"")
            except GitHubRefused as exc:
                raise FlowError(f"GitHub refused the code: {exc.reason}") from exc
        return write_credentials(data, self.out, api_url=self.api_url)


def write_credentials(data: Mapping[str, Any], out: Path, *, api_url: str) -> Created:
    """The private key and an env file for ``autopilot serve``, both mode 0600."""
    slug = str(data["slug"])
    out.mkdir(parents=True, exist_ok=True)
    key_path = (out / f"{slug}.private-key.pem").resolve()
    env_path = (out / ENV_FILE).resolve()
    _write_private(key_path, str(data["pem"]))
    lines = [
        f"AUTOPILOT_APP_ID={int(data['id'])}",
        f"AUTOPILOT_PRIVATE_KEY_PATH={key_path}",
        f"AUTOPILOT_WEBHOOK_SECRET={data.get('webhook_secret') or ''}",
    ]
    if api_url != DEFAULT_API_URL:
        lines.append(f"GITHUB_API_URL={api_url}")
    _write_private(env_path, "\n".join(lines) + "\n")
    return Created(int(data["id"]), slug, str(data.get("html_url") or ""), key_path, env_path)


def _write_private(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only; an existing file is never overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise FlowError(f"{path} exists; not overwriting it") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def _page(status: int, message: str) -> web.Response:
    text = f"<!doctype html><meta charset=utf-8><title>CI Autopilot</title><p>{message}</p>"
    return web.Response(status=status, text=text, content_type="text/html")


FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Create {name}</title></head>
<body>
<h1>Create the GitHub App “{name}”</h1>
<p>This registers the App described by <code>app-manifest.yml</code> for {target}.
GitHub asks you to confirm, then sends you back here and its credentials are written
to <code>{out}</code> (readable by you only).</p>
<form method="post" action="{action}">
<input type="hidden" name="manifest" value="{manifest}">
<button type="submit">Create the App on GitHub</button>
</form>
</body></html>
"""
