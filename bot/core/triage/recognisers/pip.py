"""pip and uv: resolution and install errors, and an unreachable package index."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from bot.core.triage.model import Category, Finding
from bot.core.triage.recognisers.base import NONE, LogState, Recogniser

#: What pip and uv say when the index did not answer (the legacy reader shares it).
NETWORK = (
    "NewConnectionError",
    "ConnectTimeoutError",
    "ReadTimeoutError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Connection refused",
    "Connection reset",
    "Network is unreachable",
    "tcp connect error",
    "dns error",
    "error sending request",
    "operation timed out",
    "SSLError",
    "ProxyError",
)
_NO_VERSION = re.compile(
    r"^ERROR: (?:Could not find a version that satisfies the requirement|"
    r"No matching distribution found for) (?P<req>\S+)(?: \(from (?P<src>.*)\))?"
)
#: ``pip check``: ``pkg 1.0 has requirement x>=2, but you have x 1.0.`` and a missing one.
_BROKEN = re.compile(
    r"^(?P<dist>\S+ \S+) (?:has requirement (?P<req>.+), but you have (?P<have>.+?)"
    r"|requires (?P<missing>\S+), which is not installed)\.$"
)
REQ_FILE = re.compile(r"-r (?P<file>\S+) \(line (?P<line>\d+)\)")
#: pip's error codes for a package whose build step failed (one finding, whichever comes first).
_BUILD_FAILED = (
    "error: subprocess-exited-with-error",
    "error: metadata-generation-failed",
    "error: failed-wheel-build-for-install",
)
#: A compiler's error inside a failed build's output: ``calc/_speed.c:7:1: error: ...``.
_COMPILER = re.compile(
    r"^(?P<path>[\w./-]+\.(?:c|cc|cpp|cxx|h|hpp|pyx)):(?P<line>\d+):\d+: error: "
)
#: A full disk: the runner's recogniser reports it (``infrastructure``), once for the job.
_DISK_FULL = ("No space left on device", "Disk quota exceeded")
#: pip's note after a successful install: the conflicts listed below it did not fail it.
_RESOLVER_NOTE = "ERROR: pip's dependency resolver does not currently take into account"
#: Lines after that note still taken for its list.
_NOTE_LINES = 100
#: pip's own words for a build that failed (reported once with the ``Command errored out``).
_BUILD_ERRORS = ("ERROR: Failed building wheel", "ERROR: Failed to build", "ERROR: Could not build")
#: Errors whose next line names the requirement (``name from URL (from -r file (line N))``).
_REQUIREMENT_NEXT = ("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES",)
_PIP_ERRORS = (
    "ERROR: Cannot install",
    "ERROR: ResolutionImpossible",
    "ERROR: Failed building wheel for",
    "ERROR: Failed to build",
    "ERROR: Could not build wheels for",
    "ERROR: Could not install packages due to",
    "ERROR: Invalid requirement",
    "ERROR: Could not open requirements file",
    "ERROR: Package '",
    "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES",
    "ERROR: Could not find a version",
    "ERROR: No matching distribution",
)
_UV_ERRORS = (
    "No solution found when resolving",
    "Failed to fetch",
    "Request failed after",
    "Failed to download",
    "Failed to build",
    "Failed to prepare distributions",
    "Failed to resolve dependencies",
    "Distribution not found",
)
#: poetry's (cleo's) title line of an exception it explains below it, in brackets before 1.2.
_POETRY_ERRORS = frozenset(
    {"SolverProblemError", "[SolverProblemError]", "PackageNotFound", "[PackageNotFound]"}
)
#: uv prints ``error:`` without a terminal and a multiplication sign (U+00D7) with one.
_CROSS = "\u00d7 "
_UV_LEAD = ("error: ", _CROSS, "  " + _CROSS)
_UV_CAUSE = ("  cause: ", "Caused by: ", "╰─▶ ", "├─▶ ", "  ╰─▶", "  ├─▶", "      ")


class InstallRecogniser(Recogniser):
    """One finding per failed requirement; network trouble turns it into infrastructure."""

    name: ClassVar[str] = "pip"
    reads_before: ClassVar[bool] = True
    triggers: ClassVar[tuple[bytes, ...]] = (
        b"error",
        b"no solution found",
        b" has requirement ",
        b", which is not installed.",
        b"version solving failed",
        b"packagenotfound",
    )

    def __init__(self, state: LogState) -> None:
        super().__init__(state)
        self._reported: set[str] = set()
        self._uv: tuple[int, str, list[str]] | None = None
        self._held: Finding | None = None
        self._build: Finding | None = None
        #: Where pip's resolver note was printed (its list of conflicts follows).
        self._note = -_NOTE_LINES

    def _category(self, text: str) -> Category:
        if self.state.index_unreachable or any(marker in text for marker in NETWORK):
            return Category.INFRASTRUCTURE
        return Category.DEPENDENCY

    @property
    def wants_more(self) -> bool:
        return self._uv is not None or self._held is not None or self._build is not None

    def gap(self) -> Sequence[Finding]:
        build, self._build = self._build, None
        if build is not None:
            return (build, *self.gap())
        held, self._held = self._held, None
        if held is not None:
            return (held, *self.gap())
        pending, self._uv = self._uv, None
        if pending is None:
            return NONE
        lineno, message, causes = pending
        category = self._category(" ".join([message, *causes]))
        detail = next((c for c in reversed(causes) if c), "")
        text = f"{message}: {detail}" if detail and detail not in message else message
        return (Finding(category=category, message=text, tool="uv", lineno=lineno),)

    def feed(self, lineno: int, line: str) -> Sequence[Finding]:
        if self._build is not None:
            return self._build_output(line.strip())
        if self._held is not None and self._held.tool == "poetry":
            if not line.strip():
                return NONE
            held, self._held = self._held, None
            return (replace(held, message=f"{held.message}: {line.strip()}"),)
        if self._held is not None:
            source = REQ_FILE.search(line)
            held, self._held = self._held, None
            if source:
                return (replace(held, path=source["file"], line=int(source["line"])),)
            return (held, *self.feed(lineno, line))
        if self._uv is not None:
            if line.startswith(_UV_CAUSE) and len(self._uv[2]) < 16:
                self._uv[2].append(line.strip(" │╰├─▶").removeprefix("cause: ").strip())
                return NONE
            if not line.strip() and not self._uv[2]:
                return NONE
            return self.gap()
        if line.startswith("WARNING: Retrying (") and (
            # urllib3 names why the connection broke: an aborted one is the network's fault too
            " after connection broken by " in line or any(m in line for m in NETWORK)
        ):
            self.state.index_unreachable = True
            return NONE
        if "Command errored out with exit status" in line[:48]:
            return self._errored_out(lineno, line.strip())
        if line.startswith(_RESOLVER_NOTE):
            self._note = lineno
            return NONE
        if line.startswith("ERROR: ") and line.startswith(_PIP_ERRORS):
            found = self._pip(lineno, line)
            if found and line.startswith(_REQUIREMENT_NEXT):
                self._held = found[0]
                return NONE
            return found
        if line.lstrip().startswith(_BUILD_FAILED) and "build" not in self._reported:
            self._reported.add("build")
            message = f"a package failed to build ({line.strip().removeprefix('error: ')})"
            self._build = Finding(
                category=self._category(line), message=message, tool="pip", lineno=lineno
            )
            return NONE
        if line.endswith("version solving failed.") and "poetry" not in self._reported:
            return (
                Finding(
                    category=Category.DEPENDENCY, message=line.strip(), tool="poetry", lineno=lineno
                ),
            )
        if line.strip() in _POETRY_ERRORS and "poetry" not in self._reported:
            self._reported.add("poetry")
            name = line.strip().strip("[]")
            self._held = Finding(
                category=Category.DEPENDENCY, message=name, tool="poetry", lineno=lineno
            )
            return NONE
        if line.startswith(_UV_LEAD) and any(marker in line for marker in _UV_ERRORS):
            message = line.strip().removeprefix(_CROSS).removeprefix("error: ").rstrip(":")
            self._uv = (lineno, message, [])
        listed = lineno - self._note <= _NOTE_LINES
        wanted = not listed and ("install" in line or "requirement" in line)
        broken = _BROKEN.match(line.strip()) if wanted else None
        if broken:
            return (
                Finding(
                    category=Category.DEPENDENCY,
                    message=broken[0].rstrip("."),
                    tool="pip",
                    lineno=lineno,
                ),
            )
        return NONE

    def _errored_out(self, lineno: int, text: str) -> Sequence[Finding]:
        """pip 20 and 21 around a failed ``setup.py``: ``ERROR: Command errored out with exit
        status 1:``, its captured output, then the same words with the command. One failure;
        the tracebacks inside are its output."""
        if not text.startswith("ERROR: "):
            return NONE
        if text.endswith(":"):
            self.state.captured.append([lineno, 0])
            return NONE
        for span in self.state.captured:
            if not span[1]:
                span[1] = lineno
        built = any(key.startswith(_BUILD_ERRORS) for key in self._reported)
        if built or "build" in self._reported:
            return NONE
        self._reported.add("build")
        detail = text.removeprefix("ERROR: ").split(" Check the logs", 1)[0]
        message = f"a package failed to build ({detail})"
        return (Finding(category=self._category(text), message=message, tool="pip", lineno=lineno),)

    def _build_output(self, line: str) -> Sequence[Finding]:
        """The build's captured output, up to pip's ``[end of output]``: a compiler error in the
        project's own extension places the failure there (it is still ``dependency``)."""
        assert self._build is not None
        found = _COMPILER.match(line) if ": error: " in line else None
        if found is None and line != "[end of output]":
            return NONE
        build, self._build = self._build, None
        if found:
            message = f"{build.message}: {line[found.end() :]}"
            build = replace(build, message=message, path=found["path"], line=int(found["line"]))
        return (build,)

    def _pip(self, lineno: int, line: str) -> Sequence[Finding]:
        if any(marker in line for marker in _DISK_FULL):
            return NONE
        match = _NO_VERSION.match(line)
        key = match["req"] if match else line
        if key in self._reported or (
            line.startswith("ERROR: ResolutionImpossible") and "conflict" in self._reported
        ):
            return NONE
        self._reported.add(key)
        if line.startswith("ERROR: Cannot install"):
            self._reported.add("conflict")
        path = number = None
        source = REQ_FILE.search(match["src"] or "") if match else None
        if source:
            path, number = source["file"], int(source["line"])
        message = line.removeprefix("ERROR: ")
        return (
            Finding(
                category=self._category(line),
                message=message,
                tool="pip",
                lineno=lineno,
                path=path,
                line=number,
            ),
        )
