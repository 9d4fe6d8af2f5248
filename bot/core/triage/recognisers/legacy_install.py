"""pip before 20 and setuptools' easy_install: install errors without pip's ``ERROR:`` prefix."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.pip import NETWORK, REQ_FILE

#: A requirement nothing satisfies, in the words of each release: pip 1 to 6 ("downloads",
#: "distributions"), pip 7 to 19 ("version", "matching distribution"), easy_install.
_UNSATISFIED = re.compile(
    r"^(?:Could not find any downloads that satisfy the requirement"
    r"|No distributions at all found for"
    r"|No distributions matching the version for"
    r"|Could not find a version that satisfies the requirement"
    r"|No matching distribution found for"
    r"|No local packages or (?:working )?download links found for"
    r"|error: Could not find (?:required|suitable) distribution(?: for)?)"
    r" (?P<req>\S+(?: \S+)?)"
)
#: pip before 20 around a failed ``setup.py``: ``Complete output from command …:``, the output,
#: then ``Command "python setup.py egg_info" failed with error code 1 in /tmp/pip-…/``.
_OUTPUT_FROM = "Complete output from command "
_COMMAND_FAILED = re.compile(r'^Command "(?P<command>.+)" failed with error code (?P<code>\d+)')
#: easy_install names a requirement ``Requirement.parse('x>=1')``.
_PARSED = re.compile(r"^Requirement\.parse\('(?P<req>[^']+)'")
#: The package index did not answer: pip's ``Could not fetch URL …: connection error: …``
#: (or a certificate it could not confirm), setuptools' ``Download error on …``.
_FETCH_FAILED = re.compile(
    r"^(?:Could not fetch URL \S+: (?P<pip>connection error|There was a problem confirming)"
    r"|Download error on \S+: )"
)


def _requirement(text: str) -> str:
    """The requirement's name, the same whichever message names it."""
    parsed = _PARSED.match(text)
    text = parsed["req"] if parsed else text
    return re.split(r"[<>=!~;\s(\[]", text, maxsplit=1)[0].lower()


class LegacyInstallRecogniser(Recogniser):
    """One finding per requirement; an index that did not answer makes it infrastructure."""

    name: ClassVar[str] = "pip-legacy"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"could not find any downloads",
        b"no distributions at all found",
        b"no distributions matching",
        b"could not find a version that satisfies",
        b"no matching distribution found",
        b"download links found for",
        b"error: could not find required distribution",
        b"error: could not find suitable distribution",
        b"could not fetch url",
        b"download error on",
        b"complete output from command",
        b"failed with error code",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._reported: set[str] = set()
        self._built: set[str] = set()
        self._unreachable = False

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = line.strip()
        if text.startswith(_OUTPUT_FROM):
            self.state.captured.append([lineno, 0])
            return NONE
        if text.startswith("Command ") and "failed with error code" in text:
            return self._build_failed(lineno, text)
        fetch = _FETCH_FAILED.match(text)
        if fetch:
            self.state.index_unreachable = True
            if not fetch["pip"] or self._unreachable:
                return NONE
            # Weak: pip may find the package elsewhere; it stands only when nothing else does.
            self._unreachable = True
            return (
                Finding(
                    category=Category.INFRASTRUCTURE,
                    message=text,
                    tool="pip",
                    lineno=lineno,
                    weak=True,
                ),
            )
        match = _UNSATISFIED.match(text)
        if match is None:
            return NONE
        name = _requirement(match["req"])
        if name in self._reported:
            return NONE
        self._reported.add(name)
        network = self.state.index_unreachable or any(marker in text for marker in NETWORK)
        source = REQ_FILE.search(text)
        return (
            Finding(
                category=Category.INFRASTRUCTURE if network else Category.DEPENDENCY,
                message=text.removeprefix("error: "),
                tool="pip",
                lineno=lineno,
                path=source["file"] if source else None,
                line=int(source["line"]) if source else None,
            ),
        )

    def _build_failed(self, lineno: int, text: str) -> Sequence[Finding]:
        """pip's last word on a ``setup.py`` that failed: one ``dependency`` failure (what the
        captured output said is part of it), unless a missing requirement explained it."""
        failed = _COMMAND_FAILED.match(text)
        if failed is None:
            return NONE
        for span in self.state.captured:
            if not span[1]:
                span[1] = lineno
        if self._reported or "build" in self._built:
            return NONE
        self._built.add("build")
        command = (
            failed["command"].split(" -c ", 1)[0]
            if " -c " in failed["command"]
            else failed["command"]
        )
        message = f"a package failed to build ({command} exited with {failed['code']})"
        category = Category.INFRASTRUCTURE if self.state.index_unreachable else Category.DEPENDENCY
        return (Finding(category=category, message=message, tool="pip", lineno=lineno),)
