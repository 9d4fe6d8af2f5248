"""System packages: apt, dnf/yum, rpmbuild and OBS when a package is missing or unreachable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

_MISSING = (
    "E: Unable to locate package",
    "E: Package '",
    "E: Unable to correct problems, you have held broken packages",
    "E: Version '",
    "error: Failed build dependencies:",
    "No match for argument:",
    "Error: Unable to find a match:",
    "unresolvable: nothing provides",
    "nothing provides ",
    "Problem: conflicting requests",
    "Error: No available formula with the name",
    "Error: No formulae found in taps",
)
_UNREACHABLE = (
    "E: Failed to fetch",
    "E: Could not get lock",
    "Cannot download repomd.xml",
    "Failed to download metadata for repo",
    "Curl error (",
    "Temporary failure resolving",
)


class DistroRecogniser(Recogniser):
    """One finding for the first missing or unreachable system package."""

    name: ClassVar[str] = "distro"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"e: unable to",
        b"e: package '",
        b"e: version '",
        b"e: failed to fetch",
        b"e: could not get lock",
        b"failed build dependencies",
        b"no match for argument",
        b"unable to find a match",
        b"nothing provides",
        b"conflicting requests",
        b"no available formula with the name",
        b"no formulae found in taps",
        b"repomd.xml",
        b"failed to download metadata",
        b"curl error (",
        b"temporary failure resolving",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._done: set[Category] = set()

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip()
        if text.startswith(_UNREACHABLE) or "Temporary failure resolving" in text:
            category = Category.INFRASTRUCTURE
        elif text.startswith(_MISSING):
            category = Category.DEPENDENCY
        else:
            return NONE
        if category in self._done:
            return NONE
        self._done.add(category)
        return (Finding(category=category, message=text[:300], tool="distro", lineno=lineno),)
