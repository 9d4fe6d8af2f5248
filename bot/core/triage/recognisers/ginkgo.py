"""Ginkgo (Go's BDD runner): its ``Summarizing N Failures:`` list and the suite's result line.

Each entry is a bracketed state, the spec's text and the failure's place::

    [Fail] [apps] An application being staged [It] has its staging log streamed
    /go/src/github.com/cloudfoundry/cf-acceptance-tests/apps/staging_log.go:52

(Ginkgo 2 indents them and says ``[FAIL]``, ``[PANICKED!]``, ``[TIMEDOUT]``). A failed spec is
``assertion``, a panic ``runtime_error``, a timeout ``timeout``; when the result line says
``0 Failed`` with ``N Flaked``, the listed specs failed and then passed: ``flaky``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_SUMMARY = re.compile(r"^Summarizing \d+ Failures?:$")
_ENTRY = re.compile(r"^\[(?P<state>[A-Za-z!. ]+?)(?: \.\.\.)?\] (?P<spec>.+?)\s*$")
_PLACE = re.compile(r"^(?P<path>\S+\.go):(?P<line>\d+)$")
_RESULT = re.compile(
    r"^(?:SUCCESS|FAIL)! -- .*\b(?P<failed>\d+) Failed(?: \| (?P<flaked>\d+) Flaked)?"
)
_STATES = {
    "fail": Category.ASSERTION,
    "panic!": Category.RUNTIME_ERROR,
    "panicked!": Category.RUNTIME_ERROR,
    "timeout": Category.TIMEOUT,
    "timedout": Category.TIMEOUT,
    "interrupted": Category.TIMEOUT,
}
#: Lines read after the summary's heading before giving up on the result line.
_MAX_LINES = 2000


class GinkgoRecogniser(Recogniser):
    """One finding per summarised spec, reported at the suite's result line."""

    name: ClassVar[str] = "ginkgo"
    triggers: ClassVar[tuple[bytes, ...]] = (b"summarizing ",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._reading = False
        self._lines = 0
        self._specs: list[Finding] = []

    @property
    def wants_more(self) -> bool:
        return self._reading

    def finish(self) -> Sequence[Finding]:
        """The end of the input cut the report (no gap comes while one is read)."""
        self._reading = False
        specs, self._specs = self._specs, []
        return specs

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        stripped = line.strip()
        if not self._reading:
            if _SUMMARY.match(stripped):
                self._reading, self._lines = True, 0
            return NONE
        self._lines += 1
        if self._lines > _MAX_LINES:
            return self.finish()
        if stripped.startswith("["):
            entry = _ENTRY.match(stripped)
            category = _STATES.get(entry["state"].lower()) if entry else None
            if entry and category is not None and len(self._specs) < 4096:
                spec = entry["spec"]
                self._specs.append(
                    Finding(
                        category=category,
                        message=f"{spec} failed",
                        tool="ginkgo",
                        lineno=lineno,
                        test=spec,
                    )
                )
            return NONE
        place = _PLACE.match(stripped) if ".go:" in stripped else None
        if place and self._specs and self._specs[-1].path is None:
            self._specs[-1] = replace(self._specs[-1], path=place["path"], line=int(place["line"]))
            return NONE
        result = _RESULT.match(stripped) if "! -- " in stripped else None
        if result is None:
            return NONE
        if result["failed"] == "0" and result["flaked"] not in (None, "0"):
            self._specs = [replace(f, category=Category.FLAKY) for f in self._specs]
        if self._specs:
            self.state.spec_failures = True
        return self.finish()
