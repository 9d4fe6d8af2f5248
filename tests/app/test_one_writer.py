"""One writer per pull request: many deliveries about one PR, handled by several workers at once.

150 deliveries: a third of them the same failed run, a third its re-run attempts, a third
other workflows failing on the same head. Whatever the interleaving, the PR ends with one
sticky comment and each run attempt with one ``autopilot/triage`` check run.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from typing import Any

import pytest

from bot.app.runtime import open_runtime
from bot.config.settings import Settings
from bot.fakegh import FakeGitHub
from bot.fakegh.demo import Demo
from bot.fakegh.webhooks import workflow_run_completed
from bot.store.deliveries import Status
from tests.app.conftest import ServerFactory
from tests.concerns.conftest import corpus_log
from tests.fixtures.github import AppCredentials

INSTALLATION = 4243
DELIVERIES = 150
FAILURE_LOG = "multi_lint_types_tests_gha"


def _deliveries(fake: FakeGitHub, demo: Demo) -> list[tuple[str, dict[str, Any]]]:
    """``DELIVERIES`` (delivery id, payload) pairs about the demo PR, interleaved."""
    pulls = [demo.pull]
    others = [
        fake.add_workflow_run(
            demo.repo,
            head_sha=demo.pull.head_sha,
            head_branch=demo.pull.head_ref,
            name=f"Checks {n}",
            jobs=[("test", "failure", corpus_log(FAILURE_LOG))],
        )
        for n in range(5)
    ]
    third = DELIVERIES // 3
    payloads: list[dict[str, Any]] = []
    for n in range(third):
        payloads.append(
            workflow_run_completed(
                demo.repo, demo.run, pulls, fake.url, installation_id=INSTALLATION
            )
        )
        rerun = workflow_run_completed(
            demo.repo, demo.run, pulls, fake.url, installation_id=INSTALLATION
        )
        rerun["workflow_run"]["run_attempt"] = 2 + n % 5
        payloads.append(rerun)
        other = others[n % len(others)]
        payloads.append(
            workflow_run_completed(demo.repo, other, pulls, fake.url, installation_id=INSTALLATION)
        )
    return [(f"one-writer-{n}", payload) for n, payload in enumerate(payloads)]


def _expected_attempts(deliveries: list[tuple[str, dict[str, Any]]]) -> set[str]:
    runs = (payload["workflow_run"] for _, payload in deliveries)
    return {f"{run['id']}:{run['run_attempt']}" for run in runs}


def _assert_one_writer(fake: FakeGitHub, deliveries: list[tuple[str, dict[str, Any]]]) -> None:
    bot_comments = [c for c in fake.state.comments.values() if c.user.type == "Bot"]
    markers = sorted(c.body.split("\n", 1)[0] for c in bot_comments)
    # One triage comment, and one from the fix journey that follows it.
    assert markers == ["<!-- autopilot:fix -->", "<!-- autopilot:triage -->"], markers
    assert len(fake.calls_to("issues/create-comment")) == 2
    triage = [run for run in fake.state.check_runs.values() if run.name == "autopilot/triage"]
    per_attempt = Counter(run.external_id for run in triage)
    assert set(per_attempt) == _expected_attempts(deliveries)
    assert set(per_attempt.values()) == {1}, per_attempt
    sizes = {len(run.annotations) for run in triage}
    assert len(sizes) == 1 and sizes.pop() > 0  # no attempt got its annotations twice
    # One fix for the one failed head, however many deliveries asked for it.
    assert len(fake.calls_to("git/create-commit")) == 1
    assert len(fake.calls_to("pulls/create")) == 1
    fixes = Counter(
        r.external_id for r in fake.state.check_runs.values() if r.name == "autopilot/fix"
    )
    assert set(fixes.values()) == {1}, fixes


async def _wait_until_done(store: Any, ids: list[str], timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while await store.depth():
        assert time.monotonic() < deadline, "deliveries still pending"
        await asyncio.sleep(0.05)
    statuses = Counter([(await store.delivery(i)).status for i in ids])
    assert statuses == {Status.DONE: len(ids)}, statuses


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2])
async def test_the_apps_worker_pool_leaves_one_comment_and_one_check_run_per_attempt(
    make_server: ServerFactory,
    fake_github: FakeGitHub,
    app_credentials: AppCredentials,
    workers: int,
) -> None:
    demo = fake_github.seed_demo()
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    server = await make_server(
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
        run_workers=True,
        workers=workers,
    )
    deliveries = _deliveries(fake_github, demo)
    for delivery_id, payload in deliveries:
        response = await server.post("workflow_run", payload, delivery=delivery_id)
        assert response.status == 202
    await _wait_until_done(server.services.runtime.store, [d for d, _ in deliveries])
    _assert_one_writer(fake_github, deliveries)


@pytest.mark.slow
async def test_two_processors_with_their_own_stores_on_one_database(
    store_url: str, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> None:
    """Two workers' runtimes (separate connections, clients and token caches), as two
    processes or machines sharing one store would have, each running two workers."""
    demo = fake_github.seed_demo()
    fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
    settings = Settings(
        store_url=store_url,
        api_url=fake_github.url,
        app_id=str(app_credentials.app_id),
        private_key=app_credentials.private_key_pem,
    )
    deliveries = _deliveries(fake_github, demo)
    async with (
        open_runtime(settings) as first,
        open_runtime(settings) as second,
    ):
        assert first.store.db is not second.store.db
        for delivery_id, payload in deliveries:
            await first.store.add_delivery(
                delivery_id,
                "workflow_run",
                json.dumps(payload),
                action="completed",
                installation_id=INSTALLATION,
                repository=demo.repo.full_name,
            )
        processors = [first.processor, first.processor, second.processor, second.processor]
        counts = await asyncio.gather(*(p.drain() for p in processors))
        assert sum(counts) == DELIVERIES and all(counts[::2])  # both runtimes took work
        await _wait_until_done(first.store, [d for d, _ in deliveries])
    _assert_one_writer(fake_github, deliveries)
