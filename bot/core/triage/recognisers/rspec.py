"""RSpec's ``Failed examples:`` list: ``rspec ./spec/a_spec.rb:12 # Thing does x``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, Recogniser

_FAILED = re.compile(
    r"^rspec (?:\./)?(?P<path>\S+?\.rb):(?P<line>\d+)(?:\[[\d:]+\])? # (?P<test>.+)$"
)


class RspecRecogniser(Recogniser):
    """Each failed example is an ``assertion`` at its ``file:line`` (the example's line)."""

    name: ClassVar[str] = "rspec"
    triggers: ClassVar[tuple[bytes, ...]] = (b"rspec ./", b".rb:")

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if not line.startswith("rspec "):
            return NONE
        failed = _FAILED.match(line)
        if failed is None:
            return NONE
        return (
            Finding(
                category=Category.ASSERTION,
                message=f"{failed['test']} failed",
                tool="rspec",
                lineno=lineno,
                path=failed["path"],
                line=int(failed["line"]),
                test=failed["test"],
            ),
        )
