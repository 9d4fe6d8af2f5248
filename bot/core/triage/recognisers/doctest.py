"""Python's doctest outside pytest (``python -m doctest``, ``DocTestSuite``, Sphinx' doctest):
``File "m.py", line 3, in m.double`` then ``Failed example:``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: The example's place, the line before ``Failed example:``.
_PLACE = re.compile(r'^File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<name>\S+)$')


class DoctestRecogniser(Recogniser):
    """A wrong output is ``assertion`` at the example's line. An example that raised is left to
    the traceback doctest prints under ``Exception raised:`` (placed where it was raised)."""

    name: ClassVar[str] = "doctest"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (b"failed example:",)

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._place: re.Match[str] | None = None
        #: The failure being read: its line, its place, the example's first line.
        self._open: tuple[int, re.Match[str], str] | None = None

    @property
    def wants_more(self) -> bool:
        return self._open is not None

    def gap(self) -> Sequence[Finding]:
        opened, self._open, self._place = self._open, None, None
        if opened is None:
            return NONE
        lineno, place, example = opened
        return (
            Finding(
                category=Category.ASSERTION,
                message=f"Failed example: {example}".strip(),
                tool="doctest",
                lineno=lineno,
                path=place["path"],
                line=int(place["line"]),
                test=place["name"],
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip()
        if self._open is None:
            if text == "Failed example:" and self._place is not None:
                self._open = (lineno, self._place, "")
            else:
                self._place = _PLACE.match(text) if text.startswith('File "') else None
            return NONE
        if text == "Exception raised:":
            self._open = None
            return NONE
        if text == "Expected:" or text.startswith("Got"):
            return self.gap()  # the example's output was wrong
        if text and not self._open[2]:
            self._open = (self._open[0], self._open[1], text)
        return NONE
