"""Triage history on SQLite and PostgreSQL: idempotent recording, earlier runs."""

from __future__ import annotations

from bot.core.history import FailureRow, RunKey
from bot.store import history as history_store
from bot.store.db import Database
from bot.store.history import TriageHistory

ROW = FailureRow(
    fingerprint="fp-a",
    category="assertion",
    file="tests/test_core.py",
    line=7,
    test="tests/test_core.py::test_add",
)
OTHER = FailureRow(fingerprint="fp-b", category="lint", file="a.py", line=1, test=None)


def _key(repository: str, run_id: int, head_sha: str) -> RunKey:
    return RunKey(repository=repository, workflow="CI", run_id=run_id, attempt=1, head_sha=head_sha)


async def test_recording_twice_keeps_one_run_and_past_runs_exclude_the_current(
    database: Database,
) -> None:
    database.ensure_schema(history_store.SCHEMA)
    history = TriageHistory(database)
    first, second = _key("o/r", 1, "sha1"), _key("o/r", 2, "sha2")
    await history.record(first, "failure", [ROW, ROW], now=1.0)
    await history.record(first, "failure", [ROW], now=2.0)  # a redelivery
    await history.record(second, "failure", [ROW, OTHER], now=3.0)
    await history.record(_key("x/y", 3, "sha1"), "failure", [ROW], now=4.0)
    assert database.fetchone("SELECT COUNT(*) AS n FROM triage_runs WHERE repository = 'o/r'") == {
        "n": 2
    }
    past = await history.past_runs(second)
    assert [(p.run_id, p.head_sha, p.fingerprints) for p in past] == [
        (1, "sha1", frozenset({"fp-a"}))
    ]
    assert await history.has_failed("o/r", "CI", "sha1")
    assert not await history.has_failed("o/r", "CI", "sha9")
    database.ensure_schema(history_store.SCHEMA)  # the schema is created idempotently
