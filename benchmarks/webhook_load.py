"""An open-loop webhook load generator: signed deliveries sent on a fixed schedule.

``python benchmarks/webhook_load.py DELIVERIES.json URL RATE SECONDS PREFIX`` sends
``RATE`` requests a second for ``SECONDS`` whatever the answers (open loop), each with its
own ``X-GitHub-Delivery``, over a pool of keep-alive connections opened as needed (at most
``MAX_CONNECTIONS``). Latency counts from the scheduled send time, so a slow server cannot
hide its queueing (no coordinated omission). Prints one JSON object: latencies, statuses,
timeouts and the ids acknowledged. Plain asyncio protocols keep it cheap (~30 us a request).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_CONNECTIONS = 256
TIMEOUT = 5.0


class Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection with at most one request in flight."""

    def __init__(self, done: Any) -> None:
        self.done = done
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.current: tuple[str, float] | None = None
        self.ready = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ready.set_result(None)

    def send(self, request: bytes, delivery_id: str, scheduled: float) -> None:
        assert self.transport is not None
        self.current = (delivery_id, scheduled)
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.current is None:
            return
        head = self.buffer[:end].decode("latin-1")
        length = 0
        chunked = False
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            tail = self.buffer.find(b"0\r\n\r\n", end + 4)
            if tail < 0:
                return
            self.buffer = self.buffer[tail + 5 :]
        else:
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
        status = int(head.split(" ", 2)[1])
        current, self.current = self.current, None
        self.done(self, current, status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.current is not None:
            self.done(self, self.current, 0)
            self.current = None
        self.transport = None


async def run(
    deliveries: list[dict[str, str]], url: str, rate: float, seconds: float, prefix: str
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    templates = [
        (
            (
                f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Content-Type: application/json\r\nUser-Agent: GitHub-Hookshot/bench\r\n"
                f"X-GitHub-Event: {d['event']}\r\nX-Hub-Signature-256: {d['signature']}\r\n"
                f"Content-Length: {len(d['body'].encode())}\r\nX-GitHub-Delivery: "
            ).encode(),
            b"\r\n\r\n" + d["body"].encode(),
        )
        for d in deliveries
    ]
    idle: list[Connection] = []
    waiting: deque[tuple[bytes, str, float]] = deque()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    acked: list[str] = []
    outstanding = 0
    opened = 0
    finished = asyncio.Event()

    def done(conn: Connection, current: tuple[str, float], status: int) -> None:
        nonlocal outstanding
        delivery_id, scheduled = current
        outstanding -= 1
        statuses[status] += 1
        if status in (200, 202):
            latencies.append(loop.time() - scheduled)
            acked.append(delivery_id)
        if conn.transport is not None:
            if waiting:
                conn.send(*waiting.popleft())
            else:
                idle.append(conn)
        if outstanding == 0 and sending_over:
            finished.set()

    async def open_connection() -> None:
        nonlocal opened
        opened += 1
        try:
            _, conn = await loop.create_connection(lambda: Connection(done), host, port)
        except OSError:
            opened -= 1
            return
        if waiting:
            conn.send(*waiting.popleft())
        else:
            idle.append(conn)

    opening: set[asyncio.Task[None]] = set()
    sending_over = False
    total = int(rate * seconds)
    start = loop.time() + 0.05
    for n in range(total):
        scheduled = start + n / rate
        delay = scheduled - loop.time()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        head, body = templates[n % len(templates)]
        delivery_id = f"{prefix}-{n}"
        request = head + delivery_id.encode() + body
        outstanding += 1
        while idle and idle[-1].transport is None:
            idle.pop()
        if idle:
            idle.pop().send(request, delivery_id, scheduled)
        else:
            waiting.append((request, delivery_id, scheduled))
            if opened < MAX_CONNECTIONS:
                opening.add(loop.create_task(open_connection()))
    sending_over = True
    if outstanding:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(finished.wait(), TIMEOUT)
    latencies.sort()

    def pct(q: float) -> float | None:
        return (
            round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 2)
            if latencies
            else None
        )

    return {
        "rate": rate,
        "sent": total,
        "acked": len(acked),
        "timed_out": outstanding,
        "statuses": {str(k): v for k, v in statuses.items()},
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "connections": opened,
        "elapsed": round(loop.time() - start, 2),
        "acked_ids": acked,
    }


def main() -> None:
    path, url, rate, seconds, prefix = sys.argv[1:6]
    deliveries = json.loads(Path(path).read_text(encoding="utf-8"))
    started = time.time()
    result = asyncio.run(run(deliveries, url, float(rate), float(seconds), prefix))
    result["wall"] = round(time.time() - started, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
