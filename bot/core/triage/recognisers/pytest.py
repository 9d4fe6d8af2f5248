"""pytest reports: failure and error sections, the short summary, xdist and rerun lines."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import ClassVar

from bot.core.triage.classify import EXCEPTION_LINE, category_for_exception
from bot.core.triage.model import Category, Finding
from bot.core.triage.paths import in_repository, is_absolute, normalise
from bot.core.triage.recognisers.base import NONE, PY_FILE_LINE, LogState, Recogniser
from bot.core.triage.recognisers.traceback import FRAME, IMPLICIT_CHAIN

_SECTION = re.compile(r"^=+ (?P<name>[A-Za-z][\w ()-]*?) =+$")
#: The session's last line; pytest before 5.0 says ``in 0.41 seconds``.
_FINAL = re.compile(r"^=+ (?P<body>.*\bin \d+(?:\.\d+)?s(?:econds)?\b.*?) =+$")
_HEADER = re.compile(r"^_{3,} (?P<title>.+?) _{3,}$")
_LOCATION = re.compile(r"^(?P<path>[^\s:<][^:]*?\.py):(?P<line>\d+):(?: (?P<tail>.*))?$")
_SUMMARY = re.compile(r"^(?P<kind>FAILED|ERROR) (?P<nodeid>[^\s(]\S*)(?: - (?P<msg>.*))?$")
#: ``pytest -q`` ends without the ``=====`` rule: ``1 failed, 2 passed in 0.05s``.
_QUIET_FINAL = re.compile(
    r"^\d+ (?:failed|passed|errors?|skipped|xfailed|xpassed|deselected|rerun|warnings?)\b"
    r".* in \d+(?:\.\d+)?s(?:econds)?(?: \([\d:.]+\))?$"
)
#: pytest-xdist's report of a worker that died (a segfault, a kill) in the middle of a test.
_WORKER_CRASHED = re.compile(r"^worker '[\w-]+' crashed while running '(?P<nodeid>[^']+)'")
#: A fixture pytest could not set up names the test's ``def`` line: ``file /x/t.py, line 7``.
_FIXTURE_AT = re.compile(r"^file (?P<path>\S.*?\.py), line (?P<line>\d+)$")
#: A test module that could not be imported, its ``ERROR collecting`` header dropped.
_IMPORT_FAILED = re.compile(
    r"^ImportError while (?:importing test module|loading conftest) '(?P<path>[^']+)'"
)
_PROGRESS = re.compile(
    r"^(?:\[gw\d+\] \[\s*\d+%\] (?P<s1>FAILED|ERROR|RERUN) (?P<n1>\S+::\S+)"
    r"|(?P<n2>\S+::\S+) (?P<s2>FAILED|ERROR|RERUN)\b)"
)
_RERUN_SUMMARY = re.compile(r"^RERUN (?P<nodeid>\S+::\S+)")
_RERUN_COUNT = re.compile(r"\b(\d+) rerun")
_FAILED_COUNT = re.compile(r"\b([1-9]\d*) failed\b")
_UNSUCCESSFUL = re.compile(r"\b(?:failed|errors?)\b")
#: A file's progress line without ``-v``: ``tests/test_x.py ..R.F  [ 40%]``.
_FILE_PROGRESS = re.compile(r"^(?P<path>[^\s:]+\.py) (?P<marks>[.sxXFERf]+)\s*(?:\[\s*\d+%\])?$")
#: An exception group's traceback: ``  | `` gutters, ``  +-+---- 1 ----`` between members.
_GROUP_GUTTER = re.compile(r"^ *\| ?")
_GROUP_MEMBER = re.compile(r"^ *\+-")
#: The exception's type name that ends a long or short traceback: ``path:452: InvalidVersion``.
_TYPE_NAME = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*$")
_MAX_BLOCKS = 4096
#: What an exception's name starts with (``EXCEPTION_LINE`` needs it first).
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_FOLLOWED = frozenset({"FAILURES", "ERRORS", "short test summary info", "rerun test summary info"})


@dataclass(kw_only=True)
class _Block:
    title: str
    lineno: int
    locations: list[tuple[str, int, str]] = field(default_factory=list)
    e_lines: list[str] = field(default_factory=list)
    source: tuple[str, int] | None = None
    captured: bool = False
    #: The exception when the block does not name one (a collection error cut short).
    default: str = "AssertionError"

    def exception(self) -> tuple[str, str]:
        tail = self.locations[-1][2] if self.locations else ""
        if _TYPE_NAME.match(tail):  # the type pytest names, even one not called *Error
            short = tail.rsplit(".", 1)[-1]
            for text in reversed(self.e_lines):
                if text.split(":", 1)[0].rsplit(".", 1)[-1] == short:
                    return tail, text
        for text in reversed(self.e_lines):
            match = EXCEPTION_LINE.match(text)
            if match:
                return match["name"], text
        last = EXCEPTION_LINE.match(tail)
        if last and last["message"]:  # --tb=line: ``path:3: KeyError: 'k'``
            return last["name"], tail
        name = last["name"] if last else self.default
        message = next((t for t in self.e_lines if t and not t.startswith("+")), name)
        return name, message

    def where(self) -> tuple[str | None, int | None]:
        if self.source is not None and in_repository(self.source[0]):
            return self.source
        for path, line, _ in reversed(self.locations):
            if in_repository(path):
                return path, line
        return None, None


def first_is(line: str, char: str) -> bool:
    """Does the line start with this character (a cheap test before a regex)?"""
    return line[:1] == char


def _tails(path: str) -> set[str]:
    """Every trailing part of a path (``/x/tests/a.py`` -> ``a.py``, ``tests/a.py``, ...)."""
    parts = path.replace("\\", "/").split("/")
    return {"/".join(parts[i:]) for i in range(len(parts))}


def _test_header(line: str) -> re.Match[str] | None:
    """A test's ``____ name ____`` header; tox's ``____ summary ____`` is none."""
    header = _HEADER.match(line)
    return None if header is None or header["title"] == "summary" else header


def nodeid_file(nodeid: str) -> str | None:
    """The file part of a pytest node id (``tests/test_x.py::test_y`` -> ``tests/test_x.py``)."""
    path = nodeid.split("::", 1)[0]
    return path if path.endswith(".py") else None


def _title_for(nodeid: str, kind: str) -> list[str]:
    parts = nodeid.split("::")
    if len(parts) == 1:
        return [f"ERROR collecting {nodeid}"]
    name = ".".join(parts[1:])
    return [name, f"ERROR at setup of {name}", f"ERROR at teardown of {name}", f"[doctest] {name}"]


def category_of_message(message: str) -> Category:
    """Category from a one-line summary such as ``KeyError: 3`` or ``assert 3 == 4``."""
    match = EXCEPTION_LINE.match(message)
    if match:
        return category_for_exception(match["name"], match["message"] or "")
    if message.startswith("assert"):
        return Category.ASSERTION
    if message.startswith("worker '") and " crashed while running " in message:
        return Category.RUNTIME_ERROR
    return Category.UNKNOWN


class PytestRecogniser(Recogniser):
    """Pairs each failure section with its summary line, so a failing test is reported once."""

    name: ClassVar[str] = "pytest"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"=====", b"_____", b"rerun", b"fail", b"error")
    #: ``pytest -q``'s last line of a passing run, which holds no trigger word.
    #: A file's progress line with a failed test (``tests/test_x.py .F.``): the only trace of a
    #: failure whose section a paste cut off.
    patterns: ClassVar[tuple[bytes, ...]] = (
        PY_FILE_LINE,
        rb"\d passed(?:, \d+ \w+)* in \d",
        rb"\.py [.sxXEfR]*F",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._reset()

    @property
    def wants_more(self) -> bool:
        return self._header_lines > 0 or self._section in _FOLLOWED

    def _reset(self) -> None:
        self._header_lines = 0
        self._section = ""
        self._block: _Block | None = None
        self._blocks: dict[str, deque[_Block]] = {}
        self._untitled: deque[_Block] = deque()  # --tb=line failures: a location line each
        self._count = 0
        self._failed: set[str] = set()
        self._reruns: dict[str, int] = {}
        self._rerun_total = 0
        self._rerun_line = 0
        self._rerun_files: dict[str, int] = {}
        #: ``-v`` progress lines of failed tests, for a fragment without sections or summary.
        self._progress_failed: dict[str, int] = {}
        #: Files whose progress line shows an ``F``, with the line and how many.
        self._failed_files: dict[str, tuple[int, int]] = {}
        #: A traceback's last line (``tests/t.py:40: AssertionError``) pasted without its
        #: section: the place of the summary's failure in that file that raised that type.
        self._loose_tails: list[tuple[str, int, str]] = []

    def _close_block(self) -> None:
        block, self._block = self._block, None
        if block is not None and self._count < _MAX_BLOCKS:
            self._blocks.setdefault(block.title, deque()).append(block)
            self._count += 1

    def _finding(self, block: _Block | None, nodeid: str | None, msg: str, lineno: int) -> Finding:
        path, line = block.where() if block else (None, None)
        if block is not None:
            name, message = block.exception()
            exc = EXCEPTION_LINE.match(message)
            detail = (exc["message"] or "") if exc else message
            category = category_for_exception(name, detail)
            lineno = block.lineno
        else:
            message, category = msg, category_of_message(msg)
        if path is None and nodeid:
            path = nodeid_file(nodeid)
        if block is not None and nodeid:
            self._learn_root(block, nodeid_file(nodeid))
        elif block is not None and block.title.startswith("ERROR collecting "):
            # A bare file name may be relative to a test folder pytest ran in: no root there.
            collected = block.title.removeprefix("ERROR collecting ")
            if "/" in collected:
                self._learn_root(block, collected)
        test = nodeid if nodeid and "::" in nodeid else None
        if test is None and block is not None and not block.title.startswith("ERROR collecting"):
            test = block.title.removeprefix("ERROR at setup of ").removeprefix(
                "ERROR at teardown of "
            )
        return Finding(
            category=category,
            message=message or msg,
            tool="pytest",
            lineno=lineno,
            path=path,
            line=line,
            test=test,
        )

    def _learn_root(self, block: _Block, relative: str | None) -> None:
        """``--tb=native`` prints absolute paths: the test's own frame gives the root (so does
        the ``File`` line of a module that did not compile)."""
        raws = [raw for raw, _, _ in block.locations] + ([block.source[0]] if block.source else [])
        for raw in raws:
            path = normalise(raw)
            if relative and is_absolute(path) and path.endswith("/" + relative):
                root = path[: -len(relative)]
                if root not in self.state.roots and len(self.state.roots) < 64:
                    self.state.roots.append(root)
                return

    def _summary(self, lineno: int, kind: str, nodeid: str, msg: str) -> Sequence[Finding]:
        self._failed.add(nodeid)
        block = None
        for title in _title_for(nodeid, kind):
            queue = self._blocks.get(title)
            if queue:
                block = queue.popleft()
                break
        if block is None and kind == "FAILED" and self._untitled:
            block = self._untitled.popleft()
        found = self._finding(block, nodeid, msg, lineno)
        if block is None and found.path and self._loose_tails:
            found = self._placed(found, msg)
        if block is None and kind == "FAILED" and found.category is Category.UNKNOWN:
            # pytest before 6 gives no reason: the test failed, how is not in the log.
            found = replace(found, category=Category.ASSERTION, message=msg or f"{nodeid} failed")
        return (found,)

    def _placed(self, found: Finding, msg: str) -> Finding:
        """The summary's failure at the loose traceback tail in its file with its exception."""
        exc = EXCEPTION_LINE.match(msg)
        name = exc["name"] if exc else "AssertionError" if msg.startswith("assert") else ""
        for at, (path, line, tail) in enumerate(self._loose_tails):
            if tail.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1] and found.path in _tails(path):
                del self._loose_tails[at]
                return replace(found, line=line)
        return found

    def _end_session(self, lineno: int = 0, final: str = "") -> list[Finding]:
        """The session is over: what it reported, and when the log shows no failure of the
        ``N failed`` its last line counts, that count as a weak ``assertion``."""
        found = self._session_findings()
        if final and " passed" in final and not _UNSUCCESSFUL.search(final):
            self.state.passed_at = lineno
        shown = found or self._failed
        failed = _FAILED_COUNT.search(final) if final and not shown else None
        if failed:
            message = f"{failed[1]} test(s) failed (pytest's last line; the log shows no more)"
            found.append(
                Finding(
                    category=Category.ASSERTION,
                    message=message,
                    tool="pytest",
                    lineno=lineno,
                    weak=True,
                )
            )
        self._reset()
        self.state.in_pytest = False
        return found

    def _session_findings(self) -> list[Finding]:
        self._close_block()
        blocks = [b for queue in self._blocks.values() for b in queue] + list(self._untitled)
        found = [self._finding(b, None, "", b.lineno) for b in blocks]
        if not self._count and not self._failed:
            # Only ``-v`` progress lines say a test failed: it failed, how is not in the log.
            for nodeid, at in self._progress_failed.items():
                found.append(
                    Finding(
                        category=Category.ASSERTION,
                        message=f"{nodeid} failed",
                        tool="pytest",
                        lineno=at,
                        path=nodeid_file(nodeid),
                        test=nodeid,
                    )
                )
        if not self._failed and sum(n for _, n in self._failed_files.values()) > len(found):
            # A paste cut the report short: files whose progress shows a failure not reported.
            for cut_off, (at, _) in self._failed_files.items():
                if not any(f.path and cut_off in _tails(f.path) for f in found):
                    found.append(
                        Finding(
                            category=Category.ASSERTION,
                            message=f"a test in {cut_off} failed",
                            tool="pytest",
                            lineno=at,
                            path=cut_off,
                        )
                    )
        flaky = [n for n in self._reruns if n not in self._failed]
        for nodeid in flaky:
            found.append(
                Finding(
                    category=Category.FLAKY,
                    message=f"{nodeid} failed, then passed on rerun",
                    tool="pytest",
                    lineno=self._reruns[nodeid],
                    path=nodeid_file(nodeid),
                    line=None,
                    test=nodeid,
                )
            )
        if self._rerun_total and not self._reruns and not self._failed:
            message = f"{self._rerun_total} test(s) failed, then passed on rerun"
            for path, at in self._rerun_files.items() or {None: self._rerun_line}.items():
                found.append(
                    Finding(
                        category=Category.FLAKY,
                        message=message,
                        tool="pytest",
                        lineno=at,
                        path=path,
                    )
                )
        return found

    def finish(self) -> Sequence[Finding]:
        return self._end_session()

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._header_lines:
            self._header_lines -= 1
        first = line[:1]
        if first == "=":
            return self._rule(lineno, line)
        if line.startswith("rootdir: "):
            root = line[9:].split(",", 1)[0].strip()
            if root not in self.state.roots and len(self.state.roots) < 64:
                self.state.roots.append(root)
            return NONE
        if first.isdigit() and (self._section or self.state.in_pytest):
            final = _QUIET_FINAL.match(line)
            if final:
                count = _RERUN_COUNT.search(line)
                if count:
                    self._rerun_total, self._rerun_line = int(count[1]), lineno
                return self._end_session(lineno, line)
        elif first.isdigit() and _QUIET_FINAL.match(line) and not _UNSUCCESSFUL.search(line):
            self.state.passed_at = lineno  # ``pytest -q`` passed: what it printed was logged
        if self._section in ("FAILURES", "ERRORS"):
            self._in_report(lineno, line)
            return NONE
        if not self._section and first in "_EI" and self._fragment(lineno, line):
            return NONE
        if not self._section and ".py:" in line and len(self._loose_tails) < _MAX_BLOCKS:
            tail = _LOCATION.match(line)
            if tail and tail["tail"] and _TYPE_NAME.match(tail["tail"]):
                self._loose_tails.append((tail["path"], int(tail["line"]), tail["tail"]))
                return NONE
        if not self._section and first in "FE" and ".py::" in line:
            summary = _SUMMARY.match(line)  # a summary pasted without its banner
            if summary:
                nodeid = summary["nodeid"]
                return self._summary(lineno, summary["kind"], nodeid, summary["msg"] or "")
        if self._section.startswith("short test summary") or self._section.startswith("rerun"):
            return self._in_summary(lineno, line)
        if "RERUN" in line or "FAILED" in line or "ERROR" in line or ".py " in line:
            self._progress(lineno, line)
        return NONE

    def _rule(self, lineno: int, line: str) -> Sequence[Finding]:
        final = _FINAL.match(line)
        if final:
            count = _RERUN_COUNT.search(final["body"])
            if count:
                self._rerun_total, self._rerun_line = int(count[1]), lineno
            return self._end_session(lineno, final["body"])
        section = _SECTION.match(line)
        if section:
            self._close_block()
            self._section = section["name"]
            if self._section in ("FAILURES", "ERRORS", "test session starts"):
                self.state.in_pytest = True
            if self._section == "test session starts":
                self._header_lines = 6  # rootdir: comes a few lines down
        return NONE

    def _progress(self, lineno: int, line: str) -> None:
        if ("R" in line or "F" in line) and len(self._rerun_files) < _MAX_BLOCKS:
            by_file = _FILE_PROGRESS.match(line)
            if by_file and "R" in by_file["marks"]:
                self._rerun_files.setdefault(by_file["path"], lineno)
                return
            if by_file and "F" in by_file["marks"] and len(self._failed_files) < _MAX_BLOCKS:
                at, count = self._failed_files.get(by_file["path"], (lineno, 0))
                self._failed_files[by_file["path"]] = (at, count + by_file["marks"].count("F"))
                return
        match = _PROGRESS.match(line)
        if match:
            status = match["s1"] or match["s2"]
            nodeid = match["n1"] or match["n2"]
            if status == "RERUN":
                self._reruns.setdefault(nodeid, lineno)
            elif status == "FAILED" and len(self._progress_failed) < _MAX_BLOCKS:
                self._progress_failed.setdefault(nodeid, lineno)

    def _in_summary(self, lineno: int, line: str) -> Sequence[Finding]:
        match = _SUMMARY.match(line)
        if match:
            return self._summary(lineno, match["kind"], match["nodeid"], match["msg"] or "")
        rerun = _RERUN_SUMMARY.match(line)
        if rerun:
            self._reruns.setdefault(rerun["nodeid"], lineno)
        return NONE

    def _fragment(self, lineno: int, line: str) -> bool:
        """A pasted excerpt without the ``FAILURES`` or ``ERRORS`` banner: a test's header, a
        collection error or an ``E`` line opens the report section it came from."""
        header = _test_header(line) if first_is(line, "_") else None
        failed_import = _IMPORT_FAILED.match(line) if first_is(line, "I") else None
        e_line = line.startswith("E ") and bool(
            EXCEPTION_LINE.match(line[1:].strip()) or line[1:].strip().startswith("assert")
        )
        if header is None and failed_import is None and not e_line:
            return False
        self._section = "ERRORS" if failed_import or (header and "ERROR" in line) else "FAILURES"
        self.state.in_pytest = True
        if failed_import:
            self._block = _Block(title=f"ERROR collecting {failed_import['path']}", lineno=lineno)
            self._block.default = "ImportError"
        elif e_line:
            self._block = _Block(title="", lineno=lineno)
        self._in_report(lineno, line)
        return True

    def _in_report(self, lineno: int, line: str) -> None:
        # Each regex is tried only on lines holding what it needs (most lines of a failure
        # section are the test's source code).
        header = _test_header(line) if line[:3] == "___" else None
        if header:
            self._close_block()
            self._block = _Block(title=header["title"], lineno=lineno)
            return
        block = self._block
        if block is None:
            location = _LOCATION.match(line) if ".py:" in line else None
            tail = location["tail"] or "" if location else ""
            if location and (EXCEPTION_LINE.match(tail) or tail.startswith("assert ")):
                where = (location["path"], int(location["line"]), location["tail"] or "")
                if len(self._untitled) < _MAX_BLOCKS:
                    self._untitled.append(_Block(title="", lineno=lineno, locations=[where]))
            return
        if block.captured:
            return
        if line.startswith("ImportError while importing test module"):
            block.default = "ImportError"
            return
        if line.startswith("worker '"):
            crashed = _WORKER_CRASHED.match(line)
            if crashed:
                # The section is titled by the file; the summary names the test.
                block.title = _title_for(crashed["nodeid"], "FAILED")[0]
                block.default = "WorkerCrashed"
                block.e_lines.append(line)
                at = self.state.crashed_at
                if at and nodeid_file(crashed["nodeid"]) in (None, *_tails(at[0])):
                    block.source = at
                return
        if line.startswith("file ") and ", line " in line:
            fixture = _FIXTURE_AT.match(line)
            if fixture and len(block.locations) < 256:
                # ``fixture 'x' not found``, a scope mismatch: not an assertion.
                block.default = "FixtureLookupError"
                block.locations.append((fixture["path"], int(fixture["line"]), ""))
                return
        if line[:1] in " +" and ("|" in line[:12] or "+" in line[:12]):
            if _GROUP_MEMBER.match(line):
                block.captured = True  # the group's members: its own raise is the place
                return
            gutter = _GROUP_GUTTER.match(line)
            if gutter:
                line = line[gutter.end() :]
        if line.startswith("E "):
            text = line[1:].strip()
            frame = FRAME.match(text)
            if frame:
                block.source = (frame["path"], int(frame["line"]))
            elif len(block.e_lines) < 64:
                block.e_lines.append(text)
            return
        if (line.startswith("-") and "Captured" in line) or line.startswith(IMPLICIT_CHAIN):
            block.captured = True  # captured output, or fallout of the first exception
            return
        location = _LOCATION.match(line) if ".py:" in line else None
        if location and len(block.locations) < 256:
            block.locations.append(
                (location["path"], int(location["line"]), location["tail"] or "")
            )
            return
        frame = FRAME.match(line) if 'File "' in line else None
        if frame:
            block.locations.append((frame["path"], int(frame["line"]), ""))
        elif line[:1] in _NAME_START and EXCEPTION_LINE.match(line) and len(block.e_lines) < 64:
            block.e_lines.append(line)  # --tb=native ends with the bare exception line
