"""Streaming: results do not depend on chunking, line numbers are exact, huge lines are safe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.triage import triage_chunks, triage_text
from bot.core.triage.logs import clean_line
from bot.core.triage.scan import Scanner, blocks
from tests.triage.scoring import CORPUS

#: Every log of every corpus (all nine), green ones included.
EVERY_LOG = sorted(CORPUS.rglob("*.log"))

NOISE = "2025-01-01T00:00:00.0000000Z tests/test_x.py::test_{} PASSED [ 1%]\n"


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("case", ["multi_lint_types_tests_gha", "assertion_two_tests_xdist"])
@pytest.mark.parametrize("size", [1, 7, 4096])
def test_chunk_size_does_not_change_the_result(case: str, size: int) -> None:
    data = (CORPUS / f"{case}.log").read_bytes()
    whole = [f.to_dict() for f in triage_text(data.decode())]
    assert whole
    assert [f.to_dict() for f in triage_chunks([_pieces(data, size)])] == whole


def _dicts(chunks: list[bytes] | Iterator[bytes]) -> list[dict[str, object]]:
    return [f.to_dict() for f in triage_chunks([chunks])]


@pytest.mark.parametrize("path", EVERY_LOG, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_log_streamed_in_pieces_equals_it_whole(path: Path) -> None:
    """Where the chunks and blocks end (mid-line, mid-character, at a trigger line's context)
    never changes a finding, its place or its order."""
    data = path.read_bytes()
    whole = _dicts([data])
    for size in (61, 1021):
        assert _dicts(_pieces(data, size)) == whole, size


def test_failure_dense_log_streamed_equals_it_whole() -> None:
    """Failing logs one after the other (the benchmark's failure-dense shape): the findings
    of each are the same read in one piece or streamed in blocks of odd sizes."""
    logs = [p for p in EVERY_LOG if not p.name.startswith("green_")]
    data = b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in logs)
    whole = _dicts([data])
    assert len(whole) > len(logs) // 2
    assert _dicts(_pieces(data, 4093)) == whole
    assert _dicts(_pieces(data, 1 << 16)) == whole


def test_failures_buried_in_noise_across_blocks_are_found() -> None:
    failure = (CORPUS / "multi_test_categories.log").read_text()
    noise = "".join(NOISE.format(i) for i in range(20_000))
    data = (noise + failure + noise).encode()
    found = triage_chunks([_pieces(data, 1 << 16)])
    assert {f.test for f in found} == {
        "tests/test_core.py::test_add",
        "tests/test_core.py::test_error_handling",
        "tests/test_core.py::test_parse_int",
    }


def test_scanner_numbers_lines_exactly() -> None:
    scanner = Scanner([b"boom"], before=1)
    lines = b"".join(b"boom\n" if i in (5, 9000) else b"quiet line\n" for i in range(1, 10_001))
    seen = [n for block in blocks(_pieces(lines, 333)) for n, _ in scanner.scan(block, bool)]
    assert seen == [4, 5, 8999, 9000]


def test_huge_line_is_cut_not_held() -> None:
    huge = b"x" * (40 << 20)
    chunks = [huge[i : i + (4 << 20)] for i in range(0, len(huge), 4 << 20)]
    sizes = [len(b) for b in blocks(chunks, max_pending=8 << 20)]
    assert max(sizes) <= (8 << 20) + (4 << 20) + 1
    summary = b"\n" + b"=" * 27 + b" short test summary info " + b"=" * 28 + b"\n"
    tail = b"FAILED tests/t.py::test_a - AssertionError: no\n"
    found = triage_chunks([[huge[: 9 << 20], summary, tail]])
    assert [f.test for f in found] == ["tests/t.py::test_a"]


def test_clean_line_strips_runner_decorations() -> None:
    raw = "2025-01-01T10:00:00.1234567Z \x1b[31mFAILED\x1b[0m tests/a.py::t\r"
    assert clean_line(raw) == "FAILED tests/a.py::t"
    assert clean_line("2025-01-01T10:00:00.1Z ##[group]Run pytest") == ""
    assert len(clean_line("y" * 100_000)) == 4096


def test_green_log_and_empty_input() -> None:
    assert triage_text("") == []
    assert triage_chunks([[]]) == []
    assert triage_text((CORPUS / "green_checks_gha.log").read_text()) == []
