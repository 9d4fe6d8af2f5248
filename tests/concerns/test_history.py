"""Triage history on SQLite and PostgreSQL: idempotent recording, earlier runs."""

from __future__ import annotations

from bot.store.db import Database
from bot.store.history import FailureRow, RunKey, TriageHistory

ROW = FailureRow("fp-a", "assertion", "tests/test_core.py", 7, "tests/test_core.py::test_add")


def test_recording_twice_keeps_one_run_and_past_runs_exclude_the_current(
    database: Database,
) -> None:
    history = TriageHistory(database)
    first = RunKey("o/r", "CI", 1, 1, "sha1")
    second = RunKey("o/r", "CI", 2, 1, "sha2")
    history.record(first, "failure", [ROW, ROW], now=1.0)
    history.record(first, "failure", [ROW], now=2.0)  # a redelivery
    history.record(second, "failure", [ROW, FailureRow("fp-b", "lint", "a.py", 1, None)], now=3.0)
    history.record(RunKey("x/y", "CI", 3, 1, "sha1"), "failure", [ROW], now=4.0)
    assert database.fetchone("SELECT COUNT(*) AS n FROM triage_runs WHERE repository = 'o/r'") == {
        "n": 2
    }
    past = history.past_runs(second)
    assert [(p.run_id, p.head_sha, p.fingerprints) for p in past] == [
        (1, "sha1", frozenset({"fp-a"}))
    ]
    assert history.has_failed("o/r", "CI", "sha1") and not history.has_failed("o/r", "CI", "sha9")
    TriageHistory(database)  # the schema is created idempotently
