"""Sandbox mode: the App against the built-in fake GitHub, with a demo played through itself."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import secrets
import sys
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

import aiohttp
from aiohttp import web

from bot.app.logging_json import configure_logging
from bot.app.server import SERVICES, start_server, wait_for_signal
from bot.config.settings import DEFAULT_STORE_URL, Settings
from bot.errors import UsageError
from bot.store.deliveries import Status, Store

if TYPE_CHECKING:
    from bot.fakegh import Demo

DEMO_APP_ID = 4242
DEMO_INSTALLATION = 4243
FINAL = frozenset({Status.DONE, Status.IGNORED, Status.FAILED})


def _example(event: str, action: str | None) -> dict[str, Any]:
    from bot.fakegh.webhooks import find_example

    return find_example(event, action).payload


def demo_deliveries(demo: Demo, api_url: str) -> list[tuple[str, dict[str, Any]]]:
    """``ping``, ``installation.created`` and the demo's failed ``workflow_run``, GitHub-shaped."""
    from bot.fakegh.webhooks import workflow_run_completed

    repo = demo.repo
    installation = _example("installation", "created")
    installation["installation"] = {
        **installation["installation"],
        "id": DEMO_INSTALLATION,
        "app_id": DEMO_APP_ID,
    }
    installation["installation"]["account"] = {
        **installation["installation"]["account"],
        "login": repo.owner.login,
        "type": "Organization",
    }
    installation["repositories"] = [
        {
            "id": repo.id,
            "node_id": f"R_{repo.id}",
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
        }
    ]
    run = workflow_run_completed(
        repo, demo.run, [demo.pull], api_url, installation_id=DEMO_INSTALLATION
    )
    ping = _example("ping", None)
    return [("ping", ping), ("installation", installation), ("workflow_run", run)]


async def _serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, f"http://{host}:{runner.addresses[0][1]}"


async def play(
    url: str, secret: str, deliveries: Sequence[tuple[str, dict[str, Any]]]
) -> list[str]:
    """POST each delivery to ``url``/webhook, signed like GitHub does; the delivery ids."""
    from bot.fakegh.webhooks import build_delivery

    ids = []
    async with aiohttp.ClientSession() as session:
        for event, payload in deliveries:
            delivery = build_delivery(event, payload, secret=secret)
            async with session.post(
                f"{url}/webhook", data=delivery.body, headers=delivery.headers
            ) as response:
                if response.status != 202:
                    text = await response.text()
                    raise RuntimeError(f"demo {event} got {response.status}: {text}")
            ids.append(delivery.id)
    return ids


async def _wait_finished(store: Store, ids: Sequence[str], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        found = [await store.delivery(i) for i in ids]
        if all(d is not None and d.status in FINAL for d in found):
            return
        await asyncio.sleep(0.05)


async def run_sandbox(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    once: bool = False,
    log_level: str = "INFO",
    out: TextIO | None = None,
) -> int:
    """Start the fake and the App, play the demo, print what happened; serve on unless ``once``."""
    from bot.fakegh import FakeGitHub, load_spec

    out = out or sys.stdout
    # A configured secret is kept, so deliveries signed elsewhere are accepted too.
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    secret_origin = "from AUTOPILOT_WEBHOOK_SECRET" if settings.webhook_secret else "generated"
    from bot.fakegh.auth import new_app_key_pair

    private_key, public_key = new_app_key_pair()
    configure_logging(log_level, secrets=(secret, private_key))
    spec = load_spec(required=False)
    fake = FakeGitHub(spec=spec)
    fake.add_app(DEMO_APP_ID, public_key)
    demo = fake.seed_demo()
    fake.add_installation(DEMO_INSTALLATION, demo.repo.owner.login, repos=[demo.repo.full_name])
    fake_runner, fake_url = await _serve(fake.app, "127.0.0.1", 0)
    fake.url = fake_url
    with tempfile.TemporaryDirectory(prefix="autopilot-sandbox-") as tmp:
        store_url = settings.store_url
        if store_url == DEFAULT_STORE_URL:  # keep the demo out of a real autopilot.db
            store_url = f"sqlite:///{tmp}/sandbox.db"
        sandbox = dataclasses.replace(
            settings,
            webhook_secret=secret,
            app_id=str(DEMO_APP_ID),
            private_key=private_key,
            api_url=fake_url,
            store_url=store_url,
            queue_url="local",
        )
        runner, url = await start_server(sandbox, host=host, port=0 if once else port)
        try:
            store = runner.app[SERVICES].runtime.store
            try:
                deliveries = demo_deliveries(demo, fake_url)
            except FileNotFoundError as exc:  # the pinned example payloads are not installed
                raise UsageError(str(exc)) from exc
            ids = await play(url, secret, deliveries)
            await _wait_finished(store, ids)
            async with aiohttp.ClientSession() as session, session.get(f"{url}/healthz") as r:
                health = await r.json()
            failed = await _print_summary(
                out, fake, demo, store, ids, url, fake_url, health, secret_origin
            )
            failed |= await _play_fix_journey(out, fake, demo, store, url, secret, fake_url)
            if not settings.webhook_secret:  # made here: the user needs it to sign deliveries
                _print_signing(out, url, secret)
            if once:
                return 1 if failed or fake.violations else 0
            print(f"\nserving the sandbox on {url} (dashboard {url}/); Ctrl-C stops", file=out)
            await wait_for_signal()
            return 0
        finally:
            await runner.cleanup()
            await fake_runner.cleanup()


async def _play_fix_journey(
    out: TextIO, fake: Any, demo: Demo, store: Store, url: str, secret: str, fake_url: str
) -> bool:
    """Journey 2: a lint-only failure becomes a fix PR, the fake's CI passes on the fix
    commit, and the fix merges at exactly that SHA. True when something went wrong."""
    from bot.fakegh.demo import seed_lint_demo
    from bot.fakegh.webhooks import workflow_run_completed

    lint = seed_lint_demo(fake, demo)
    start = len(fake.calls)
    failed_run = workflow_run_completed(
        demo.repo, lint.run, [lint.pull], fake_url, installation_id=DEMO_INSTALLATION
    )
    ids = await play(url, secret, [("workflow_run", failed_run)])
    await _wait_finished(store, ids)
    print(f"\njourney 2: PR #{lint.pull.number} failed lint only (run {lint.run.id})", file=out)
    fixes = [
        p for p in fake.state.pulls.values() if p.head_ref == f"autopilot/fix/{lint.pull.head_ref}"
    ]
    if not fixes:
        print("  no fix pull request was opened", file=out)
        return True
    fix = fixes[0]
    parent = demo.repo.commits[fix.head_sha].parents
    print(
        f"  fix PR #{fix.number} from {fix.head_ref} into {fix.base_ref}: commit "
        f"{fix.head_sha}, parent {parent[0]} (the failed head)",
        file=out,
    )
    ci = fake.add_workflow_run(
        demo.repo, head_sha=fix.head_sha, head_branch=fix.head_ref, conclusion="success",
        jobs=[("test", "success", "6 passed\n")],
    )  # fmt: skip
    print(f"  the fake's CI ran on the fix commit: run {ci.id} success", file=out)
    passed = workflow_run_completed(
        demo.repo, ci, [fix], fake_url, installation_id=DEMO_INSTALLATION
    )
    ids += await play(url, secret, [("workflow_run", passed)])
    await _wait_finished(store, ids)
    print("  calls:", file=out)
    for call in fake.calls[start:]:
        print(f"    {call.method:<6} {call.path:<56} {call.status}  {call.operation_id}", file=out)
    merges = [c for c in fake.calls[start:] if c.operation_id == "pulls/merge"]
    for merge in merges:
        print(
            f"  merged #{fix.number} with sha {merge.json.get('sha')} -> {merge.status}", file=out
        )
    for comment in fake.state.comments.values():
        if comment.issue_number == lint.pull.number and "autopilot:fix" in comment.body:
            print(f"\ncomment by {comment.user.login} on #{comment.issue_number}:", file=out)
            print("  " + comment.body.rstrip().replace("\n", "\n  "), file=out)
    statuses = [getattr(await store.delivery(i), "status", None) for i in ids]
    done = all(status is Status.DONE for status in statuses)
    return not (done and merges and fix.merged_at is not None)


def _print_signing(out: TextIO, url: str, secret: str) -> None:
    """The sandbox's own webhook secret, and how to sign a test delivery with it."""
    print(f"\nwebhook secret (made for this sandbox only): {secret}", file=out)
    print('sign and send a test delivery (docs/app.md, "Sign a test delivery"):', file=out)
    print(
        '  body=\'{"zen": "Keep it logically awesome.", "hook_id": 1}\'\n'
        f"  sig=$(printf '%s' \"$body\" | openssl dgst -sha256 -hmac '{secret}' | sed 's/^.* //')\n"
        f"  curl -sS {url}/webhook -H 'Content-Type: application/json' "
        "-H 'X-GitHub-Event: ping' -H \"X-GitHub-Delivery: test-$RANDOM\" "
        '-H "X-Hub-Signature-256: sha256=$sig" --data "$body"',
        file=out,
    )


async def _print_summary(
    out: TextIO,
    fake: Any,
    demo: Demo,
    store: Store,
    ids: Sequence[str],
    url: str,
    fake_url: str,
    health: dict[str, Any],
    secret_origin: str,
) -> bool:
    validation = "validating every request against @octokit/openapi"
    if fake.spec is None:
        validation = "WITHOUT validation: @octokit/openapi is missing (run scripts/bootstrap.sh)"
    print("CI Autopilot sandbox", file=out)
    print(f"  fake GitHub  {fake_url}  ({validation})", file=out)
    print(f"  App server   {url}  (dashboard /, /healthz, /metrics)", file=out)
    print(
        f"  demo         App {DEMO_APP_ID}, installation {DEMO_INSTALLATION} on "
        f"{demo.repo.full_name} (PR #{demo.pull.number}, failed run {demo.run.id}, "
        f"head {demo.run.head_sha}); webhook secret {secret_origin}",
        file=out,
    )
    print("\ndeliveries played through POST /webhook:", file=out)
    failed = False
    for delivery_id in ids:
        d = await store.delivery(delivery_id)
        if d is None:
            continue
        failed |= d.status is Status.FAILED
        label = d.event + (f".{d.action}" if d.action else "")
        print(f"  {label:<28} {d.status.value:<8} {d.note or ''}".rstrip(), file=out)
    print("\ncalls the bot made to the fake GitHub:", file=out)
    for call in fake.calls:
        print(f"  {call.method:<6} {call.path:<48} {call.status}  {call.operation_id}", file=out)
    for run in fake.state.check_runs.values():
        print(f"\ncheck run {run.name} on {run.head_sha}: {run.conclusion}", file=out)
        print(f"  {run.output.get('title')}", file=out)
        for a in run.annotations:
            print(
                f"  {a['annotation_level']:<8} {a['path']}:{a['start_line']}  {a['title']}",
                file=out,
            )
    for comment in fake.state.comments.values():
        print(f"\ncomment by {comment.user.login} on #{comment.issue_number}:", file=out)
        print("  " + comment.body.rstrip().replace("\n", "\n  "), file=out)
    if fake.violations:
        print("\nrequests GitHub's description rejects:", file=out)
        for violation in fake.violations:
            print(f"  {violation}", file=out)
    installation = await store.installation(DEMO_INSTALLATION)
    if installation is not None:
        repos = ", ".join(installation.repositories)
        print(
            f"\nstored installation {installation.installation_id}: {installation.status}, "
            f"account {installation.account}, repositories {repos}",
            file=out,
        )
    print(f"\nGET /healthz -> {json.dumps(health)}", file=out)
    return failed
