"""npm, yarn and pnpm: resolution and install errors, and an unreachable registry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: ``npm ERR! code ERESOLVE`` (npm 6 to 9) and ``npm error code ERESOLVE`` (npm 10), also
#: after a Markdown quote's ``> `` or a workspace tool's ``@scope/pkg: ``.
_NPM_CODE = re.compile(r"(?:^|[\s>:|])npm (?:ERR!|error) code (?P<code>[\w-]+)$")
_NPM_LINE = re.compile(r"^npm (?:ERR!|error) ?")
#: pnpm: `` ERR_PNPM_PEER_DEP_ISSUES  Unmet peer dependencies``.
_PNPM = re.compile(r"(?:^|\s)ERR_PNPM_(?P<code>\w+)\s*(?P<msg>.*)$")
#: yarn 1: ``error Couldn't find any versions for "left-pad" that matches "^9"``.
_YARN = re.compile(r"^error (?P<msg>.+)$")
_YARN_RESOLVE = (
    "Couldn't find any versions for",
    "Couldn't find package",
    "Couldn't find match for",
    "Found incompatible module",
    "is incompatible with this module",
    "Package not found",
    "Your lockfile needs to be updated",
)
#: A registry that is down or unreachable: the network, not the project's dependencies.
_NETWORK_CODES = frozenset(
    {
        "ETIMEDOUT",
        "ECONNRESET",
        "ECONNREFUSED",
        "EAI_AGAIN",
        "ENOTFOUND",
        "EHOSTUNREACH",
        "ENETUNREACH",
        "ERR_SOCKET_TIMEOUT",
        "ESOCKETTIMEDOUT",
        "ENOSPC",
        "E500",
        "E502",
        "E503",
        "E504",
        "META_FETCH_FAIL",
        "FETCH_500",
        "FETCH_502",
        "FETCH_503",
        "FETCH_504",
    }
)
_NETWORK_WORDS = (
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "ECONNRESET",
    "ECONNREFUSED",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
    "socket hang up",
    "502",
    "503",
)
#: A script that failed: its own output says why, so these are weak.
_SCRIPT_FAILED = frozenset(
    {"ELIFECYCLE", "1", "2", "RECURSIVE_RUN_FIRST_FAIL", "RECURSIVE_EXEC_FIRST_FAIL"}
)


class NpmRecogniser(Recogniser):
    """One finding per error code an install prints (npm repeats itself on many lines)."""

    name: ClassVar[str] = "npm"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"npm err! code",
        b"npm error code",
        b"err_pnpm_",
        b"error ",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._codes: set[str] = set()
        self._held: tuple[int, str] | None = None

    @property
    def wants_more(self) -> bool:
        return self._held is not None

    def gap(self) -> Sequence[Finding]:
        held, self._held = self._held, None
        return (self._finding(*held, ""),) if held is not None else NONE

    def _finding(self, lineno: int, code: str, detail: str) -> Finding:
        network = code in _NETWORK_CODES or code.startswith("E5")
        category = Category.INFRASTRUCTURE if network else Category.DEPENDENCY
        weak = code in _SCRIPT_FAILED
        if weak:
            category = Category.UNKNOWN
        message = f"npm {code}: {detail}" if detail else f"npm {code}"
        return Finding(category=category, message=message, tool="npm", lineno=lineno, weak=weak)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._held is not None:
            detail = _NPM_LINE.sub("", line).strip()
            if not detail:
                return NONE
            start, code = self._held
            self._held = None
            return (self._finding(start, code, detail),)
        match = _NPM_CODE.search(line) if "npm " in line else None
        if match is not None:
            if match["code"] not in self._codes:
                self._codes.add(match["code"])
                self._held = (lineno, match["code"])
            return NONE
        if "ERR_PNPM_" in line:
            pnpm = _PNPM.search(line)
            if pnpm and pnpm["code"] not in self._codes:
                self._codes.add(pnpm["code"])
                return (self._finding(lineno, pnpm["code"], pnpm["msg"].strip()),)
            return NONE
        if line.startswith("error "):
            yarn = _YARN.match(line)
            if yarn is None or "yarn" in self._codes:
                return NONE
            message = yarn["msg"]
            if message.startswith(_YARN_RESOLVE):
                self._codes.add("yarn")
                return (
                    Finding(
                        category=Category.DEPENDENCY, message=message, tool="yarn", lineno=lineno
                    ),
                )
            if message.startswith("An unexpected error occurred") and any(
                word in message for word in _NETWORK_WORDS
            ):
                self._codes.add("yarn")
                return (
                    Finding(
                        category=Category.INFRASTRUCTURE,
                        message=message,
                        tool="yarn",
                        lineno=lineno,
                    ),
                )
        return NONE
