"""``autopilot doctor``: check a real App setup and say what is wrong and how to fix it.

Checks the App id and key (GitHub accepts the JWT: ``GET /app``), the webhook secret (set
here and on GitHub), the store and the queue (connect), the installations (a token can be
minted; permissions accepted), and the App's permissions and events against the manifest.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.config.manifest import Manifest, find_manifest, load_manifest
from bot.config.settings import Settings, load_settings
from bot.core.doctor import (
    Check,
    exit_code,
    missing_events,
    missing_permissions,
    render_json,
    render_text,
)
from bot.errors import UsageError
from bot.github.auth import AppAuth
from bot.github.client import GitHubClient, GitHubGaveUp, GitHubRefused, RetryLater, RetryPolicy
from bot.store.db import redact
from bot.store.deliveries import Store

#: Installations looked at one by one (a token minted for each).
MAX_INSTALLATIONS = 20
MIN_SECRET = 16
EPILOG = """\
exit codes: 0 all good; 1 problems found (each with how to fix it);
2 usage or configuration error (no App credentials, unreadable manifest).
Reads the same environment as `autopilot serve`.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check the App's key, secret, store, queue, installations and permissions",
        description=(__doc__ or "").replace("``", ""),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--manifest", metavar="FILE", help="App manifest (default app-manifest.yml)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(os.environ)
    if not settings.has_app_credentials:
        raise UsageError(
            "doctor checks a GitHub App: set AUTOPILOT_APP_ID and AUTOPILOT_PRIVATE_KEY "
            "(or AUTOPILOT_PRIVATE_KEY_PATH); `autopilot app create` makes them"
        )
    manifest = load_manifest(find_manifest(args.manifest))
    checks = asyncio.run(diagnose(settings, manifest))
    print(render_json(checks) if args.format == "json" else render_text(checks), end="")
    return exit_code(checks)


async def diagnose(settings: Settings, manifest: Manifest) -> list[Check]:
    """Every check, in order; checks that need the App are skipped when its key is refused."""
    checks = [_secret(settings), await _store(settings), await _queue(settings)]
    assert settings.app_id and settings.private_key
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        gh = GitHubClient(
            session,
            base_url=settings.api_url,
            app=AppAuth(settings.app_id, settings.private_key),
            retry=RetryPolicy(attempts=2, base_delay=0.5, max_hold=5),
        )
        app = await _app(gh, settings, checks)
        if app is None:
            return checks
        checks.append(_permissions(manifest, app))
        checks.append(_events(manifest, app))
        checks.append(await _hook(gh, settings))
        checks += await _installations(gh, manifest, app)
    return checks


def _secret(settings: Settings) -> Check:
    name = "webhook secret"
    fix = "set AUTOPILOT_WEBHOOK_SECRET to the App's webhook secret (App settings, Webhook)"
    if settings.webhook_secret is None:
        return Check(
            name, False, "AUTOPILOT_WEBHOOK_SECRET is not set: serve refuses to start", fix
        )
    if len(settings.webhook_secret) < MIN_SECRET:
        detail = f"only {len(settings.webhook_secret)} characters: easy to guess"
        return Check(name, False, detail, f"use a random secret of {MIN_SECRET}+ characters")
    return Check(name, True, "set")


async def _store(settings: Settings) -> Check:
    where = redact(settings.store_url)
    try:
        store = await Store.open(settings.store_url)
        try:
            await store.ping()
        finally:
            await store.close()
    except Exception as exc:  # any driver error is the finding itself
        fix = "check AUTOPILOT_STORE (sqlite:///path.db or postgresql://…) and that it is up"
        return Check("store", False, f"cannot use {where}: {exc}", fix)
    return Check("store", True, f"{where} answers")


async def _queue(settings: Settings) -> Check:
    if not settings.uses_redis:
        return Check(
            "queue",
            True,
            "local (workers inside `autopilot serve`, or `autopilot worker` beside "
            "`autopilot serve --no-workers`)",
        )
    from redis.asyncio import Redis

    where = redact(settings.queue_url)
    client = Redis.from_url(settings.queue_url, socket_connect_timeout=5)
    try:
        await client.ping()
    except Exception as exc:  # connection refused, auth, DNS: all findings
        fix = "check AUTOPILOT_QUEUE (redis://host:port/db) and that Redis is up"
        return Check("queue", False, f"cannot reach {where}: {exc}", fix)
    finally:
        await client.aclose()
    return Check("queue", True, f"{where} answers")


async def _app(gh: GitHubClient, settings: Settings, checks: list[Check]) -> Any:
    name = "App id and key"
    try:
        app = await gh.getitem("/app")
    except GitHubRefused as exc:
        detail = f"GitHub refused the App's JWT for App {settings.app_id}: {exc.reason}"
        fix = (
            "AUTOPILOT_APP_ID must be the App's id (settings page, 'App ID') and the key one "
            "of its private keys; generate a new key there if unsure"
        )
        checks.append(Check(name, False, detail, fix))
        return None
    except (GitHubGaveUp, RetryLater, aiohttp.ClientError, OSError, TimeoutError) as exc:
        detail = f"cannot reach GitHub at {settings.api_url}: {exc}"
        checks.append(Check(name, False, detail, "check GITHUB_API_URL and the network"))
        return None
    checks.append(Check(name, True, f"App {app.get('id')} ({app.get('slug')}) accepts the key"))
    return app


def _settings_url(app: Mapping[str, Any]) -> str:
    return f"{app.get('html_url') or 'the App'} (settings: Permissions & events)"


def _permissions(manifest: Manifest, app: Mapping[str, Any]) -> Check:
    missing = missing_permissions(manifest.permissions, app.get("permissions") or {})
    if not missing:
        return Check("permissions", True, "as the manifest asks")
    fix = f"grant them in {_settings_url(app)}; each installation then accepts them"
    return Check("permissions", False, "missing " + "; ".join(missing), fix)


def _events(manifest: Manifest, app: Mapping[str, Any]) -> Check:
    missing = missing_events(manifest.events, app.get("events") or [])
    if not missing:
        return Check("events", True, "as the manifest asks")
    fix = f"subscribe to them in {_settings_url(app)}"
    return Check("events", False, "not subscribed to " + ", ".join(missing), fix)


async def _hook(gh: GitHubClient, settings: Settings) -> Check:
    try:
        config = await gh.getitem("/app/hook/config")
    except GitHubRefused as exc:
        return Check("webhook", False, exc.reason, "check the App's webhook settings")
    url = config.get("url") or "(none)"
    if not config.get("secret"):
        fix = "set a webhook secret in the App's settings and the same AUTOPILOT_WEBHOOK_SECRET"
        return Check("webhook", False, f"{url} has no secret on GitHub: nothing is signed", fix)
    if config.get("content_type") != "json":
        return Check("webhook", False, f"{url} sends form data", "set content type to json")
    return Check("webhook", True, f"{url}, signed, JSON")


async def _installations(
    gh: GitHubClient, manifest: Manifest, app: Mapping[str, Any]
) -> list[Check]:
    found = [inst async for inst in gh.getiter("/app/installations")]
    if not found:
        fix = f"install it: {app.get('html_url') or 'the App page'}/installations/new"
        return [Check("installations", False, "the App is installed nowhere", fix)]
    checks = [Check("installations", True, f"{len(found)} installation(s)")]
    for inst in found[:MAX_INSTALLATIONS]:
        checks.append(await _installation(gh, manifest, inst))
    return checks


async def _installation(gh: GitHubClient, manifest: Manifest, inst: Mapping[str, Any]) -> Check:
    account = (inst.get("account") or {}).get("login") or "?"
    name = f"installation {inst.get('id')} ({account})"
    settings_url = inst.get("html_url") or "the installation's settings"
    if inst.get("suspended_at"):
        return Check(name, False, "suspended", f"unsuspend it in {settings_url}")
    missing = missing_permissions(manifest.permissions, inst.get("permissions") or {})
    if missing:
        fix = f"an owner of {account} accepts the new permissions in {settings_url}"
        return Check(name, False, "has not accepted " + "; ".join(missing), fix)
    try:
        data = await gh.for_installation(int(inst["id"])).getitem("/installation/repositories")
    except GitHubRefused as exc:
        return Check(name, False, exc.reason, f"check {settings_url}")
    return Check(name, True, f"token minted; {data.get('total_count', 0)} repositories")
