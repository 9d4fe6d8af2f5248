"""Bundler and RubyGems: a gem requirement the Gemfile or its lock cannot get."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: Bundler resolving the Gemfile: ``Bundler could not find compatible versions for gem "x":``
#: (followed by ``In Gemfile:``) and ``Could not find gem 'x (~> 1.6)' in any of the (relevant)
#: sources`` / ``in rubygems repository https://…``: the requirement is the Gemfile's.
_GEMFILE = (
    "Bundler could not find compatible versions for gem ",
    "Could not find gem '",
)
#: RubyGems activating a gem's executable (``bundle`` from a binstub): ``Could not find
#: 'bundler' (1.16.6) required by your /path/Gemfile.lock. (Gem::GemNotFoundException)``,
#: ``can't find gem bundler (>= 0.a) with executable bundle (Gem::GemNotFoundException)``.
_RUBYGEMS = re.compile(
    r"(?:Could not find '[\w.-]+' \([^)]*\)(?: required by your (?P<lock>\S+?)\.?)?"
    r"|can't find gem [\w.-]+ \([^)]*\)[^(]*)"
    r" ?\(Gem::(?:GemNotFoundException|MissingSpecVersionError)\)"
)


class BundlerRecogniser(Recogniser):
    """The first unsatisfiable gem requirement, once, placed in the Gemfile or its lock."""

    name: ClassVar[str] = "bundler"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"could not find compatible versions for gem",
        b"could not find gem '",
        b"(gem::gemnotfoundexception)",
        b"(gem::missingspecversionerror)",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._reported = False

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._reported:
            return NONE
        text = line.strip()
        path: str | None
        if text.startswith(_GEMFILE):
            path = "Gemfile"
            message = text
        elif "(Gem::" in text and (rubygems := _RUBYGEMS.search(text)):
            path = rubygems["lock"]
            message = rubygems.group()
        else:
            return NONE
        self._reported = True
        return (
            Finding(
                category=Category.DEPENDENCY,
                message=message[:300],
                tool=self.name,
                lineno=lineno,
                path=path,
            ),
        )
