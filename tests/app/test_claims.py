"""Claims at depth, scheduled retries and per-installation holds, on both stores."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from gidgethub.routing import Router

from bot.app.metrics import Metrics
from bot.app.worker import Processor
from bot.concerns.ports import Ports
from bot.config.settings import Settings
from bot.core.events import Event
from bot.fakegh import FakeGitHub
from bot.github.auth import AppAuth
from bot.github.client import GitHubClient
from bot.store import open_stores
from bot.store.deliveries import Status, Store
from tests.fixtures.github import AppCredentials

HELD, OTHER = 77, 78


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_claims_take_the_oldest_due_first_whatever_the_depth(store_url: str) -> None:
    clock = Clock()
    store = await Store.open(store_url, clock=clock)
    try:
        for chunk in range(4):  # 2,000 queued, committed in groups as the webhook does
            clock.now += 1
            added = await asyncio.gather(
                *(
                    store.add_delivery(f"d{chunk}-{n:03}", "ping", json.dumps({"n": n}))
                    for n in range(500)
                )
            )
            assert all(added)
        assert await store.depth() == 2000
        # Each group shares one receipt time: order holds between groups, not inside one.
        first = await store.claim_batch(limit=10, visibility_timeout=60)
        assert len(first) == 10 and all(d.delivery_id.startswith("d0-") for d in first)
        assert all(d.status is Status.PROCESSING and d.attempts == 1 for d in first)
        n = int(first[3].delivery_id.split("-")[1])
        assert json.loads(first[3].payload) == {"n": n}
        # Claimed rows leave the front of the queue; the next batch starts after them.
        second = await store.claim_batch(limit=500, visibility_timeout=60)
        groups = [d.delivery_id.split("-")[0] for d in second]
        assert groups == ["d0"] * 490 + ["d1"] * 10
        assert not {d.delivery_id for d in first} & {d.delivery_id for d in second}
        # A retried delivery waits for its time, then comes first again (it is due earliest).
        from bot.store.deliveries import Outcome

        retried = first[0].delivery_id
        retry = Outcome(
            delivery_id=retried, attempt=1, status=Status.QUEUED, retry_at=clock.now + 30
        )
        assert await store.record([retry]) == [True]
        ids = [d.delivery_id for d in await store.claim_batch(limit=2000)]
        assert retried not in ids and len(ids) == 2000 - 510
        clock.now += 31
        again = await store.claim_batch(limit=1)
        assert [(d.delivery_id, d.attempts) for d in again] == [(retried, 2)]
        # Claims use the partial index on due_at, never a sort of the queued rows.
        if store.db.dialect == "sqlite":
            plan = store.db.fetchall(
                "EXPLAIN QUERY PLAN SELECT delivery_id, installation_id FROM deliveries "
                "WHERE due_at <= ? ORDER BY due_at LIMIT ?",
                (clock.now, 32),
            )
            details = " ".join(str(row["detail"]) for row in plan)
            assert "deliveries_due" in details and "TEMP B-TREE" not in details
    finally:
        await store.close()


async def test_a_lapsed_claim_cannot_overwrite_the_new_one(store_url: str) -> None:
    clock = Clock()
    store = await Store.open(store_url, clock=clock)
    try:
        await store.add_delivery("d1", "ping", "{}")
        stale = await store.claim(visibility_timeout=10)
        clock.now += 11  # the first worker stalled past its visibility timeout
        fresh = await store.claim(visibility_timeout=10)
        assert stale is not None and fresh is not None and fresh.attempts == 2
        assert not await store.finish("d1", Status.FAILED, "late", attempt=stale.attempts)
        assert await store.finish("d1", Status.DONE, attempt=fresh.attempts)
        delivery = await store.delivery("d1")
        assert delivery is not None and (delivery.status, delivery.note) == (Status.DONE, None)
    finally:
        await store.close()


@dataclass
class Bench:
    store: Store
    processor: Processor
    clock: Clock
    fake: FakeGitHub
    ran: list[str]


@pytest.fixture
async def bench(
    store_url: str, fake_github: FakeGitHub, app_credentials: AppCredentials
) -> AsyncIterator[Bench]:
    """A processor whose handler reads the installation's repositories from the fake."""
    demo = fake_github.seed_demo()
    for installation in (HELD, OTHER):
        fake_github.add_installation(installation, "octo-org", repos=[demo.repo.full_name])
    clock = Clock()
    ran: list[str] = []
    router = Router()

    @router.register("issues")
    async def read_repos(event: Event, ports: Ports) -> None:
        await ports.gh.getitem("/installation/repositories")
        ran.append(event.delivery_id)

    async def no_sleep(seconds: float) -> None:
        return None

    store = await Store.open(store_url, clock=clock)
    async with aiohttp.ClientSession() as session:
        auth = AppAuth(str(app_credentials.app_id), app_credentials.private_key_pem)
        gh = GitHubClient(session, base_url=fake_github.url, app=auth, sleep=no_sleep, clock=clock)
        settings = Settings(max_attempts=3, retry_base_delay=5.0, retry_max_delay=60.0)
        processor = Processor(
            stores=await open_stores(store),
            router=router,
            gh=gh,
            settings=settings,
            metrics=Metrics(),
            clock=clock,
            jitter=lambda: 1.0,
        )
        yield Bench(store, processor, clock, fake_github, ran)
    await store.close()


async def _issue(store: Store, delivery_id: str, installation: int) -> None:
    """Store a delivery as the webhook does, a moment after the previous one."""
    payload = {"action": "opened", "installation": {"id": installation}}
    store.clock.now += 0.001  # type: ignore[attr-defined]
    body = json.dumps(payload)
    assert await store.add_delivery(delivery_id, "issues", body, installation_id=installation)


async def test_a_transient_failure_is_retried_later_while_the_worker_moves_on(
    bench: Bench,
) -> None:
    path = "/installation/repositories"
    bench.fake.inject_fault(502, path=path, times=3)  # the client's three quick tries
    await _issue(bench.store, "flaky", HELD)
    await _issue(bench.store, "fine", OTHER)
    report = await bench.processor.process_batch()
    assert report.claimed == 2 and bench.ran == ["fine"]
    [(delivery_id, due)] = report.due_again
    assert (delivery_id, due) == ("flaky", bench.clock.now + 5.0)  # base 5 s, jitter at top
    flaky = await bench.store.delivery("flaky")
    assert flaky is not None and flaky.status is Status.QUEUED and flaky.attempts == 1
    assert flaky.note is not None and "gave up after 3 attempts; last response 502" in flaky.note
    assert (await bench.processor.process_batch()).claimed == 0  # not due yet
    bench.clock.now += 5
    assert await bench.processor.drain() == 1
    done = await bench.store.delivery("flaky")
    assert done is not None and (done.status, done.attempts) == (Status.DONE, 2)


async def test_retries_stop_at_max_attempts(bench: Bench) -> None:
    bench.fake.inject_fault(503, path="/installation/repositories", times=100)
    await _issue(bench.store, "doomed", HELD)
    waits = []
    for _ in range(3):
        report = await bench.processor.process_batch()
        assert report.claimed == 1
        waits += [at - bench.clock.now for _, at in report.due_again]
        bench.clock.now += 3600
    assert waits == [5.0, 10.0]  # doubled each time; the third attempt is the last
    doomed = await bench.store.delivery("doomed")
    assert doomed is not None and doomed.status is Status.FAILED and doomed.attempts == 3
    assert doomed.note is not None and doomed.note.endswith("gave up after 3 attempts")


async def test_a_rate_limit_holds_back_only_its_installation(bench: Bench) -> None:
    bench.fake.inject_fault(
        403, path="/installation/repositories", headers={"retry-after": "60"}, times=1
    )
    await _issue(bench.store, "limited", HELD)
    report = await bench.processor.process_batch()
    assert report.due_again == (("limited", bench.clock.now + 60),)
    limited = await bench.store.delivery("limited")
    assert limited is not None and limited.status is Status.QUEUED
    assert limited.attempts == 0  # waiting for GitHub does not use up an attempt
    # New deliveries: the held installation's wait, the other installation's run at once.
    await _issue(bench.store, "same-installation", HELD)
    await _issue(bench.store, "other-installation", OTHER)
    calls = len(bench.fake.calls)
    report = await bench.processor.process_batch()
    assert bench.ran == ["other-installation"] and report.claimed == 1
    assert len(bench.fake.calls) == calls + 2  # its token, its read; nothing for the held one
    held = await bench.store.delivery("same-installation")
    assert held is not None and (held.status, held.attempts) == (Status.QUEUED, 0)
    bench.clock.now += 61
    assert await bench.processor.drain() == 2
    assert sorted(bench.ran) == ["limited", "other-installation", "same-installation"]


async def test_a_renewed_claim_holds_and_a_lapsed_one_is_swept(store_url: str) -> None:
    clock = Clock()
    store = await Store.open(store_url, clock=clock)
    try:
        for delivery_id in ("kept", "dropped", "fresh"):
            await store.add_delivery(delivery_id, "ping", "{}")
        kept, dropped = await store.claim_batch(limit=2, visibility_timeout=5)
        assert {kept.delivery_id, dropped.delivery_id} == {"kept", "dropped"}
        assert await store.lapsed(queued_for=30) == []  # both leases alive, "fresh" is new
        clock.now += 4
        assert store.renew([(kept.delivery_id, kept.attempts)], 5) == [True]
        clock.now += 2  # past the first lease: only the renewed claim still holds
        assert await store.lapsed(queued_for=30) == [dropped.delivery_id]
        [again] = await store.claim_batch([kept.delivery_id, dropped.delivery_id])
        assert (again.delivery_id, again.attempts) == (dropped.delivery_id, 2)
        # The dead worker's renewal is fenced out; the new holder's goes through.
        assert store.renew([(dropped.delivery_id, 1), (again.delivery_id, 2)], 5) == [
            False,
            True,
        ]
        clock.now += 30  # a delivery nobody enqueued is swept once it has waited long enough
        assert "fresh" in await store.lapsed(queued_for=30)
        # A job's worth of queued deliveries per sweep, however deep the backlog.
        await store.add_delivery("later", "ping", "{}")
        clock.now += 31
        capped = await store.lapsed(queued_for=30, queued_limit=1)
        assert capped == ["kept", "dropped", "fresh"]  # the lapsed claims all, one queued
        assert await store.lapsed(queued_for=30) == [*capped, "later"]
        await store.finish(kept.delivery_id, Status.DONE, attempt=kept.attempts)
        assert store.renew([(kept.delivery_id, kept.attempts)], 5) == [False]  # recorded
        if store.db.dialect == "sqlite":  # the sweep reads the in-flight claims' own index
            plan = store.db.fetchall(
                "EXPLAIN QUERY PLAN SELECT delivery_id FROM deliveries WHERE status = "
                "'processing' AND due_at <= ? ORDER BY due_at LIMIT ?",
                (clock.now, 100),
            )
            details = " ".join(str(row["detail"]) for row in plan)
            assert "deliveries_claimed" in details and "TEMP B-TREE" not in details
    finally:
        await store.close()


async def test_a_slow_live_handler_keeps_its_claim(store_url: str) -> None:
    """Handlers that outlast the lease, awaiting or holding the event loop, are never doubled:
    the heartbeat renews the claim while another worker keeps trying to take it."""
    lease = 0.5
    settings = Settings(visibility_timeout=lease)
    runs: list[str] = []
    router = Router()

    @router.register("ping")
    async def slow(event: Event, ports: Ports) -> None:
        runs.append(event.delivery_id)
        await asyncio.sleep(3 * lease)
        time.sleep(2 * lease)  # a handler that computes without awaiting

    store = await Store.open(store_url)
    other = await Store.open(store_url)
    async with aiohttp.ClientSession() as session:
        gh = GitHubClient(session, base_url="http://127.0.0.1:9", token="unused")
        live, rival = [
            Processor(
                stores=await open_stores(s),
                router=router,
                gh=gh,
                settings=settings,
                metrics=Metrics(),
            )
            for s in (store, other)
        ]
        try:
            await store.add_delivery("slow", "ping", '{"zen": "z"}')
            running = asyncio.create_task(live.process_batch())
            while not runs:  # the live worker holds the claim
                await asyncio.sleep(0.01)
            taken = 0
            while not running.done():
                taken += (await rival.process_batch()).claimed
                assert await other.lapsed(queued_for=60) == []
                await asyncio.sleep(lease / 5)
            assert (await running).claimed == 1 and taken == 0 and runs == ["slow"]
            delivery = await store.delivery("slow")
            assert delivery is not None
            assert (delivery.status, delivery.attempts) == (Status.DONE, 1)
            assert live.heartbeat.held() == []
        finally:
            live.close()
            rival.close()
            await other.close()
            await store.close()


async def test_a_rate_limit_skips_its_installation_for_the_rest_of_the_batch(
    bench: Bench,
) -> None:
    bench.fake.inject_fault(
        403, path="/installation/repositories", headers={"retry-after": "60"}, times=1
    )
    await _issue(bench.store, "limited", HELD)
    await _issue(bench.store, "same-batch", HELD)
    await _issue(bench.store, "other", OTHER)
    report = await bench.processor.process_batch()
    assert report.claimed == 3 and bench.ran == ["other"]
    until = bench.clock.now + 60
    assert sorted(report.due_again) == [("limited", until), ("same-batch", until)]
    asked = [call for call in bench.fake.calls if call.path == "/installation/repositories"]
    assert len(asked) == 2  # the limited one and the other installation's: none for the 2nd
    skipped = await bench.store.delivery("same-batch")
    assert skipped is not None and (skipped.status, skipped.attempts) == (Status.QUEUED, 0)
    assert await bench.store.failures("same-batch") == []  # skipped, not failed
    bench.clock.now += 61
    assert await bench.processor.drain() == 2
    assert sorted(bench.ran) == ["limited", "other", "same-batch"]
