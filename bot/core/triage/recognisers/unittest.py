"""unittest's ``FAIL:``/``ERROR:`` headers: name the test whose traceback follows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

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


def test_id(name: str, where: str) -> str:
    """``module.Class.method`` from the header's two parts (3.11+ prints the full id in
    brackets; some runners print a dotted name before them, of which the method is last)."""
    method = name.rsplit(".", 1)[-1]
    return where if where.endswith(method) else f"{where}.{method}"


class UnittestRecogniser(Recogniser):
    """Sets the test name; the traceback recogniser reports the failure itself."""

    name: ClassVar[str] = "unittest"
    triggers: ClassVar[tuple[bytes, ...]] = (b"fail", b"error")
    #: ``Ran 5 tests in 0.01s`` (after a runner's timestamp too): ``OK`` comes a line or two later.
    patterns: ClassVar[tuple[bytes, ...]] = (rb"Ran \d+ tests? in \d",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._after_ran = 0

    @property
    def wants_more(self) -> bool:
        return self._after_ran > 0

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
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
