"""RuboCop: ``app/a.rb:4:13: C: [Correctable] Layout/SpaceInsideParens: message``.

Each offense is ``lint`` with its cop as the rule; ``Lint/Syntax`` (the file does not parse)
is ``syntax_error``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

_OFFENSE = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):\d+: [CWEFRI]: "
    r"(?:\[(?:Correctable|Corrected|Todo|Unsafe Correctable)\] )?"
    r"(?P<rule>[A-Z]\w*/\w+): (?P<msg>.+)$"
)


class RubocopRecogniser(Recogniser):
    """One ``lint`` finding per offense, at its line."""

    name: ClassVar[str] = "rubocop"
    triggers: ClassVar[tuple[bytes, ...]] = (b": c: ", b": w: ", b": e: ", b": f: ", b": r: ")

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        offense = _OFFENSE.match(line)
        if offense is None:
            return NONE
        rule = offense["rule"]
        syntax = rule == "Lint/Syntax"
        return (
            Finding(
                category=Category.SYNTAX_ERROR if syntax else Category.LINT,
                message=f"{rule}: {offense['msg']}"[:300],
                tool="rubocop",
                lineno=lineno,
                path=offense["path"],
                line=int(offense["line"]),
                rule=None if syntax else rule,
            ),
        )
