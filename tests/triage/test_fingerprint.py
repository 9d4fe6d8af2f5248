"""Fingerprints survive what changes between runs; flaky detection across runs."""

from __future__ import annotations

from bot.core.triage import find_flaky, fingerprint, normalise_message, recurrences, triage_text


def test_message_normalisation_masks_what_varies() -> None:
    a = "Timeout at 2025-01-01T10:00:00Z in /tmp/pytest-of-x/pytest-3/f.txt obj 0x7f3a2b after 1.5s"
    b = "Timeout at 2026-02-03T11:11:11Z in /tmp/pytest-of-y/pytest-9/f.txt obj 0x11aa after 3s"
    assert normalise_message(a) == normalise_message(b)
    assert normalise_message("assert 3 == 4") == "assert <n> == <n>"


def test_fingerprint_ignores_line_numbers_but_not_the_test() -> None:
    one = fingerprint("assertion", "tests/a.py", "tests/a.py::t", None, "assert 1 == 2")
    again = fingerprint("assertion", "tests/a.py", "tests/a.py::t", None, "assert 7 == 9")
    other = fingerprint("assertion", "tests/a.py", "tests/a.py::u", None, "assert 1 == 2")
    assert one == again != other
    assert len(one) == 16


def test_same_failure_on_another_run_keeps_its_fingerprint() -> None:
    log = "FAILED tests/a.py::test_x - AssertionError: got 0x{:x} after {} tries\n"
    head = "=== short test summary info ===\n"
    first = triage_text(head + log.format(0xDEAD, 3))
    second = triage_text(head + log.format(0xBEEF, 5))
    assert first[0].fingerprint == second[0].fingerprint


def test_find_flaky_needs_a_pass_and_a_fail_on_one_sha() -> None:
    runs = [("abc", ["f1", "f2"]), ("abc", ["f2"]), ("def", ["f3"]), ("ghi", ["f1"])]
    assert find_flaky(runs) == frozenset({"f1"})
    assert find_flaky([("abc", ["f1"]), ("abc", ["f1"])]) == frozenset()


def test_recurrences_count_runs() -> None:
    assert recurrences([["a", "a", "b"], ["a"]]) == {"a": 2, "b": 1}
