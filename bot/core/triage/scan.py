"""Streaming prefilter: finds the few interesting regions of a big log without a per-line loop.

A log is read as byte blocks that end on line boundaries. Each block is searched once, by one
RE2 automaton, for the recognisers' trigger literals (ASCII case-insensitive) and patterns;
only the trigger lines, a few lines before each, and the lines a recogniser asks to follow (a
traceback, a pytest failure section) are decoded and handed on. Everything else is counted
(for line numbers) and dropped, so memory stays bounded by the block size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import re2

BLOCK_SIZE = 4 << 20
#: A line longer than this is cut (at a block boundary) so one huge line cannot grow memory.
MAX_PENDING = 16 << 20


def blocks(chunks: Iterable[bytes], max_pending: int = MAX_PENDING) -> Iterator[bytes]:
    """Regroup arbitrary byte chunks into blocks that each end with a newline."""
    pending = b""
    for chunk in chunks:
        cut = chunk.rfind(b"\n")
        if cut == -1:
            data = pending + chunk
            if len(data) > max_pending:
                yield data + b"\n"
                pending = b""
            else:
                pending = data
            continue
        # ``pending`` never holds a newline: the block ends at the chunk's last one. One copy
        # of the chunk at most (none when it ends a line and nothing is pending).
        if pending or cut + 1 < len(chunk):
            yield b"".join((pending, memoryview(chunk)[: cut + 1]))
        else:
            yield chunk
        pending = chunk[cut + 1 :]
    if pending:
        yield pending + b"\n"


def _caseless(literal: bytes) -> bytes:
    """RE2 syntax for a lowercase literal in any ASCII case (what ``bytes.lower`` folds)."""
    return b"".join(
        b"[%c%c]" % (c, c - 32) if 0x61 <= c <= 0x7A else b"\\x%02x" % c for c in literal
    )


def trigger_regex(literals: Iterable[bytes], patterns: Iterable[bytes]) -> re2._Regexp:
    """One RE2 automaton that finds every lowercase literal in any case and every pattern.

    Latin-1 makes RE2 read bytes as bytes, as Python's ``re`` does; patterns must therefore
    keep to the syntax both share (no ``\\s``: RE2's leaves out ``\\v``).
    """
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.never_capture = True
    branches = [_caseless(literal) for literal in literals]
    branches += [b"(?:%s)" % pattern for pattern in patterns]
    return re2.compile(b"|".join(branches) or b"[^\\x00-\\xff]", options)


#: Progress lines of passing tests: a trigger word in a test's name (``test_error_handling``)
#: must not open a window on every such line.
_PASSING = (b" PASSED", b"PASSED ", b" XFAIL", b" SKIPPED", b" ok\n")


def _benign(block: bytes, start: int, end: int) -> bool:
    line = block[start:end]
    return any(marker in line for marker in _PASSING)


class Scanner:
    """Yields ``(line_number, text)`` for trigger lines, the few lines before each, and the
    lines after it for as long as ``follow()`` says a recogniser is in the middle of something.
    """

    def __init__(
        self,
        literals: Iterable[bytes],
        patterns: Iterable[bytes] = (),
        *,
        before: int = 3,
        max_follow: int = 100_000,
    ) -> None:
        wanted = {literal.lower() for literal in literals}
        # A literal that contains another one finds nothing more: a shorter alternation.
        self._literals = tuple(
            sorted(lit for lit in wanted if not any(o != lit and o in lit for o in wanted))
        )
        self._patterns = tuple(dict.fromkeys(patterns))
        self._trigger = trigger_regex(self._literals, self._patterns)
        self._before = before
        self._max_follow = max_follow
        self.reset()

    def reset(self) -> None:
        """Start a new input: line numbers from 1, no carried context."""
        self._lineno = 0
        self._following = False
        self._tail: list[tuple[int, bytes]] = []

    def _hit_lines(self, block: bytes) -> list[int]:
        """Offsets of the starts of lines that hold a trigger, in order."""
        starts: list[int] = []
        search, find = self._trigger.search, block.find
        pos, previous = 0, -1
        while (match := search(block, pos)) is not None:
            at: int = match.start()
            end = find(b"\n", at)
            start = block.rfind(b"\n", 0, at) + 1
            if start != previous:
                previous = start
                if not _benign(block, start, end):
                    starts.append(start)
            # The rest of this line adds nothing, but its newline may start a match
            # (``\n+++ path``): the next search begins there.
            pos = end if end > at else at + 1
        return starts

    def scan(self, block: bytes, follow: Callable[[], bool]) -> Iterator[tuple[int, str]]:
        """Interesting lines of ``block`` (which must end with a newline), numbered from 1."""
        base, size = self._lineno, len(block)
        counted, lineno = 0, base

        def number(offset: int) -> int:
            nonlocal counted, lineno
            lineno += block.count(b"\n", counted, offset)
            counted = offset
            return lineno + 1

        pos = 0
        following = self._following
        hits = self._hit_lines(block)
        index = 0
        while True:
            budget = self._max_follow
            while following and pos < size and budget and follow():
                end = block.find(b"\n", pos) + 1
                yield number(pos), block[pos : end - 1].decode("utf-8", "replace")
                pos, budget = end, budget - 1
            if pos >= size:
                break
            while index < len(hits) and hits[index] < pos:
                index += 1
            if index == len(hits):
                following = False
                break
            hit = hits[index]
            first = self._context_start(block, pos, hit)
            if first == 0 and self._tail:
                for old_number, raw in self._tail:
                    yield old_number, raw.decode("utf-8", "replace")
            while first <= hit:
                end = block.find(b"\n", first) + 1
                yield number(first), block[first : end - 1].decode("utf-8", "replace")
                first = end
            pos, following = first, True
        self._following = following and pos >= size
        first = self._context_start(block, pos, size)
        start_number = number(first)
        lines = block[first:].split(b"\n")[:-1]
        self._tail = [(start_number + i, raw) for i, raw in enumerate(lines)]
        self._lineno = number(size) - 1

    def _context_start(self, block: bytes, floor: int, line: int) -> int:
        """Start of the line ``before`` lines above the one at ``line``, not above ``floor``."""
        first = line
        for _ in range(self._before):
            if first <= floor:
                break
            first = block.rfind(b"\n", floor, first - 1) + 1
        return max(first, floor)
