"""Leases on SQLite and on a real PostgreSQL: exclusive, lapsing, renewed, serialising."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import leases as names
from bot.store.db import Database
from bot.store.leases import SCHEMA, LeaseLost, LeasePolicy, Leases, LeaseTimeout

PR = names.pull_request("Octo-Org/Demo", 7)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two_dbs(store_url: str) -> Iterator[tuple[Database, Database]]:
    """Two connections to one database, as two processes (or machines) would have."""
    first, second = Database(store_url), Database(store_url)
    first.ensure_schema(SCHEMA)
    yield first, second
    first.close()
    second.close()


def test_lease_names_are_case_insensitive_per_repository() -> None:
    assert PR == "octo-org/demo#pull/7"
    assert names.for_run("O/R", [3, 1], "ABC") == ["o/r#pull/3", "o/r#pull/1"]
    assert names.for_run("O/R", (), "ABC") == ["o/r#commit/abc"]


async def test_one_owner_at_a_time_until_released_or_lapsed(
    two_dbs: tuple[Database, Database],
) -> None:
    clock = Clock()
    a, b = (Leases(db, clock=clock) for db in two_dbs)
    assert await a.try_take(PR, "a", ttl=60)
    assert not await b.try_take(PR, "b", ttl=60)
    assert await a.try_take(PR, "a", ttl=60)  # its own lease: taken again, expiry pushed
    assert await b.holder(PR) == "a"
    await a.release([PR], "a")
    assert await b.try_take(PR, "b", ttl=60)
    clock.now += 61  # b's worker died: its lease lapses
    assert await b.holder(PR) is None
    assert await a.try_take(PR, "a", ttl=60)
    assert not await b.renew([PR], "b")  # a lapsed holder learns it lost the lease
    await b.release([PR], "b")  # and giving it back does not free a's lease
    assert await a.holder(PR) == "a"


async def test_hold_serialises_read_modify_write_across_connections(
    two_dbs: tuple[Database, Database],
) -> None:
    a, b = (Leases(db, policy=LeasePolicy(poll_min=0.001, poll_max=0.01)) for db in two_dbs)
    counter = {"value": 0, "inside": 0, "most_inside": 0}

    async def bump(leases: Leases) -> None:
        async with leases.hold(PR):
            counter["inside"] += 1
            counter["most_inside"] = max(counter["most_inside"], counter["inside"])
            value = counter["value"]
            await asyncio.sleep(0)  # a write that races without the lease
            counter["value"] = value + 1
            counter["inside"] -= 1

    await asyncio.gather(*(bump(a if n % 2 else b) for n in range(40)))
    assert counter["value"] == 40 and counter["most_inside"] == 1
    assert await a.holder(PR) is None  # every holder gave its lease back


async def test_waiting_longer_than_the_timeout_is_an_error(
    two_dbs: tuple[Database, Database],
) -> None:
    a, b = (Leases(db) for db in two_dbs)
    assert await a.try_take(PR, "a")
    with pytest.raises(LeaseTimeout, match="still held"):
        async with b.hold(PR, timeout=0.05):
            pytest.fail("entered a held lease")
    other = names.pull_request("octo-org/demo", 8)
    with pytest.raises(LeaseTimeout):
        async with b.hold(other, PR, timeout=0.05):
            pass
    assert await a.holder(other) is None  # the lease it did get was given back


async def test_a_held_lease_is_renewed_and_taking_it_again_is_free(
    two_dbs: tuple[Database, Database],
) -> None:
    policy = LeasePolicy(ttl=0.3, poll_min=0.01)
    a, b = (Leases(db, policy=policy) for db in two_dbs)
    async with a.hold(PR), a.hold(PR):  # nested in the same task: no deadlock
        await asyncio.sleep(0.6)  # twice the ttl: renewals keep it
        assert not await b.try_take(PR, "b")
    assert await b.try_take(PR, "b")


async def test_a_lease_lost_while_held_stops_the_block(two_dbs: tuple[Database, Database]) -> None:
    policy = LeasePolicy(ttl=0.15)
    a = Leases(two_dbs[0], policy=policy)
    reached_the_end = False
    with pytest.raises(LeaseLost, match="lapsed while held"):
        async with a.hold(PR):
            # Another worker took the lease (ours lapsed while this worker stalled).
            two_dbs[1].execute("UPDATE leases SET owner = 'thief' WHERE name = ?", (PR,))
            await asyncio.sleep(5)
            reached_the_end = True
    assert not reached_the_end
    assert await a.holder(PR) == "thief"  # the new holder's lease is left alone


_WORKER = """
import asyncio, sys, time
from pathlib import Path
from bot.store.db import Database
from bot.store.leases import LeasePolicy, Leases

async def main(url: str, counter: Path, rounds: int, start_at: float) -> None:
    leases = Leases(Database(url), policy=LeasePolicy(poll_min=0.001, poll_max=0.02))
    await asyncio.sleep(max(0.0, start_at - time.time()))  # every process starts together
    for _ in range(rounds):
        async with leases.hold("o/r#pull/7"):
            value = int(counter.read_text())
            await asyncio.sleep(0.002)  # another process would overwrite without the lease
            counter.write_text(str(value + 1))

asyncio.run(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
"""


async def test_hold_excludes_other_processes(store_url: str, tmp_path: Path) -> None:
    """Three OS processes, each with its own connection, bump one file under one lease."""
    Database(store_url).ensure_schema(SCHEMA)
    counter = tmp_path / "counter"
    counter.write_text("0")
    rounds, workers, start_at = 30, 3, time.time() + 3
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", _WORKER, store_url, str(counter), str(rounds), str(start_at)
        )
        for _ in range(workers)
    ]
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), timeout=120)
    assert codes == [0] * workers
    assert int(counter.read_text()) == rounds * workers
