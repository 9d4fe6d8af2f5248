"""The triage engine: runs the recognisers over the interesting lines, merges and ranks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.core.fixes.catalog import is_auto_fixable
from bot.core.triage.fingerprint import fingerprint, normalise_message
from bot.core.triage.logs import LineNormaliser
from bot.core.triage.model import Category, Failure, Finding
from bot.core.triage.paths import PathResolver, is_absolute, normalise
from bot.core.triage.recognisers import RECOGNISERS, LogState, Recogniser
from bot.core.triage.scan import Scanner

#: Findings kept per triage; a log with more is pathological and the rest adds nothing.
MAX_FINDINGS = 20_000
MAX_MESSAGE = 500
_LINES_PER_CHUNK = 8192


def _scanner(kinds: Iterable[type[Recogniser]]) -> Scanner:
    """One automaton for every recogniser's triggers; bit ``1 << i`` of a line's mask says
    recogniser ``i`` asked for it."""
    kinds = tuple(kinds)
    context = sum(1 << index for index, kind in enumerate(kinds) if kind.reads_before)
    return Scanner(
        (), owners=[(kind.triggers, kind.patterns) for kind in kinds], context_owners=context
    )


#: How a line reaches one recogniser: its ``feed``, itself when it can follow, its bit.
_Dispatch = tuple[Callable[[int, str], Sequence[Finding]], Recogniser | None, int]


@dataclass
class _Entry:
    finding: Finding
    file: str | None
    order: tuple[int, int]


class TriageEngine:
    """Feed it one or more inputs (each an iterable of byte chunks), then ask for the result."""

    def __init__(
        self, *, root: str | None = None, recognisers: Iterable[type[Recogniser]] = RECOGNISERS
    ) -> None:
        self._root = root
        self._kinds = tuple(recognisers)
        self._scanner = _scanner(self._kinds)
        self._found: list[tuple[tuple[int, int], Finding]] = []
        self._roots: list[str] = []
        self._inputs = 0
        #: Cleaned lines by their untimed text, shared by the logs of one triage.
        self._lines: dict[str, tuple[str, int]] = {}

    def _keep(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            if len(self._found) < MAX_FINDINGS:
                self._found.append(((self._inputs, finding.lineno), finding))

    def add_input(self, chunks: Iterable[bytes]) -> None:
        """Triage one log (one file, one job of a run) given as byte chunks.

        Each handed line goes only to the recognisers whose triggers it (or the trigger line
        it comes just before) holds, and to those in the middle of something (``wants_more``),
        in the order of ``RECOGNISERS``: the work per line does not grow with the number of
        recognisers, only with the number that care.
        """
        state = LogState()
        active = [kind(state) for kind in self._kinds]
        previous = -1
        normaliser = LineNormaliser(self._lines)
        clean = normaliser.clean
        keep = self._keep
        steps = 0
        gaps = [r.gap for r in active if type(r).gap is not Recogniser.gap]
        #: Those that can be in the middle of something, with their bit.
        followers = [
            (r, 1 << index)
            for index, r in enumerate(active)
            if type(r).wants_more is not Recogniser.wants_more
        ]
        entries: list[_Dispatch] = [
            (r.feed, r if type(r).wants_more is not Recogniser.wants_more else None, 1 << index)
            for index, r in enumerate(active)
        ]
        orders: dict[int, tuple[_Dispatch, ...]] = {}
        following = 0

        def follow() -> bool:
            return following != 0

        for lineno, raw, mask in self._scanner.scan_input(chunks, follow):
            if lineno != previous + 1:
                for gap in gaps:
                    found = gap()
                    if found:
                        keep(found)
                following = 0
                for waiting, bit in followers:
                    if waiting.wants_more:
                        following |= bit
            previous = lineno
            line = clean(raw)
            if not line and normaliser.steps != steps:
                # A new step: what the last one printed is complete.
                steps, state.command = normaliser.steps, normaliser.command
                for recogniser in active:
                    found = recogniser.finish()
                    if found:
                        keep(found)
                following = 0
                continue
            key = mask | following
            order = orders.get(key)
            if order is None:
                order = orders[key] = tuple(
                    entry for index, entry in enumerate(entries) if key >> index & 1
                )
            for feed, follower, bit in order:
                found = feed(lineno, line)
                if found:
                    keep(found)
                if follower is not None:
                    if follower.wants_more:
                        following |= bit
                    else:
                        following &= ~bit
        for recogniser in active:
            keep(recogniser.finish())
        self._roots.extend(state.roots)
        self._inputs += 1

    def result(self) -> list[Failure]:
        """Merged failures, most important first (ties in order of appearance)."""
        found = [(order, f) for order, f in self._found if not f.weak] or _weak_only(self._found)
        resolver = PathResolver(self._root, self._roots)
        for _, finding in found:
            if finding.path and not is_absolute(normalise(finding.path)):
                resolver.remember(finding.path)
            if finding.test and "::" in finding.test:
                resolver.remember(finding.test.split("::", 1)[0])
        for _, finding in found:
            if finding.path:
                resolver.learn(finding.path)
        # By place in the logs only: two findings of one line keep the order they were made in.
        ordered = sorted(found, key=lambda item: item[0])
        entries = [_Entry(f, resolver.resolve(f.path), order) for order, f in ordered]
        failures = [_failure(entry) for entry in _merge(entries)]
        failures.sort(key=lambda failure: failure.rank)
        return failures


def _weak_only(
    found: list[tuple[tuple[int, int], Finding]],
) -> list[tuple[tuple[int, int], Finding]]:
    """Nothing but weak evidence: what the runner's exit code says (a timeout, a killed
    process, a failed checkout), else one ``unknown`` per log, the failed step's own when
    there is one (it names the command and its last lines), never a guess."""
    known = [(order, f) for order, f in found if f.category is not Category.UNKNOWN]
    if known:
        return known
    kept: dict[int, tuple[tuple[int, int], Finding]] = {}
    for order, finding in found:
        held = kept.get(order[0])
        if held is None or (finding.tool == "step" and held[1].tool != "step"):
            kept[order[0]] = (order, finding)
    return list(kept.values())


def _merge(entries: list[_Entry]) -> list[_Entry]:
    """Report each failure once: same test, same place (for a syntax error, same file), or
    same message without a place."""
    kept: list[_Entry] = []
    by_test: dict[str, _Entry] = {}
    by_place: dict[tuple[Category, str, int, str | None], _Entry] = {}
    by_message: dict[tuple[Category, str | None, str], _Entry] = {}
    for entry in entries:
        f = entry.finding
        # Distinct lint rules on one line are distinct findings; anything else at one place
        # (a syntax error seen by ruff, mypy and pytest) is one failure.
        rule = f.rule if f.category is Category.LINT else None
        # A parser stops being right after its first syntax error in a file (ruff and mypy
        # report every line after a conflict marker): the first report for the file is it.
        place = None
        if entry.file and f.line:
            at = 0 if f.category is Category.SYNTAX_ERROR else f.line
            if f.tool == "tsc":
                # tsc reports each parse error once, by its own place and message.
                at, rule = f.line, f.message
            place = (f.category, entry.file, at, rule)
        # One message about several files (black's "would reformat") is one failure per file.
        message_key = (f.category, entry.file, normalise_message(f.message))
        if f.test and f.test in by_test:
            _fill(by_test[f.test], entry)
            continue
        same = by_place.get(place) if place else None
        # Two tests failing at one place (a shared helper, a bug both call) stay two failures.
        if same is not None and not (f.test and same.finding.test):
            if f.test and not same.finding.test:
                same.finding = replace(same.finding, test=f.test)
                by_test[f.test] = same
            continue
        if place is None and message_key in by_message and not f.test:
            continue
        kept.append(entry)
        if f.test:
            by_test[f.test] = entry
        if place:
            by_place[place] = entry
        by_message.setdefault(message_key, entry)
    # One pass to index what covers what, one pass to drop the covered: linear in findings.
    tested: dict[tuple[Category, str], set[int | None]] = {}
    located: set[tuple[Category, str]] = set()
    for entry in kept:
        f = entry.finding
        if entry.file is not None and f.test:
            tested.setdefault((f.category, entry.file), set()).add(f.line)
        if entry.file is not None:
            located.add((f.category, f.message))
    return [e for e in kept if not _absorbed(e, tested, located)]


def _fill(target: _Entry, other: _Entry) -> None:
    if target.file is None and other.file is not None:
        target.file = other.file
    if target.finding.line is None and other.finding.line is not None and target.file == other.file:
        target.finding = replace(target.finding, line=other.finding.line)


def _absorbed(
    entry: _Entry,
    tested: dict[tuple[Category, str], set[int | None]],
    located: set[tuple[Category, str]],
) -> bool:
    """A located finding without a test that a test's report already covers, or a place-less
    finding that a located one with the same message covers."""
    f = entry.finding
    if f.test:
        return False
    if entry.file:
        lines = tested.get((f.category, entry.file))
        return lines is not None and (None in lines or f.line in lines)
    return (f.category, f.message) in located


@lru_cache(maxsize=1024)
def _auto_fixable(category: Category, rule: str | None) -> bool:
    """``is_auto_fixable`` asked once per category and rule (the catalog is fixed)."""
    return is_auto_fixable(str(category), rule)


def _failure(entry: _Entry) -> Failure:
    f = entry.finding
    message = " ".join(f.message.split())[:MAX_MESSAGE]
    category = f.category
    return Failure(
        category=category,
        file=entry.file,
        line=f.line if entry.file else None,
        message=message,
        test=f.test,
        fingerprint=fingerprint(str(category), entry.file, f.test, f.rule, message),
        auto_fixable=_auto_fixable(category, f.rule),
        rule=f.rule,
        tool=f.tool,
        lineno=f.lineno,
    )


def _encode(lines: Iterable[str]) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line if line.endswith("\n") else line + "\n")
        if len(batch) >= _LINES_PER_CHUNK:
            yield "".join(batch).encode("utf-8", "replace")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8", "replace")


def triage_chunks(inputs: Iterable[Iterable[bytes]], *, root: str | None = None) -> list[Failure]:
    """Triage several logs, each given as byte chunks, into one ranked list."""
    engine = TriageEngine(root=root)
    for chunks in inputs:
        engine.add_input(chunks)
    return engine.result()


def triage_lines(lines: Iterable[str], *, root: str | None = None) -> list[Failure]:
    """Triage one log given as lines (with or without line endings)."""
    return triage_chunks([_encode(lines)], root=root)


def triage_text(text: str, *, root: str | None = None) -> list[Failure]:
    """Triage one log given as a string."""
    return triage_lines(text.splitlines(), root=root)
