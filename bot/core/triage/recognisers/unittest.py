"""unittest's ``FAIL:``/``ERROR:`` headers: name the test whose traceback follows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.classify import category_for_exception
from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: The header, also indented by a paste or made a Markdown heading (``## FAIL: …``) when the
#: ``-----`` rule under it was pasted unfenced.
_HEADER = re.compile(
    r"^ *(?:#{1,6} )?(?:FAIL|ERROR|UNEXPECTED SUCCESS): (?P<name>\S+) \((?P<where>[^)]+)\)"
)
_STARTS = ("FAIL: ", "ERROR: ", "UNEXPECTED")
_RAN = re.compile(r"^Ran \d+ tests? in \d")
#: The run's last line: ``FAILED (failures=1, errors=2)``.
_COUNTS = re.compile(r"^FAILED \((?P<counts>(?:\w+=\d+(?:, )?)+)\)$")
#: ``-v``'s line for a test that printed something before its outcome: ``test_x (m.Case) ...``
#: then the output (a logged traceback, a warning), then ``ok`` on a line of its own.
_VERBOSE = re.compile(r"^(?P<name>\w+) \((?P<where>[\w.]+)\) \.\.\. ?(?P<rest>.*)$")
_OUTCOMES = ("ok", "FAIL", "ERROR", "skipped", "expected failure", "unexpected success")
#: Lines of a test's output read while waiting for its outcome.
_MAX_OUTPUT = 500
#: A runner's or wrapper's one-line summary of a failed test, a cross mark before its name and
#: the exception it raised: ``❌ test_x: AssertionError: assert 1 == 2 (0.01s)``.
_CROSSES = ("\u274c", "\u2717", "\u2718", "\u2a2f")
_CROSSED = re.compile(
    r"(?:^|\s)[\u274c\u2717\u2718\u2a2f] (?P<test>test\w*(?:\[[^\]]*\])?): "
    r"(?P<error>(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Failure)|Failed)(?:: (?P<msg>.*))?$"
)
_DURATION = re.compile(r" \(\d+(?:\.\d+)?m?s\)$")


def test_id(name: str, where: str) -> str:
    """``module.Class.method`` from the header's two parts (3.11+ prints the full id in
    brackets; some runners print a dotted name before them, of which the method is last)."""
    method = name.rsplit(".", 1)[-1]
    return where if where.endswith(method) else f"{where}.{method}"


class UnittestRecogniser(Recogniser):
    """Sets the test name; the traceback recogniser reports the failure itself."""

    name: ClassVar[str] = "unittest"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"fail",
        b"error",
        *(f"{cross} test".encode() for cross in _CROSSES),
    )
    #: ``Ran 5 tests in 0.01s`` (after a runner's timestamp too): ``OK`` comes a line or two later.
    #: A ``-v`` test line with its outcome or output after it (one left open is the stalled
    #: reader's: the line before its runner message).
    patterns: ClassVar[tuple[bytes, ...]] = (rb"Ran \d+ tests? in \d", rb"\) \.\.\. [^\n\r]")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._after_ran = 0
        #: Where a ``-v`` test that printed output started, and lines left to its outcome.
        self._output_from = 0
        self._output_left = 0

    @property
    def wants_more(self) -> bool:
        return self._after_ran > 0 or self._output_left > 0

    def _output(self, lineno: int, line: str) -> None:
        """A ``-v`` test's printed output ends with its outcome: ``ok`` alone means whatever it
        printed (a traceback it logged) was not a failure."""
        verbose = _VERBOSE.match(line) if ") ..." in line else None
        if verbose:
            rest = verbose["rest"].strip()
            opened = not rest.startswith(_OUTCOMES) and len(self.state.captured) < _MAX_OUTPUT
            self._output_from, self._output_left = lineno, _MAX_OUTPUT if opened else 0
        elif self._output_left:
            self._output_left -= 1
            if line.rstrip() == "ok":
                self.state.captured.append([self._output_from, lineno])
                self._output_left = 0
            elif line.startswith(_OUTCOMES[1:]):
                self._output_left = 0

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._output_left or (") ..." in line):
            self._output(lineno, line)
        if any(cross in line for cross in _CROSSES):
            crossed = _CROSSED.search(line)
            if crossed:
                return _crossed(lineno, crossed)
        text = line.lstrip(" #")
        if self._after_ran:
            self._after_ran -= 1 if text else 0
            if text == "OK" or text.startswith("OK ("):
                self._after_ran = 0
                self.state.passed_at = lineno
                return NONE
        if text.startswith("Ran ") and _RAN.match(text):
            self._after_ran = 2
        elif text.startswith(_STARTS):
            match = _HEADER.match(line)
            if match:
                self.state.unittest_test = test_id(match["name"], match["where"])
        elif text.startswith("FAILED (") and not self.state.in_pytest:
            return _counts(lineno, text)
        return NONE


def _crossed(lineno: int, crossed: re.Match[str]) -> Sequence[Finding]:
    """The wrapper's summary names the test and the exception, not where it was raised."""
    message = crossed["msg"] or ""
    message = _DURATION.sub("", message)  # the test's duration
    return (
        Finding(
            category=category_for_exception(crossed["error"], message),
            message=f"{crossed['error']}: {message}" if message else crossed["error"],
            tool="unittest",
            lineno=lineno,
            test=crossed["test"],
        ),
    )


def _counts(lineno: int, text: str) -> Sequence[Finding]:
    """The run's counts, a weak finding for when the log shows none of the failures: failures
    are ``assertion``, errors alone (exceptions other than a failed assert) ``runtime_error``."""
    match = _COUNTS.match(text.rstrip())
    if match is None:
        return NONE
    counts = dict(part.split("=") for part in match["counts"].split(", ") if "=" in part)
    if int(counts.get("failures", 0)):
        category = Category.ASSERTION
    elif int(counts.get("errors", 0)):
        category = Category.RUNTIME_ERROR
    else:
        return NONE
    return (Finding(category=category, message=text, tool="unittest", lineno=lineno, weak=True),)
