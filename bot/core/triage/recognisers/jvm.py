"""Maven, Surefire and Gradle: test results, flakes, compiler errors and dependency resolution."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.generic import compiler_category

_NAME = re.compile(r"^[\w.$]+")
_LEVEL = re.compile(r"^\[(?:INFO|WARNING|WARN|ERROR|DEBUG|FATAL)\] ?")
#: Surefire's results: ``Failures:``, ``Errors:`` and (with reruns) ``Flakes:``.
_SECTIONS = {"Failures:": Category.ASSERTION, "Errors:": Category.RUNTIME_ERROR}
_FLAKES = "Flakes:"
_ENTRY = re.compile(r"^(?P<test>[\w.$]+(?:\([\w.$]+\))?)(?::(?P<line>\d+))?(?: +(?P<msg>.*))?$")
_RUN = re.compile(r"^Run \d+: (?P<msg>.*)$")
#: A test's own report: ``testX(pkg.Case)  Time elapsed: 0.1 s  <<< FAILURE!`` (Surefire 2),
#: ``pkg.Case.testX -- Time elapsed: 0.1 s <<< ERROR!`` (Surefire 3).
_TEST_REPORT = re.compile(
    r"^(?P<test>[\w.$]+(?:\([\w.$]+\))?)(?: --|  ) ?Time elapsed: .*<<< (?P<kind>FAILURE|ERROR)!$"
)
#: Gradle: ``CalcTest > adds() FAILED`` then the exception, indented.
_GRADLE_TEST = re.compile(r"^(?P<case>[\w.$]+) > (?P<test>.+?) FAILED$")
#: javac through Maven: ``/src/main/java/a/B.java:[12,5] cannot find symbol``.
_MAVEN_COMPILE = re.compile(
    r"^(?P<path>\S+\.(?:java|kt|scala|groovy)):\[(?P<line>\d+)(?:,\d+)?\] (?P<msg>.+)$"
)
_RESOLVE = (
    "Could not resolve dependencies",
    "Could not resolve all files for configuration",
    "Could not resolve all dependencies for configuration",
    "Non-resolvable parent POM",
    "Could not find artifact",
    "or one of its dependencies could not be resolved",
    "Could not transfer artifact",
    "Could not GET '",
    "Could not HEAD '",
)
_NETWORK = (
    "Connection timed out",
    "Connect timed out",
    "Read timed out",
    "Connection reset",
    "Connection refused",
    "Temporary failure in name resolution",
    "UnknownHostException",
    "Transfer failed",
    "status code: 5",
    "Received status code 5",
    "502 Bad Gateway",
    "503 Service Unavailable",
    "Remote host terminated the handshake",
)


def _exception_category(text: str) -> Category:
    """A JVM exception's category from its (qualified) name."""
    head = _NAME.match(text)
    name = head[0].rsplit(".", 1)[-1] if head else text
    if "Assert" in name or name == "ComparisonFailure" or name.startswith("expected"):
        return Category.ASSERTION
    if "Timeout" in name or "TimedOut" in name:
        return Category.TIMEOUT
    if name in ("ClassNotFoundException", "NoClassDefFoundError"):
        return Category.IMPORT_ERROR
    return Category.RUNTIME_ERROR


class JvmRecogniser(Recogniser):
    """Surefire's summary lists (one finding per test), a test's own report when there is no
    summary, Gradle's failed tests, Maven's compiler errors and unresolvable dependencies."""

    name: ClassVar[str] = "maven"
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"flakes:",
        b"failures:",
        b"errors:",
        b"<<< failure!",
        b"<<< error!",
        b"failed",
        b"could not resolve",
        b"could not transfer",
        b"could not find artifact",
        b"could not get '",
        b".java:[",
        b".kt:[",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._section: Category | None = None
        self._entry: tuple[int, str, str] | None = None
        self._reports: list[Finding] = []
        self._summarised = False
        self._pending: tuple[int, str, Category | None] | None = None
        self._resolved = False

    @property
    def wants_more(self) -> bool:
        return self._section is not None or self._pending is not None

    def gap(self) -> Sequence[Finding]:
        self._pending = None
        done = self._close_entry()
        self._section = None
        return done

    def finish(self) -> Sequence[Finding]:
        done = self.gap()
        reports, self._reports = self._reports, []
        return (*done, *(() if self._summarised else reports))

    def _close_entry(self) -> Sequence[Finding]:
        entry, self._entry = self._entry, None
        if entry is None or self._section is None:
            return NONE
        lineno, test, message = entry
        self._summarised = True
        category = self._section
        if category is Category.RUNTIME_ERROR and "Timeout" in message:
            category = Category.TIMEOUT
        return (
            Finding(
                category=category,
                message=message or test,
                tool="surefire",
                lineno=lineno,
                test=test,
            ),
        )

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        text = _LEVEL.sub("", line, count=1) if line[:1] == "[" else line
        stripped = text.strip()
        if self._pending is not None:
            return self._after_report(lineno, stripped)
        if stripped in _SECTIONS or stripped == _FLAKES:
            done = self._close_entry()
            self._section = _SECTIONS.get(stripped, Category.FLAKY)
            return done
        if self._section is not None:
            return self._in_section(lineno, stripped)
        if stripped.endswith("!") and "<<< " in stripped:
            report = _TEST_REPORT.match(stripped)
            if report:
                kind = Category.ASSERTION if report["kind"] == "FAILURE" else None
                self._pending = (lineno, report["test"], kind)
            return NONE
        if stripped.endswith(" FAILED") and " > " in stripped:
            gradle = _GRADLE_TEST.match(stripped)
            if gradle:
                self._pending = (lineno, f"{gradle['case']}.{gradle['test']}", None)
            return NONE
        if ":[" in stripped:
            compiled = _MAVEN_COMPILE.match(stripped)
            if compiled:
                return (
                    Finding(
                        category=compiler_category(compiled["msg"]),
                        message=compiled["msg"],
                        tool="javac",
                        lineno=lineno,
                        path=compiled["path"],
                        line=int(compiled["line"]),
                    ),
                )
        if not self._resolved and any(marker in stripped for marker in _RESOLVE):
            self._resolved = True
            network = any(marker in stripped for marker in _NETWORK)
            category = Category.INFRASTRUCTURE if network else Category.DEPENDENCY
            return (
                Finding(category=category, message=stripped[:300], tool="maven", lineno=lineno),
            )
        return NONE

    def _in_section(self, lineno: int, stripped: str) -> Sequence[Finding]:
        if not stripped or stripped.startswith("Tests run:"):
            return self.gap()
        run = _RUN.match(stripped)
        if run:
            if self._entry is not None and not self._entry[2]:
                self._entry = (self._entry[0], self._entry[1], run["msg"])
            return NONE
        entry = _ENTRY.match(stripped)
        if entry is None or "." not in entry["test"]:
            return NONE  # a message's continuation line
        done = self._close_entry()
        test = entry["test"]
        if entry["line"] and "." in test:  # ``CalcTest.adds:12 message``: no reruns
            self._entry = (lineno, test, entry["msg"] or "")
        else:
            self._entry = (lineno, test, "")
        return done

    def _after_report(self, lineno: int, stripped: str) -> Sequence[Finding]:
        """The line after a test's report names the exception."""
        assert self._pending is not None
        if not stripped:
            return NONE
        start, test, kind = self._pending
        self._pending = None
        category = kind if kind is Category.ASSERTION else _exception_category(stripped)
        if kind is Category.ASSERTION and _exception_category(stripped) is Category.TIMEOUT:
            category = Category.TIMEOUT
        finding = Finding(
            category=category, message=stripped[:300], tool="surefire", lineno=start, test=test
        )
        if len(self._reports) < 4096:
            self._reports.append(finding)
        return NONE
