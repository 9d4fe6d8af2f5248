"""Ruby: an uncaught exception, as the interpreter or rake prints it.

``lib/a.rb:12:in `m': undefined method `x' for nil:NilClass (NoMethodError)`` (Ruby 3.4:
``in 'A#m'``), then ``from lib/b.rb:5:in `n'`` lines; ``a.rb:3: syntax error, … (SyntaxError)``
has no method. Placed at the first line of the project (not a gem's or Ruby's own); the class
gives the category (``LoadError`` is ``import_error``, ``SyntaxError`` ``syntax_error``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.rspec import in_project, ruby_category

_RAISED = re.compile(
    r"^(?P<path>[^\s:]+\.(?:rb|rake)):(?P<line>\d+)(?::in [`'][^`']*')?: "
    r"(?P<msg>.*) \((?P<name>[A-Z]\w*(?:::[A-Z]\w*)*)\)$"
)
_FROM = re.compile(r"^\s+from (?P<path>[^\s:]+\.(?:rb|rake)):(?P<line>\d+)(?::in |$)")
#: rake's report: ``rake aborted!``, ``NameError: uninitialized constant Seeder``, the code
#: and caret, then the backtrace without ``from``: ``lib/tasks/db.rake:4:in `block …'``.
_RAKE_ERROR = re.compile(r"^(?P<name>[A-Z]\w*(?:::[A-Z]\w*)*): (?P<msg>.+)$")
_RAKE_FRAME = re.compile(r"^(?P<path>[^\s:]+\.(?:rb|rake)|Rakefile):(?P<line>\d+)(?::in |$)")
_MAX_FRAMES = 40


#: RubyGems' own "the gem is not installed" errors: the requirement that failed is the
#: finding (``bundler.py``), not the stack that raised it.
_LEFT_TO_BUNDLER = ("Gem::GemNotFoundException", "Gem::MissingSpec")


class RubyErrorRecogniser(Recogniser):
    """One uncaught Ruby exception, at its first frame in the project."""

    name: ClassVar[str] = "ruby"
    triggers: ClassVar[tuple[bytes, ...]] = (b"error)", b"exception)", b"rake aborted!")

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        #: The exception whose ``from`` lines are being read: start, class, message.
        self._raised: tuple[int, str, str] | None = None
        self._frames = 0
        #: Reading rake's report of the exception that aborted it.
        self._rake_open = False

    @property
    def wants_more(self) -> bool:
        return self._raised is not None or self._rake_open

    def _finding(self, path: str | None = None, line: int | None = None) -> Sequence[Finding]:
        raised, self._raised = self._raised, None
        if raised is None:
            return NONE
        start, name, message = raised
        return (
            Finding(
                category=ruby_category(name, message),
                message=f"{name}: {message}"[:300],
                tool="ruby",
                lineno=start,
                path=path,
                line=line,
            ),
        )

    def gap(self) -> Sequence[Finding]:
        self._rake_open = False
        return self._finding()

    def _rake(self, lineno: int, line: str) -> Sequence[Finding]:
        """After ``rake aborted!``: the exception line, then its first project frame."""
        self._frames += 1
        if self._raised is None:
            error = _RAKE_ERROR.match(line)
            if error is None or self._frames > 2:
                self._rake_open = False
                return NONE
            self._raised = (lineno, error["name"], error["msg"])
            return NONE
        frame = _RAKE_FRAME.match(line)
        if frame is not None and in_project(frame["path"]):
            self._rake_open = False
            return self._finding(frame["path"], int(frame["line"]))
        if line.startswith("Tasks: ") or self._frames > _MAX_FRAMES:
            self._rake_open = False
            return self._finding()
        return NONE

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if line == "rake aborted!":
            done = self._finding()
            self._rake_open, self._frames = True, 0
            return done
        if self._rake_open:
            return self._rake(lineno, line)
        if self._raised is not None:
            frame = _FROM.match(line)
            self._frames += 1
            if frame is None or self._frames > _MAX_FRAMES:
                return (*self._finding(), *self._start(lineno, line))
            if in_project(frame["path"]):
                return self._finding(frame["path"], int(frame["line"]))
            return NONE
        return self._start(lineno, line)

    def _start(self, lineno: int, line: str) -> Sequence[Finding]:
        if not line.endswith(")") or (".rb:" not in line and ".rake:" not in line):
            return NONE
        raised = _RAISED.match(line)
        if raised is None or raised["name"].startswith(_LEFT_TO_BUNDLER):
            return NONE
        self._raised, self._frames = (lineno, raised["name"], raised["msg"]), 0
        if in_project(raised["path"]):
            return self._finding(raised["path"], int(raised["line"]))
        return NONE
