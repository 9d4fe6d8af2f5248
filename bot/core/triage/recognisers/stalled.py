"""The test that was running when a CI system stopped a job that printed nothing for long.

Travis' ``No output has been received in the last 10m0s`` and CircleCI's ``Too long with no
output`` come right after the progress line of the test that hung: a pytest file's marks
(``tests/test_x.py ....``), a ``-v`` node id without its outcome, or unittest's
``test_x (mod.Case) ... `` left open. The runner reports the timeout itself; this names the
test, with the runner's own message, so the two are one failure. (A job's overall time limit
names no culprit: the test running at that moment may just be the last of a slow suite.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.unittest import test_id

#: Messages that stop a silent job (the runner's words, as it reports them).
_STOPPED = ("No output has been received in the last", "Too long with no output (exceeded")
#: A test still running: pytest's file marks without the ``[ 40%]`` that ends a file's line,
#: a ``-v`` node id without its outcome, unittest's ``-v`` line without its outcome.
_OPEN = re.compile(
    r"^(?:(?P<file>[^\s:]+\.py) [.sxXFEfR]*"
    r"|(?P<node>(?P<node_file>[^\s:]+\.py)::\S+)"
    r"|(?P<name>\w+) \((?P<where>[\w.]+)\) \.\.\.)$"
)
#: Lines between the test's and the runner's: at most the scanner's lines before a trigger.
_NEAR = 3


class StalledTestRecogniser(Recogniser):
    """A timeout at the running test's file (or named after its unittest id)."""

    name: ClassVar[str] = "stalled"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"no output has been received",
        b"too long with no output",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._open: tuple[int, re.Match[str]] | None = None

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip().strip("'\"`").strip()
        if not text:
            return NONE
        if any(phrase in text for phrase in _STOPPED):
            running, self._open = self._open, None
            if running is None or lineno - running[0] > _NEAR:
                return NONE
            found = running[1]
            if found["name"]:
                test, path = test_id(found["name"], found["where"]), None
            else:
                test, path = found["node"], found["file"] or found["node_file"]
            message = line.strip().removeprefix("##[error]").removeprefix("Error: ").strip()
            return (
                Finding(
                    category=Category.TIMEOUT,
                    message=message,
                    tool="runner",
                    lineno=lineno,
                    path=path,
                    test=test,
                ),
            )
        match = _OPEN.match(text)
        self._open = (lineno, match) if match else None
        return NONE
