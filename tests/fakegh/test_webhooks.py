"""Example payloads load, derived PR comments match GitHub's schema, deliveries are signed."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.core.signature import verify
from bot.fakegh.spec import npm_dir
from bot.fakegh.webhooks import Delivery, find_example, payload_errors, pull_request_comment


def test_every_example_loads(
    webhook_examples: list[tuple[str, str | None, dict[str, Any]]],
) -> None:
    index_path = npm_dir() / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
    index = json.loads(index_path.read_text())
    assert len(webhook_examples) == sum(len(entry["examples"]) for entry in index)
    declared = {entry["name"]: set(entry["actions"]) for entry in index}
    for event, action, payload in webhook_examples:
        assert action is None or action in declared[event], (event, action)
        assert isinstance(payload, dict) and payload, event
    events = {event for event, _, _ in webhook_examples}
    assert {"workflow_run", "issue_comment", "pull_request", "check_run", "installation"} <= events


@pytest.mark.parametrize("action", ["created", "edited"])
def test_derived_pr_comments_match_the_webhook_schema(action: str) -> None:
    example = find_example("issue_comment", action)
    assert "pull_request" not in example.payload["issue"]
    derived = pull_request_comment(example.payload)
    assert derived["issue"]["pull_request"]["url"].endswith(f"/pulls/{derived['issue']['number']}")
    assert payload_errors("issue_comment", action, derived) == []
    assert "pull_request" not in example.payload["issue"]  # the example itself is untouched


def test_schema_check_catches_a_broken_payload(pr_comment_payload: dict[str, Any]) -> None:
    pr_comment_payload["issue"]["pull_request"]["url"] = 42
    del pr_comment_payload["comment"]
    errors = payload_errors("issue_comment", "created", pr_comment_payload)
    assert any("'comment' is a required property" in e for e in errors)
    assert any(e.startswith("issue/pull_request/url") for e in errors)


@pytest.mark.parametrize(
    ("event", "action"),
    [("workflow_run", "completed"), ("pull_request", "opened"), ("workflow_job", "completed")],
)
def test_found_examples_match_their_schemas(event: str, action: str) -> None:
    example = find_example(event, action)
    assert (example.event, example.action) == (event, action)
    assert payload_errors(event, action, example.payload) == []


def test_delivery_headers_and_signatures(signed_delivery: Callable[..., Delivery]) -> None:
    payload = find_example("workflow_run", "completed").payload
    delivery = signed_delivery("workflow_run", payload, secret="s3cret")
    h = delivery.headers
    assert json.loads(delivery.body) == payload
    assert verify("s3cret", delivery.body, h["X-Hub-Signature-256"])
    sha1 = hmac.new(b"s3cret", delivery.body, hashlib.sha1).hexdigest()
    assert h["X-Hub-Signature"] == f"sha1={sha1}"
    assert uuid.UUID(delivery.id)
    assert h["X-GitHub-Event"] == "workflow_run"
    assert h["User-Agent"].startswith("GitHub-Hookshot/")
    assert h["Content-Type"] == "application/json"
    assert h["X-GitHub-Hook-Installation-Target-Type"] == "repository"
    assert h["X-GitHub-Hook-Installation-Target-ID"] == str(payload["repository"]["id"])
    unsigned = signed_delivery("workflow_run", payload, secret=None)
    assert "X-Hub-Signature-256" not in unsigned.headers


@pytest.mark.asyncio(loop_scope="session")
async def test_post_webhook_sends_what_github_sends(
    aiohttp_client: Callable[..., Any],
    post_webhook: Callable[..., Any],
    pr_comment_payload: dict[str, Any],
    webhook_secret: str,
) -> None:
    seen: list[tuple[bool, str]] = []

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        ok = verify(webhook_secret, body, request.headers.get("X-Hub-Signature-256"))
        seen.append((ok, request.headers["X-GitHub-Event"]))
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/webhook", receive)
    client: TestClient[Any, Any] = await aiohttp_client(app)
    response = await post_webhook(client, "issue_comment", pr_comment_payload)
    assert response.status == 202
    assert seen == [(True, "issue_comment")]
