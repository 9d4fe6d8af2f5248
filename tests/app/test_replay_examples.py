"""Every example payload replayed through the App against the spec-validating fake GitHub.

The App holds real credentials for every installation the examples name, so each concern
makes the calls it would make on github.com; the fake fails the test on any request that
GitHub's OpenAPI description rejects. Handlers may fail (the examples' runs and repositories
do not exist in the fake), but never crash the worker and never send an invalid request.
None of the examples is a failed run from an App installation, so each completed
``workflow_run`` example is also replayed as one, to drive the triage concern too.
"""

from __future__ import annotations

from typing import Any

from bot.fakegh import FakeGitHub
from bot.store.deliveries import Status
from tests.app.conftest import ServerFactory
from tests.fixtures.github import AppCredentials

INSTALLATION = 4243


def _failed_runs(examples: list[tuple[str, str | None, dict[str, Any]]]) -> list[dict[str, Any]]:
    derived = []
    for event, action, payload in examples:
        if event == "workflow_run" and action == "completed":
            run = {**payload["workflow_run"], "conclusion": "failure", "status": "completed"}
            derived.append({**payload, "workflow_run": run, "installation": {"id": INSTALLATION}})
    return derived


def _installations(examples: list[tuple[str, str | None, dict[str, Any]]]) -> dict[int, str]:
    found: dict[int, str] = {}
    for _event, _action, payload in examples:
        installation = payload.get("installation") or {}
        if isinstance(installation.get("id"), int):
            owner = ((payload.get("repository") or {}).get("owner") or {}).get("login")
            found.setdefault(installation["id"], owner or "octo-org")
    return found


async def test_replayed_examples_make_only_requests_the_spec_accepts(
    make_server: ServerFactory,
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    webhook_examples: list[tuple[str, str | None, dict[str, Any]]],
) -> None:
    replayed = [
        *webhook_examples,
        *(("workflow_run", "completed", p) for p in _failed_runs(webhook_examples)),
    ]
    installations = {**_installations(webhook_examples), INSTALLATION: "octo-org"}
    for installation_id, owner in installations.items():
        fake_github.add_installation(installation_id, owner)
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    for index, (event, _action, payload) in enumerate(replayed):
        response = await server.post(event, payload, delivery=f"replay-{index}")
        assert response.status == 202, (event, await response.text())
    assert await server.services.runtime.processor.drain() == len(replayed)
    store = server.services.runtime.store
    recent = await store.recent(limit=len(replayed))
    assert {d.status for d in recent} <= {Status.DONE, Status.IGNORED, Status.FAILED}
    assert await store.depth() == 0
    made_calls = {call.operation_id for call in fake_github.calls}
    assert "apps/create-installation-access-token" in made_calls
    assert "actions/list-jobs-for-workflow-run" in made_calls  # the failed workflow runs
    assert not fake_github.unexpected_violations(), fake_github.unexpected_violations()


async def test_replayed_examples_for_unknown_installations_end_without_tracebacks(
    make_server: ServerFactory,
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    webhook_examples: list[tuple[str, str | None, dict[str, Any]]],
    caplog: Any,
) -> None:
    """Installations the fake does not know (removed ones): a reason each, no traceback."""
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    for index, (event, _action, payload) in enumerate(webhook_examples):
        response = await server.post(event, payload, delivery=f"gone-{index}")
        assert response.status == 202, (event, await response.text())
    assert await server.services.runtime.processor.drain() == len(webhook_examples)
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    recent = await server.services.runtime.store.recent(limit=len(webhook_examples))
    gone = [d for d in recent if d.note and "is gone (removed or suspended)" in d.note]
    assert gone and all(d.status is Status.IGNORED for d in gone)
    assert not [d for d in recent if d.status is Status.FAILED]
