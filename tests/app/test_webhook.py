"""The webhook edge on both stores: signatures, size cap, bad input, dedupe, every example."""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from bot.store.deliveries import Status
from tests.app.conftest import Server, ServerFactory, raw_headers
from tests.fixtures.webhooks import WEBHOOK_SECRET


async def test_every_example_is_acknowledged_and_processed(
    server: Server, webhook_examples: list[tuple[str, str | None, dict[str, Any]]]
) -> None:
    examples = webhook_examples
    latencies = []
    for event, _action, payload in examples:
        started = time.perf_counter()
        response = await server.post(event, payload)
        latencies.append(time.perf_counter() - started)
        assert response.status == 202, (event, await response.text())
    processor = server.services.runtime.processor
    assert await processor.drain() == len(examples)
    recent = await server.services.runtime.store.recent(limit=len(examples))
    statuses = {d.status for d in recent}
    assert statuses <= {Status.DONE, Status.IGNORED}, [d.note for d in recent if d.note]
    ignored = [d for d in recent if d.event == "star"]
    assert ignored and all(d.note == f"no handler for star.{d.action}" for d in ignored)
    assert await server.services.runtime.store.depth() == 0
    quantiles = statistics.quantiles(latencies, n=20)
    p50, p95 = statistics.median(latencies) * 1000, quantiles[18] * 1000
    print(f"ack latency over {len(latencies)} posts: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


async def test_forged_or_missing_signature_is_401_and_not_stored(server: Server) -> None:
    forged = await server.post("ping", {"zen": "hi"}, secret="not-the-secret")
    assert forged.status == 401
    assert (await forged.json())["error"] == "bad_signature"
    missing = await server.post("ping", {"zen": "hi"}, secret=None)
    assert missing.status == 401
    assert (await missing.json())["error"] == "missing_signature"
    assert await server.services.runtime.store.recent() == []


async def test_replayed_delivery_is_stored_and_processed_once(server: Server) -> None:
    payload = {"zen": "Keep it logically awesome.", "hook_id": 1}
    first = await server.post("ping", payload, delivery="replayed-1")
    again = await server.post("ping", payload, delivery="replayed-1")
    assert (first.status, again.status) == (202, 200)
    assert (await again.json())["status"] == "duplicate"
    assert await server.services.runtime.processor.drain() == 1
    assert await server.services.runtime.processor.drain() == 0
    metrics = (await (await server.client.get("/metrics")).text()).splitlines()
    assert "autopilot_deliveries_duplicate_total 1.0" in metrics
    assert 'autopilot_deliveries_processed_total{status="done"} 1.0' in metrics


async def test_oversized_body_is_413(make_server: ServerFactory) -> None:
    server = await make_server(max_body_bytes=1024)
    big = {"padding": "x" * 2048}
    response = await server.post("push", big)
    assert response.status == 413
    assert (await response.json())["error"] == "too_large"

    async def chunks():  # no Content-Length: the cap applies while reading
        yield json.dumps(big).encode()

    body_headers = raw_headers("push", json.dumps(big).encode())
    streamed = await server.client.post("/webhook", data=chunks(), headers=body_headers)
    assert streamed.status == 413
    assert await server.services.runtime.store.recent() == []


async def test_bad_input_gets_a_clear_4xx(server: Server) -> None:
    cases = [
        (b"{not json", {}, 400, "bad_json"),
        (b"[1, 2]", {}, 400, "bad_json"),
        (b"\xff\xfe{}", {}, 400, "bad_json"),
        (b"{}", {"X-GitHub-Event": ""}, 400, "missing_header"),
        (b"{}", {"X-GitHub-Delivery": ""}, 400, "missing_header"),
        (b"{}", {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
    ]
    for body, override, status, reason in cases:
        headers = {**raw_headers("push", body), **override}
        response = await server.client.post("/webhook", data=body, headers=headers)
        assert response.status == status, (body, override)
        answer = await response.json()
        assert answer["error"] == reason and answer["detail"]
    assert await server.services.runtime.store.recent() == []
    assert (await server.client.get("/healthz")).status == 200


async def test_unsigned_requests_are_accepted_only_without_a_secret(
    make_server: ServerFactory,
) -> None:
    server = await make_server(webhook_secret=None)
    response = await server.post("ping", {"zen": "dev"}, secret=None)
    assert response.status == 202


async def test_healthz_metrics_and_dashboard(server: Server) -> None:
    payload = {"action": "created", "repository": {"full_name": "<script>alert(1)</script>"}}
    assert (await server.post("star", payload, delivery="d-<1>")).status == 400
    assert (await server.post("star", payload, delivery="d-1")).status == 202
    health = await (await server.client.get("/healthz")).json()
    assert health == {"status": "ok", "store": "ok", "queue": "local", "queue_depth": 1}
    page = await (await server.client.get("/")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert 'http-equiv="refresh"' in page and "star.created" in page
    metrics = await (await server.client.get("/metrics")).text()
    assert 'autopilot_deliveries_received_total{event="star"} 1.0' in metrics
    assert 'autopilot_deliveries_rejected_total{reason="missing_header"} 1.0' in metrics
    assert "autopilot_queue_depth 1.0" in metrics
    assert "autopilot_processing_seconds_bucket" in metrics
    assert WEBHOOK_SECRET not in metrics + page


async def test_metrics_include_the_review_queue(server: Server) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.core.scoring import Signals, score
    from bot.store.review_queue import ReviewQueue

    queue = ReviewQueue(server.services.runtime.store.db)
    low = score(Signals(tests=1.0, lint=0.0, types=0.0))
    queue.enqueue(low, diff="", now=datetime.now(UTC) - timedelta(hours=30), repo="o/r")
    metrics = await (await server.client.get("/metrics")).text()
    assert 'autopilot_review_queue_items{state="pending"} 1.0' in metrics
    assert 'autopilot_review_queue_items_by_route{route="manual_review"} 1.0' in metrics
    assert 'autopilot_review_queue_pending_older_than{threshold="24h"} 1.0' in metrics
    age = next(
        line for line in metrics.splitlines() if line.startswith("autopilot_review_queue_oldest")
    )
    assert float(age.split()[-1]) >= 30 * 3600
