"""Maven, Surefire, Gradle and Jenkins: test results, flakes, compiler errors, dependency
resolution, and a JVM exception that ended the build (Gradle's ``What went wrong:``, a
Jenkins build step or pipeline script, a program's ``Exception in thread "main"``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser
from bot.core.triage.recognisers.generic import compiler_category

_NAME = re.compile(r"^[\w.$]+")
_LEVEL = re.compile(r"^\[(?:INFO|WARNING|WARN|ERROR|DEBUG|FATAL)\] ?")
#: Surefire's results: ``Failures:``, ``Errors:`` and (with reruns) ``Flakes:``.
#: Surefire 2's ``Failed tests:``, ``Tests in error:`` and ``Flaked tests:``, whose first entry
#: may follow on the heading's line (``Failed tests:   testAdd(a.CalcTest): expected:<3>``).
_SECTIONS = {
    "Failures:": Category.ASSERTION,
    "Errors:": Category.RUNTIME_ERROR,
    "Flakes:": Category.FLAKY,
    "Failed tests:": Category.ASSERTION,
    "Tests in error:": Category.RUNTIME_ERROR,
    "Flaked tests:": Category.FLAKY,
}
_FLAKES = ("Flakes:", "Flaked tests:")
_ENTRY = re.compile(r"^(?P<test>[\w.$]+(?:\([\w.$]+\))?)(?::(?P<line>\d+))?:?(?: +(?P<msg>.*))?$")
_RUN = re.compile(r"^Run \d+: (?P<msg>.*)$")
#: A test's own report: ``testX(pkg.Case)  Time elapsed: 0.1 s  <<< FAILURE!`` (Surefire 2),
#: ``pkg.Case.testX -- Time elapsed: 0.1 s <<< ERROR!`` (Surefire 3).
_TEST_REPORT = re.compile(
    r"^(?P<test>[\w.$]+(?:\([\w.$]+\))?)(?: --| +) ?Time elapsed: .*<<< (?P<kind>FAILURE|ERROR)!$"
)
#: Gradle: ``CalcTest > adds() FAILED`` then the exception, indented.
_GRADLE_TEST = re.compile(r"^(?P<case>[\w.$]+) > (?P<test>.+?) FAILED$")
#: javac through Maven: ``/src/main/java/a/B.java:[12,5] cannot find symbol``.
_MAVEN_COMPILE = re.compile(
    r"^(?P<path>\S+\.(?:java|kt|scala|groovy)):\[(?P<line>\d+)(?:,\d+)?\] (?P<msg>.+)$"
)
#: Surefire's totals with reruns: ``Tests run: 9, Failures: 0, Errors: 0, Skipped: 0, Flakes: 2``.
_FLAKES_TOTAL = re.compile(r"^Tests run: \d+, .*\bFlakes: (?P<flakes>[1-9]\d*)")
#: A JVM exception by its qualified name: ``java.lang.NullPointerException: msg``, Gradle's
#: ``> java.lang.NullPointerException (no error message)``, Groovy's ``groovy.lang.Missing…``.
_EXCEPTION = re.compile(
    r"^(?:> )*(?:Exception in thread \"[^\"]*\" )?(?P<name>(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*"
    r"(?:Exception|Error|Throwable))(?P<rest>: .*| \(no error message\))?$"
)
#: Lines after which a JVM exception is what ended the build: Gradle's cause tree, a Jenkins
#: build step or publisher that threw, the end of a Jenkins pipeline, an uncaught exception.
_BUILD_ENDERS = (
    "What went wrong:",
    "uild step failed with exception",
    "aborted due to exception",
    "End of Pipeline",
)
#: Exceptions that only carry another failure's report: a Jenkins step's exit code, an abort.
_MESSENGERS = ("AbortException", "FlowInterruptedException", "InterruptedException")
_MAX_CAUSE_LINES = 12
#: Surefire's fork that died or hung, and the build tools' word that tests failed (weak: the
#: tests' own reports say more).
_FORK = (
    ("The forked VM terminated without properly saying goodbye", Category.RUNTIME_ERROR),
    ("There was a timeout in the fork", Category.TIMEOUT),
    ("There was a timeout or other error in the fork", Category.TIMEOUT),
)
_TESTS_FAILED = ("There are test failures", "There were failing tests")
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
    # ``Connect timed out`` (Wagon), ``HTTP connect timed out`` (Maven Resolver 2).
    "onnect timed out",
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
        b"failed tests:",
        b"tests in error:",
        b"flaked tests:",
        b"<<< failure!",
        b"<<< error!",
        b"failed",
        b"could not resolve",
        b"could not transfer",
        b"could not find artifact",
        b"could not get '",
        b".java:[",
        b".kt:[",
        b"what went wrong:",
        b"uild step failed with exception",
        b"aborted due to exception",
        b"end of pipeline",
        b'exception in thread "',
        b"forked vm terminated",
        b"timeout in the fork",
        b"timeout or other error in the fork",
        b"there are test failures",
        b"there were failing tests",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._section: Category | None = None
        self._entry: tuple[int, str, str] | None = None
        self._reports: list[Finding] = []
        self._summarised = False
        self._pending: tuple[int, str, Category | None] | None = None
        self._resolved = False
        #: Reading the lines after a build ender: (its line, lines read, the exception named).
        self._cause: tuple[int, int, Finding | None] | None = None
        #: ``Flakes: 2`` in Surefire's totals, reported when no ``Flakes:`` list names them.
        self._flakes: Finding | None = None
        self._flaky_listed = False
        #: What was said once: the fork's death, the tests' failure.
        self._said: set[str] = set()
        #: A dependency that could not be resolved, until Gradle's cause tree says why.
        self._unresolved: Finding | None = None

    @property
    def wants_more(self) -> bool:
        return (
            self._section is not None
            or self._pending is not None
            or self._cause is not None
            or self._unresolved is not None
        )

    def gap(self) -> Sequence[Finding]:
        if not self.wants_more and self._entry is None:
            return NONE
        self._pending = None
        done = (*self._close_entry(), *self._end_cause(), *self._end_unresolved())
        self._section = None
        return done

    def finish(self) -> Sequence[Finding]:
        done = self.gap()
        reports, self._reports = self._reports, []
        flakes, self._flakes = self._flakes, None
        if flakes is not None and not self._flaky_listed:
            done = (*done, flakes)
        return (*done, *(() if self._summarised else reports))

    def _end_cause(self) -> Sequence[Finding]:
        cause, self._cause = self._cause, None
        return (cause[2],) if cause is not None and cause[2] is not None else NONE

    def _end_unresolved(self) -> Sequence[Finding]:
        unresolved, self._unresolved = self._unresolved, None
        return (unresolved,) if unresolved is not None else NONE

    def _build_tool_says(self, lineno: int, stripped: str) -> Sequence[Finding]:
        """Surefire's fork died or hung; Maven or Gradle say tests failed (weak)."""
        if "fork" in stripped:
            for phrase, category in _FORK:
                if phrase in stripped and "fork" not in self._said:
                    self._said.add("fork")
                    finding = Finding(
                        category=category, message=stripped[:300], tool="surefire", lineno=lineno
                    )
                    return (finding,)
        if "test" in stripped and any(phrase in stripped for phrase in _TESTS_FAILED):
            if "tests" in self._said:
                return NONE
            self._said.add("tests")
            message = stripped.lstrip("> ")[:300]
            finding = Finding(
                category=Category.ASSERTION, message=message, tool="jvm", lineno=lineno, weak=True
            )
            return (finding,)
        return NONE

    def _after_ender(self, lineno: int, stripped: str) -> Sequence[Finding]:
        """The lines after ``What went wrong:`` (up to ``Try:``), a Jenkins step that threw
        or the end of a pipeline: the last JVM exception named is what ended the build."""
        assert self._cause is not None
        start, read, found = self._cause
        text = stripped.lstrip("> ").strip() if stripped.startswith(">") else stripped
        if stripped.lstrip("*- ").startswith(("Try:", "BUILD FAILED", "Finished: ")):
            return self._end_cause()
        if "o space left on device" in stripped or any(m in stripped for m in _RESOLVE):
            self._cause = None  # the runner's or the resolver's finding says it better
            return self.feed(lineno, stripped) if self._unresolved is None else NONE
        exception = _EXCEPTION.match(text) if "." in text else None
        if exception and not exception["name"].endswith(_MESSENGERS):
            found = Finding(
                category=_exception_category(exception["name"]),
                message=text[:300],
                tool="jvm",
                lineno=lineno,
            )
        self._cause = (start, read + 1, found)
        if read + 1 >= _MAX_CAUSE_LINES:
            return self._end_cause()
        return NONE

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
        if self._unresolved is not None:
            if stripped.startswith(">"):
                if any(marker in stripped for marker in _NETWORK):
                    self._unresolved = replace(self._unresolved, category=Category.INFRASTRUCTURE)
                return NONE
            return (*self._end_unresolved(), *self.feed(lineno, line))
        said = self._build_tool_says(lineno, stripped)
        if said:
            return said
        if self._cause is not None:
            return self._after_ender(lineno, stripped)
        if stripped.endswith(_BUILD_ENDERS):
            self._cause = (lineno, 0, None)
            return NONE
        if stripped.startswith("Exception in thread"):
            self._cause = (lineno, 0, None)
            return self._after_ender(lineno, stripped)
        if "Flakes: " in stripped and stripped.startswith("Tests run:"):
            flakes = _FLAKES_TOTAL.match(stripped)
            if flakes and self._flakes is None:
                self._flakes = Finding(
                    category=Category.FLAKY, message=stripped, tool="surefire", lineno=lineno
                )
            return NONE
        heading = stripped.split(":", 1)[0] + ":" if ":" in stripped else ""
        if heading in _SECTIONS:
            done = self._close_entry()
            self._section = _SECTIONS[heading]
            self._flaky_listed = self._flaky_listed or heading in _FLAKES
            rest = stripped[len(heading) :].strip()
            return (*done, *self._in_section(lineno, rest)) if rest else done
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
            finding = Finding(
                category=category, message=stripped[:300], tool="maven", lineno=lineno
            )
            if network:
                return (finding,)
            self._unresolved = finding  # Gradle's cause tree may say the server did not answer
            return NONE
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
        # ``CalcTest.adds:12 message``, Surefire 2's ``adds(a.CalcTest): message``; with reruns
        # the entry is the test alone and its ``Run 1:`` line says the message.
        self._entry = (lineno, test, entry["msg"] or "")
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
