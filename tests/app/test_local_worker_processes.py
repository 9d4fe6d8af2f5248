"""``autopilot serve --no-workers`` beside local-queue worker processes on one SQLite file:
the intake acknowledges while two processes claim, each delivery is processed once, and a
killed process's deliveries are taken again once their claims lapse."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.app.local_worker import STARTED
from bot.store.deliveries import Status, Store

ROOT = Path(__file__).resolve().parents[2]
DELIVERIES = 300


def _spawn(store_url: str, record: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.app.local_worker_process", store_url, str(record)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )


def _lines(record: Path) -> list[tuple[str, str]]:
    if not record.exists():
        return []
    return [(d, pid) for d, pid in (line.split() for line in record.read_text().splitlines())]


def _runs(record: Path) -> list[tuple[str, str]]:
    return [(d, pid) for d, pid in _lines(record) if d != "ready"]


async def _ready(record: Path, workers: list[subprocess.Popen[bytes]]) -> None:
    while sum(d == "ready" for d, _ in _lines(record)) < len(workers):
        assert all(w.poll() is None for w in workers), "a worker process exited"
        await asyncio.sleep(0.05)


async def _intake(store: Store, ids: list[str]) -> None:
    """Deliveries arrive in bursts while the workers claim, as the webhook stores them."""
    for start in range(0, len(ids), 10):
        batch = ids[start : start + 10]
        assert all(await asyncio.gather(*(store.add_delivery(i, "ping", "{}") for i in batch)))
        await asyncio.sleep(0.005)


async def _until_drained(store: Store, workers: list[subprocess.Popen[bytes]]) -> None:
    for _ in range(300):
        if await store.depth() == 0:
            return
        assert any(w.poll() is None for w in workers), "every worker process exited"
        await asyncio.sleep(0.1)
    raise AssertionError(f"{await store.depth()} deliveries left")


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        worker.wait(10)


async def test_two_worker_processes_beside_the_intake_process_each_delivery_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    record = tmp_path / "processed.txt"
    store = await Store.open(url)
    workers = [_spawn(url, record, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        ids = [f"lw-{n:04}" for n in range(DELIVERIES)]
        await _ready(record, workers)
        await _intake(store, ids)
        await _until_drained(store, workers)
        runs = _runs(record)
        assert Counter(d for d, _ in runs) == Counter(ids)  # every one, once
        assert {pid for _, pid in runs} == {str(w.pid) for w in workers}  # both took a share
        for delivery_id in ids:
            delivery = await store.delivery(delivery_id)
            assert delivery is not None
            assert (delivery.status, delivery.attempts) == (Status.DONE, 1)
        _stop(workers)
        assert [w.returncode for w in workers] == [0, 0]  # SIGTERM: a clean stop
        for n in range(2):  # each said it started (what the benchmark waits for)
            assert STARTED in (tmp_path / f"worker-{n}.log").read_text()
    finally:
        _stop(workers)
        await store.close()


async def test_a_killed_worker_process_deliveries_are_taken_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    record = tmp_path / "processed.txt"
    store = await Store.open(url)
    workers = [_spawn(url, record, tmp_path / f"worker-{n}.log") for n in range(2)]
    try:
        ids = [f"lk-{n:04}" for n in range(DELIVERIES)]
        await _ready(record, workers)
        intake = asyncio.ensure_future(_intake(store, ids))
        while len(_runs(record)) < DELIVERIES // 5:
            assert all(w.poll() is None for w in workers)
            await asyncio.sleep(0.02)
        victim, survivor = workers
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        await intake
        await _until_drained(store, [survivor])  # the victim's claims lapse after 3 s
        runs = _runs(record)
        by_id = Counter(d for d, _ in runs)
        assert set(by_id) == set(ids)
        assert max(Counter(d for d, pid in runs if pid == str(survivor.pid)).values()) == 1
        for delivery_id in ids:
            delivery = await store.delivery(delivery_id)
            assert delivery is not None and delivery.status is Status.DONE
            if by_id[delivery_id] > 1:  # the victim ran it and died before recording
                assert delivery.attempts == 2 and by_id[delivery_id] == 2
    finally:
        _stop(workers)
        await store.close()
