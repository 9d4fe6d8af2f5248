"""Trigger lines: the one-pass RE2 automaton picks exactly the lines ``re`` passes would."""

from __future__ import annotations

import random
import re

from bot.core.triage.recognisers import RECOGNISERS
from bot.core.triage.scan import Scanner, blocks, trigger_regex

LITERALS = sorted({literal for kind in RECOGNISERS for literal in kind.triggers})
PATTERNS = list(dict.fromkeys(p for kind in RECOGNISERS for p in kind.patterns))
#: Pieces that sit on the edges: case, non-ASCII look-alikes (the Kelvin sign, a long s),
#: ``\v`` (``re`` counts it as whitespace), matches that hide inside a two-line match.
PIECES = [
    b"ErRoR",
    b"fail",
    b"FAIL1",
    b"TimeOut",
    b"traceba",
    b"ck",
    b"no space left",
    b"no \xc5\xbfpace left",
    b"tracebac\xe2\x84\xaa",
    b"=====",
    b"____",
    b"_",
    b"\n",
    b"\n+++ ",
    b"\n  12:5  ",
    b"F401",
    b"\x0b",
    b"/",
    b"errors.txt",
    b"a.py:",
    b"a.pyi:\r\n",
    b"a.py ..R",
    b":3:4 ",
    b":7: [E1",
    b" Killed\n",
    b"killed ",
    b" PASSED",
    b"x",
    b" ",
    b"\xff",
]


def _reference(block: bytes) -> list[int]:
    """Numbers of the trigger lines as one ``bytes.find`` pass per literal and one ``re``
    pass per pattern find them (passing tests' progress lines left out)."""
    low = block.lower()
    hits = [m.start() for lit in LITERALS for m in re.finditer(re.escape(lit), low)]
    hits += [m.start() for pattern in PATTERNS for m in re.finditer(pattern, block)]
    # A pattern that starts with a newline (``\n+++ path``) marks the line it starts.
    starts = {
        hit + 1 if block[hit : hit + 1] == b"\n" else block.rfind(b"\n", 0, hit) + 1
        for hit in hits
        if hit + 1 < len(block) or block[hit : hit + 1] != b"\n"
    }
    lines = block.split(b"\n")
    numbers = [block.count(b"\n", 0, start) + 1 for start in sorted(starts)]
    passing = (b" PASSED", b"PASSED ", b" XFAIL", b" SKIPPED")
    return [n for n in numbers if not any(mark in lines[n - 1] for mark in passing)]


def _trigger_lines(data: bytes) -> list[int]:
    scanner = Scanner(LITERALS, PATTERNS, before=0)
    return [n for block in blocks([data]) for n, _ in scanner.scan(block, bool)]


def test_one_pass_finds_the_lines_separate_passes_find() -> None:
    rng = random.Random(5)
    for _ in range(200):
        data = b"".join(rng.choice(PIECES) for _ in range(60)) + b"\n"
        assert _trigger_lines(data) == _reference(data), data


def test_match_inside_a_two_line_match_still_counts() -> None:
    # ``\n+++ e`` (a diff header) spans two lines and covers the start of ``errors``.
    data = b"--- a/errors.txt\n+++ errors.txt\nquiet\n"
    assert _trigger_lines(data) == [1, 2]


def test_case_folds_ascii_only() -> None:
    assert trigger_regex([b"traceback"], []).search(b"TRACEBACK") is not None
    assert trigger_regex([b"traceback"], []).search(b"TRACEBAC\xe2\x84\xaa") is None
    assert trigger_regex([b"no space left"], []).search(b"no \xc5\xbfpace left") is None
    assert trigger_regex([], []).search(b"anything \x00\xff") is None


def test_trigger_past_the_cut_of_a_line_longer_than_a_block() -> None:
    long_line = b"x" * 5000 + b" Traceback here"
    data = b"quiet\n" + long_line + b"\nquiet\n"
    scanner = Scanner([b"traceback"], before=0)
    pieces = blocks([data[i : i + 1000] for i in range(0, len(data), 1000)], max_pending=2048)
    found = [text for block in pieces for _, text in scanner.scan(block, bool)]
    assert len(found) == 1
    assert found[0].endswith(" Traceback here")


def test_blocks_end_on_newlines_and_lose_nothing() -> None:
    rng = random.Random(3)
    data = b"".join(rng.choice(PIECES) for _ in range(3000)) + b"\n"
    cuts = sorted(rng.sample(range(1, len(data)), 40))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    out = list(blocks([b"", *chunks]))
    assert b"".join(out) == data
    assert all(block.endswith(b"\n") for block in out)
    whole = b"one\ntwo\n"
    assert next(blocks([whole])) is whole


def test_owners_of_a_line_come_from_every_trigger_on_it() -> None:
    owners = [([b"error"], []), ([b"traceback"], []), ([b"fail"], [rb":\d+:\d+ "])]
    scanner = Scanner((), owners=owners, before=0)
    block = b"quiet\nTraceback: error\na.py:3:4 FAIL\nerror_x PASSED\n"
    routed = [(n, mask) for n, _, mask in scanner.scan_routed(block, bool)]
    assert routed == [(2, 0b011), (3, 0b100)]


def test_a_line_the_set_cannot_name_goes_to_every_owner() -> None:
    # RE2's set answers nothing when it runs out of memory; the line is not dropped.
    owners = [([b"error"], []), ([b"traceback"], [])]
    scanner = Scanner((), owners=owners, before=0)
    scanner._set_match = lambda text: []
    routed = [(n, mask) for n, _, mask in scanner.scan_routed(b"quiet\nan error\n", bool)]
    assert routed == [(2, 0b11)]


def test_where_the_chunks_end_changes_no_handed_line() -> None:
    """Lines, numbers and owners are those of the input read in one piece, for any chunking
    and with followed runs (here: while the last handed line holds ``fail``)."""
    rng = random.Random(5)
    quiet = b"quiet\n"  # trigger lines apart, so that the lines before them are not handed
    data = b"".join(rng.choice(PIECES) if rng.random() < 0.3 else quiet for _ in range(6000))
    data += b"\n"
    owners = [(kind.triggers, kind.patterns) for kind in RECOGNISERS]
    reads_before = sum(1 << i for i, kind in enumerate(RECOGNISERS) if kind.reads_before)

    def routed(chunks: list[bytes]) -> list[tuple[int, str, int]]:
        scanner = Scanner((), owners=owners, context_owners=reads_before)
        handed: list[tuple[int, str, int]] = []
        follow = lambda: bool(handed) and "fail" in handed[-1][1].lower()  # noqa: E731
        for item in scanner.scan_input(chunks, follow):
            handed.append(item)
        return handed

    whole = routed([data])
    assert len(whole) > 100
    for size in (1, 7, 64, 1000):
        assert routed([data[i : i + size] for i in range(0, len(data), size)]) == whole, size
