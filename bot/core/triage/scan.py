"""Streaming prefilter: finds the few interesting regions of a big log without a per-line loop.

A log is read as byte blocks that end on line boundaries. Each block is lowercased once and
searched for the recognisers' trigger literals (and a few regexes); only the trigger lines,
a few lines before each, and the lines a recogniser asks to follow (a traceback, a pytest
failure section) are decoded and handed on. Everything else is counted (for line numbers)
and dropped, so memory stays bounded by the block size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

BLOCK_SIZE = 4 << 20
#: A line longer than this is cut (at a block boundary) so one huge line cannot grow memory.
MAX_PENDING = 16 << 20


def blocks(chunks: Iterable[bytes], max_pending: int = MAX_PENDING) -> Iterator[bytes]:
    """Regroup arbitrary byte chunks into blocks that each end with a newline."""
    pending = b""
    for chunk in chunks:
        if not chunk:
            continue
        data = pending + chunk if pending else chunk
        cut = data.rfind(b"\n")
        if cut == -1:
            if len(data) > max_pending:
                yield data + b"\n"
                pending = b""
            else:
                pending = data
            continue
        yield data[: cut + 1]
        pending = data[cut + 1 :]
    if pending:
        yield pending + b"\n"


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
        # A literal that contains another one finds nothing more: one pass fewer per block.
        self._literals = tuple(
            sorted(lit for lit in wanted if not any(o != lit and o in lit for o in wanted))
        )
        # One pass per pattern: an alternation of them loses the regex engine's literal
        # prefix search and runs several times slower than the passes added up.
        self._patterns = tuple(re.compile(p) for p in dict.fromkeys(patterns))
        self._before = before
        self._max_follow = max_follow
        self.reset()

    def reset(self) -> None:
        """Start a new input: line numbers from 1, no carried context."""
        self._lineno = 0
        self._following = False
        self._tail: list[tuple[int, bytes]] = []

    def _hit_lines(self, block: bytes) -> list[int]:
        """Sorted offsets of the starts of lines that hold a trigger."""
        low = block.lower()
        hits: list[int] = []
        for literal in self._literals:
            at = low.find(literal)
            while at != -1:
                hits.append(at)
                eol = low.find(b"\n", at)
                if eol == -1:
                    break
                at = low.find(literal, eol)
        for pattern in self._patterns:
            hits.extend(match.start() for match in pattern.finditer(block))
        starts: set[int] = set()
        for hit in hits:
            start = block.rfind(b"\n", 0, hit) + 1
            if start not in starts and not _benign(block, start, block.find(b"\n", hit)):
                starts.add(start)
        return sorted(starts)

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
            first = hit
            for _ in range(self._before):
                if first <= pos:
                    break
                first = block.rfind(b"\n", pos, first - 1) + 1
            first = max(first, pos)
            if first == 0 and self._tail:
                for old_number, raw in self._tail:
                    yield old_number, raw.decode("utf-8", "replace")
            while first <= hit:
                end = block.find(b"\n", first) + 1
                yield number(first), block[first : end - 1].decode("utf-8", "replace")
                first = end
            pos, following = first, True
        self._following = following and pos >= size
        self._keep_tail(block, pos, base)
        self._lineno = base + block.count(b"\n")

    def _keep_tail(self, block: bytes, consumed: int, base: int) -> None:
        first = len(block)
        for _ in range(self._before):
            if first <= consumed:
                break
            first = block.rfind(b"\n", consumed, first - 1) + 1
        first = max(first, consumed)
        start_number = base + block.count(b"\n", 0, first) + 1
        lines = block[first:].split(b"\n")[:-1]
        self._tail = [(start_number + i, raw) for i, raw in enumerate(lines)]
