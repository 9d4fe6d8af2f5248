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
#: yarn 2+ (berry): ``➤ YN0082: │ left-pad@npm:^99.0.0: No candidates found``.
_BERRY = re.compile(r"(?:^|\s)YN(?P<code>\d{4}): (?:[\u2502\u250c\u2514\u00b7] )?(?P<msg>.*)$")
#: berry's codes that fail an install, and the kind each is (YN0001, an exception, only when
#: the network is its cause).
_BERRY_CODES = {
    "0009": Category.DEPENDENCY,  # a dependency's build script failed
    "0018": Category.DEPENDENCY,  # an archive does not match its checksum
    "0028": Category.DEPENDENCY,  # the lockfile would change under --immutable
    "0035": Category.DEPENDENCY,  # the registry has no such package
    "0082": Category.DEPENDENCY,  # no version matches the range
}
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
        b"yn0001: ",
        b"yn0009: ",
        b"yn0018: ",
        b"yn0028: ",
        b"yn0035: ",
        b"yn0082: ",
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

    def _berry(self, lineno: int, code: str, message: str) -> Sequence[Finding]:
        """One finding per failing code of yarn 2+; its first line that says something."""
        category = _BERRY_CODES.get(code)
        if code == "0001" and any(word in message for word in _NETWORK_WORDS):
            category = Category.INFRASTRUCTURE
        if code == "0028" and not message.startswith("The lockfile would have been modified"):
            return NONE  # the lockfile's diff before the verdict
        key = f"YN{code}"
        if category is None or not message or key in self._codes:
            return NONE
        self._codes.add(key)
        return (
            Finding(category=category, message=f"{key}: {message}", tool="yarn", lineno=lineno),
        )

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
        if "YN0" in line:
            berry = _BERRY.search(line)
            if berry is not None:
                return self._berry(lineno, berry["code"], berry["msg"].strip())
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
