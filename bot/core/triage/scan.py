"""Streaming prefilter: finds the few interesting regions of a big log without a per-line loop.

A log is read as byte blocks that end on line boundaries. Each block is searched once, by one
RE2 automaton, for the recognisers' trigger literals (ASCII case-insensitive) and patterns;
only the trigger lines, a few lines before each, and the lines a recogniser asks to follow (a
traceback, a pytest failure section) are decoded and handed on. Everything else is counted
(for line numbers) and dropped, so memory stays bounded by the block size.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import re2

BLOCK_SIZE = 4 << 20
_UNANCHORED = re2._Anchor.UNANCHORED
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
_PASSING_MARKERS = (b" PASSED", b"PASSED ", b" XFAIL", b" SKIPPED")
_PASSING = re.compile(b"|".join(map(re.escape, _PASSING_MARKERS)))


def _benign(block: bytes, start: int, end: int) -> bool:
    return _PASSING.search(block, start, end) is not None


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
        owners: Sequence[tuple[Iterable[bytes], Iterable[bytes]]] = (),
        context_owners: int = -1,
    ) -> None:
        literals = list(literals)
        patterns = list(patterns)
        for own_literals, own_patterns in owners:
            literals.extend(own_literals)
            patterns.extend(own_patterns)
        wanted = {literal.lower() for literal in literals}
        # A literal that contains another one finds nothing more: a shorter alternation.
        self._literals = tuple(
            sorted(lit for lit in wanted if not any(o != lit and o in lit for o in wanted))
        )
        self._patterns = tuple(dict.fromkeys(patterns))
        self._trigger = trigger_regex(self._literals, self._patterns)
        self._matcher = self._trigger._regexp.Match
        self._route(owners)
        #: Owners that read the lines before their trigger lines (all, unless told).
        self._context_owners = context_owners
        self._before = before
        self._max_follow = max_follow
        self.reset()

    def _route(self, owners: Sequence[tuple[Iterable[bytes], Iterable[bytes]]]) -> None:
        """Which owners (bits ``1 << index``) each literal and pattern belongs to, as one RE2
        set: a single call names every trigger a line holds, overlapping ones included."""
        self._everyone = -1 if not owners else 0
        by_branch: dict[bytes, int] = {}
        for index, (own_literals, own_patterns) in enumerate(owners):
            for literal in own_literals:
                branch = _caseless(literal.lower())
                by_branch[branch] = by_branch.get(branch, 0) | 1 << index
            for pattern in own_patterns:
                by_branch[pattern] = by_branch.get(pattern, 0) | 1 << index
        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1
        options.never_capture = True
        # The DFA of ~150 branches outgrows RE2's default budget on some lines; out of
        # memory, RE2::Set would answer "no match".
        options.max_mem = 64 << 20
        # The passing tests' markers ride along (case-sensitive), as one more bit.
        self._passing = 1 << len(owners)
        for marker in _PASSING_MARKERS:
            branch = b"".join(b"\\x%02x" % c for c in marker)
            by_branch[branch] = by_branch.get(branch, 0) | self._passing
        triggers = re2.Set.SearchSet(options)
        for branch in by_branch:
            triggers.Add(branch)
        triggers.Compile()
        self._set_match = triggers._set.Match
        self._branch_masks = tuple(by_branch.values())
        self._all = (1 << len(owners)) - 1

    def reset(self) -> None:
        """Start a new input: line numbers from 1, no carried context."""
        self._lineno = 0
        self._following = False
        self._tail: list[tuple[int, bytes]] = []
        #: The last lines of the block before, not handed on yet (see ``scan_routed``).
        self._held = b""

    def _hit_lines(self, block: bytes) -> list[int]:
        """Offsets of the starts of lines that hold a trigger, in order."""
        return [start for start, _ in self._hits(block)]

    def _hits(self, block: bytes) -> list[tuple[int, int]]:
        """``(offset, owners)`` of the lines that hold a trigger, in order.

        RE2's own matcher is called without the wrapper's match objects, and one call of the
        RE2 set names the owners of every trigger on a hit line (with the newline before it,
        where a pattern that starts a line begins, and the one after it); a passing test's
        progress line has none. A trigger-dense log has a hit on most lines.
        """
        starts: list[tuple[int, int]] = []
        find, rfind, size = block.find, block.rfind, len(block)
        matcher, set_match, masks = self._matcher, self._set_match, self._branch_masks
        everyone, passing, everything = self._everyone, self._passing, self._all
        pos, previous = 0, -1
        if self._lineno:
            # The first line of a block that is not the input's first has a newline before
            # it, in the block before: the patterns that start a line must see it too.
            first = b"\n" + block[: find(b"\n") + 1]
            if everyone:
                if matcher(_UNANCHORED, first, 0, len(first))[0][0] >= 0:
                    previous = 0
                    if not _benign(first, 0, len(first)):
                        starts.append((0, everyone))
            elif found := set_match(first):
                owners = 0
                for index in found:
                    owners |= masks[index]
                previous = 0
                if owners and not owners & passing:
                    starts.append((0, owners))
        while True:
            at = matcher(_UNANCHORED, block, pos, size)[0][0]
            if at < 0:
                break
            if block[at] == 0x0A:  # a pattern that starts a line: that line is the hit
                if at + 1 >= size:
                    break
                start, end = at + 1, find(b"\n", at + 1)
            else:
                start, end = rfind(b"\n", 0, at) + 1, find(b"\n", at)
            if start != previous:
                previous = start
                if everyone:
                    owners = 0 if _benign(block, start, end) else everyone
                else:
                    found = set_match(block[start - 1 if start else 0 : end + 1])
                    if not found:  # RE2 out of memory (the automaton did match)
                        owners = everything
                    else:
                        owners = 0
                        for index in found:
                            owners |= masks[index]
                        if owners & passing:
                            owners = 0
                if owners:
                    starts.append((start, owners))
            # The rest of this line adds nothing, but its newline may start a match
            # (``\n+++ path``): the next search begins there.
            pos = end if end > at + 1 else at + 1
        return starts

    def scan(self, block: bytes, follow: Callable[[], bool]) -> Iterator[tuple[int, str]]:
        """Interesting lines of ``block`` (which must end with a newline), numbered from 1."""
        for lineno, text, _ in self.scan_routed(block, follow):
            yield lineno, text

    def scan_input(
        self, chunks: Iterable[bytes], follow: Callable[[], bool]
    ) -> Iterator[tuple[int, str, int]]:
        """``scan_routed`` over a whole input given as byte chunks, from its first line."""
        self.reset()
        for block in blocks(chunks):
            yield from self.scan_routed(block, follow, final=False)
        yield from self.scan_routed(b"", follow, final=True)

    def scan_routed(
        self, block: bytes, follow: Callable[[], bool], *, final: bool = True
    ) -> Iterator[tuple[int, str, int]]:
        """``scan`` with the owners (a bit mask) of the triggers each line is handed for: a
        trigger line's own, the same for the lines before it, 0 for a followed line.

        Unless ``final``, the last lines of the block that a followed run reaches are held
        back when no trigger comes after them in the block: they may be the lines before a
        trigger of the next block, and are handed on with it (the next call, or one with an
        empty ``final`` block, hands them), as they would be were the log one block.
        """
        if self._held:
            block, self._held = self._held + block, b""
        size = len(block)
        # ``lineno`` is the number of the line before ``counted`` (a line start): a run of
        # consecutive lines counts one each, only a jump counts the newlines it skips.
        counted, lineno = 0, self._lineno
        decode, find, count_lines = bytes.decode, block.find, block.count
        context_start, context_owners = self._context_start, self._context_owners
        pos = 0
        following = self._following
        hits = self._hits(block)
        offsets = [offset for offset, _ in hits]
        count = len(hits)
        index = 0
        context_of, context = -1, 0
        hold_from = size if final else context_start(block, 0, size)
        held = False
        while True:
            budget = self._max_follow
            while following and pos < size and budget:
                while index < count and offsets[index] < pos:
                    index += 1
                if index == count and pos >= hold_from:
                    held = True
                    break
                if not follow():
                    break
                mask = 0
                if index < count:
                    hit, owners = hits[index]
                    if context_of != index:  # where the lines before this hit begin
                        context_of, context = index, context_start(block, 0, hit)
                    if pos == hit:
                        mask = owners
                    elif context <= pos:  # one of the lines before it
                        mask = owners & context_owners
                end = find(b"\n", pos) + 1
                if counted != pos:
                    lineno += count_lines(b"\n", counted, pos)
                lineno += 1
                yield lineno, decode(block[pos : end - 1], "utf-8", "replace"), mask
                pos = counted = end
                budget -= 1
            if pos >= size or held:
                break
            while index < count and offsets[index] < pos:
                index += 1
            if index == count:
                following = False
                break
            hit, owners = hits[index]
            # The lines before a trigger line go to those of its owners that read them.
            before = owners & context_owners
            first = context_start(block, pos, hit) if before else hit
            if first == 0 and self._tail and before:
                # The block holds fewer lines before the hit than are read: the rest are the
                # last lines of the blocks before it, however small those were.
                wanted = self._before - count_lines(b"\n", 0, hit)
                for old_number, raw in self._tail[max(len(self._tail) - wanted, 0) :]:
                    yield old_number, decode(raw, "utf-8", "replace"), before
            if counted != first:
                lineno += count_lines(b"\n", counted, first)
            while first <= hit:
                end = find(b"\n", first) + 1
                lineno += 1
                text = decode(block[first : end - 1], "utf-8", "replace")
                yield lineno, text, owners if first == hit else before
                first = counted = end
            pos, following = first, True
        if held:
            self._held, self._following, self._tail = block[pos:], True, []
            self._lineno = lineno + count_lines(b"\n", counted, pos)
            return
        self._following = following and pos >= size
        first = context_start(block, pos, size)
        start_number = lineno + 1 + count_lines(b"\n", counted, first)
        lines = block[first:].split(b"\n")[:-1]
        tail = [(start_number + i, raw) for i, raw in enumerate(lines)]
        if first == 0:  # nothing of this block was handed on: the lines before it still count
            tail = self._tail + tail
        self._tail = tail[max(len(tail) - self._before, 0) :]
        self._lineno = lineno + count_lines(b"\n", counted, size)

    def _context_start(self, block: bytes, floor: int, line: int) -> int:
        """Start of the line ``before`` lines above the one at ``line``, not above ``floor``."""
        first = line
        for _ in range(self._before):
            if first <= floor:
                break
            first = block.rfind(b"\n", floor, first - 1) + 1
        return max(first, floor)
