"""The one line normaliser: CI systems' prefixes, colours, markers and a paste's indentation.

Every recogniser reads lines as the tool printed them. What CI systems and pastes add is
taken off here, once, before any recogniser sees the line: GitHub's and Azure's timestamps,
``##[group]`` markers, ANSI colours and carriage-return overwrites, Jenkins' timestamper and
``[Pipeline]``, clock times, BuildKit's ``#12 3.45``, Bamboo's ``16-Oct-2018 22:00:37``,
OBS's ``[  7s]``, ctest's ``10:``, tox's ``py311:``, concurrently's ``[0]``, docker compose's
``web-1  |``, syslog's ``prog[42]:``, GitLab's section markers, the line links of a log copied
from GitHub's web page, the ``>`` of a Markdown blockquote, and the indentation of a log pasted
into a Markdown list or code block.
"""

from __future__ import annotations

import re

#: Longest line a recogniser sees; the rest of a huge line (minified JSON, a base64 blob) is cut.
MAX_LINE = 4096

#: GitHub's and Azure's ``2024-01-02T03:04:05.1234567Z `` (Cloudflare Pages: a tab after it).
_TIMESTAMP = re.compile(r"\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z[ \t]?")
#: CSI, OSC and APC sequences (Buildkite's ``ESC _bk;t=...``), charset designations
#: (``ESC ( B`` from ``tput sgr0``), and 2-byte codes.
_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|_[^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|[()*+][0-9A-Za-z]|[@-Z\\-_])"
)
_GROUP_MARKERS = ("##[group]", "##[endgroup]", "##[command]", "##[section]", "##[debug]")
#: Prefixes other CI systems and wrappers put before each line of a tool's output.
_PREFIX = re.compile(
    r"(?:"
    r"\[\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\] ?"  # Jenkins
    r"|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? "  # ISO time
    r"|\d{1,2}:\d\d:\d\d(?:[.,]\d+)?(?: ?[AP]M)?:? +"  # a clock: ``17:24:26  ``, ``7:51 PM: ``
    r"|#\d+ \d+\.\d+(?: |$)"  # BuildKit: ``#12 3.45 ``
    # Bamboo: ``build\t16-Oct-2018 22:00:37\t``, or `` | `` once pasted as a Markdown table.
    r"|(?:(?:build|simple|error|command)\t)?\d\d?-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d(?:\t| \| ?)"
    r"|\[ *\d+(?:\.\d+)?s?\](?: |$)"  # OBS ``[  7s] ``, a kernel's ``[  159.12] ``
    r"|\d{1,4}: "  # ctest -V: ``10: ``
    r"|(?:py|pypy)\d[\w.-]*(?: [a-z][\w-]*)?: "  # tox: ``py311: ``, ``py311 run-test: ``
    r"|\[\d{1,3}\] "  # concurrently: ``[0] ``
    r"|\[Pipeline\] "  # Jenkins pipeline steps
    r"|\[(?:[\w.-]+/)?std(?:out|err)\] "  # a wrapper's stream tag: ``[conda/stderr] ``
    r"|[A-Za-z][\w.-]*\[\d+\]: "  # syslog: ``cloud-init[805]: ``
    r"|[A-Za-z][\w.-]* +\| "  # docker compose: ``web-1  | ``
    r"|> > "  # a nested Markdown quote (grunt's ``>>`` pasted in one): ``> > ``
    # A Markdown blockquote of indented output (mocha's, jest's): ``>   1 failing``, or an
    # empty ``>``; one space after it is npm's ``> pkg@1.0.0 test`` or Gradle's ``> Task``,
    # and ``>  9 |`` is a code frame's pointer, so those stay.
    r"|>(?=$| {2,}(?! *\d+ \|)) ?"
    r")"
)
#: A log copied from GitHub's web page: ``[35](https://github.com/.../runs/1#step:6:36)``.
_LINE_LINK = re.compile(r"\[(\d+)\]\(https?://[^)\s]*\)")
#: A log pasted into an HTML comment or a bot's report: ``<h5>  ● test``, ``</pre>``.
_HTML_TAGS = re.compile(
    r"^(?:</?(?:h\d|p|pre|code|div|span|details|summary|br|b|strong|em|li|ul|ol|td|tr|tt|blockquote)"
    r"(?: [^>]*)?/?>)+"
)
_GITLAB_SECTION = re.compile(r"^section_(?:start|end):\d+:[\w.-]+(?:\[[^\]]*\])?")
#: Lines that start at the left margin in a tool's own output: when one comes indented, the
#: whole paste is (a Markdown list, a code block indented by four spaces).
_ANCHORS = (
    "Traceback (most recent call last)",
    "===",
    "___",
    "E   ",
    "ImportError while importing test module",
    "FAILED ",
    "panic: ",
    "--- FAIL: ",
    "npm ERR! ",
    "npm error ",
)
#: A compiler's or linter's diagnostic, which also starts at the margin: ``pkg/a.py:3:1: F401``.
_DIAGNOSTIC = re.compile(r"^[\w./\\-]+\.\w+:\d+:\d+: ")
_MAX_INDENT = 4


def strip_prefixes(text: str) -> str:
    """The line without the prefixes CI systems add (several may be stacked)."""
    for _ in range(4):
        match = _PREFIX.match(text)
        if match is None or not match.end():
            break
        text = text[match.end() :]
    return text


def _untimed(text: str) -> str:
    """The line cut to ``MAX_LINE``, without its line ending and the runner's timestamp."""
    # The timestamp (a few dozen characters, never blank at its end) is found on the line
    # as it came: one slice then cuts both it and what is past ``MAX_LINE``.
    match = _TIMESTAMP.match(text)
    start = match.end() if match else 0
    if start or len(text) > MAX_LINE:
        text = text[start:MAX_LINE]
    return text.rstrip()


def _undecorated(text: str) -> str:
    """An untimed line without colours, markers and CI prefixes."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if "\r" in text:
        text = text.rsplit("\r", 1)[-1]  # what a terminal shows after the overwrites
    if text.startswith("##[") and text.startswith(_GROUP_MARKERS):
        return ""
    if "](http" in text:
        if text.startswith("[") and _LINE_LINK.fullmatch(text):
            return ""
        text = _LINE_LINK.sub(r"\1", text)
    if text[:1] == "<":
        text = _HTML_TAGS.sub("", text)
    if text.startswith("section_"):
        text = _GITLAB_SECTION.sub("", text)
    return strip_prefixes(text).rstrip()


def clean_line(text: str) -> str:
    """Return the line as the tool printed it: no timestamp, colours, marker, CI prefix or
    line ending."""
    return _undecorated(_untimed(text))


#: Lines remembered by ``LineNormaliser`` (each at most ``_MEMO_LINE`` characters): a log
#: repeats its lines under fresh timestamps, and the memory stays a few megabytes.
_MEMO_LINES = 1 << 15
_MEMO_LINE = 256
#: How an undecorated line meets the paste's indentation (else the width of an indented
#: anchor line, which sets the indentation).
_EMPTY, _FLAT, _INDENTED = -3, -2, -1
_GROUP_RUN = "##[group]Run "


def _shaped(text: str) -> tuple[str, int]:
    """The undecorated line and its shape: empty, flat, indented, or an indented anchor."""
    if not text:
        return text, _EMPTY
    if text[:1] not in " \t":
        return text, _FLAT
    stripped = text.lstrip()
    width = len(text) - len(stripped)
    if width <= _MAX_INDENT and (stripped.startswith(_ANCHORS) or _DIAGNOSTIC.match(stripped)):
        return text, width
    return text, _INDENTED


class LineNormaliser:
    """``clean_line`` plus what needs the lines before: the indentation of a pasted log, and
    the command a GitHub Actions step ran (``##[group]Run pytest``)."""

    def __init__(self, memo: dict[str, tuple[str, int]] | None = None) -> None:
        self._indent = ""
        #: Untimed line -> its undecorated form and shape; may be shared by the normalisers
        #: of many logs.
        self._memo: dict[str, tuple[str, int]] = {} if memo is None else memo
        #: The command of the step whose output is being read, when the log says it.
        self.command: str | None = None
        #: Steps started so far (each ``##[group]Run`` line starts one).
        self.steps = 0

    def clean(self, raw: str) -> str:
        """The cleaned line, with the paste's indentation taken off."""
        # ``find`` with bounds: no slice of the line is made for the common case.
        if raw.find(_GROUP_RUN, 0, 64) >= 0 and (
            raw.startswith(_GROUP_RUN) or raw.find("Z " + _GROUP_RUN, 0, 64) >= 0
        ):
            self.command = raw.split(_GROUP_RUN, 1)[1].strip()[:200] or None
            self.steps += 1
            self._indent = ""
            return ""
        untimed = _untimed(raw)
        memo = self._memo
        known = memo.get(untimed)
        if known is None:
            known = _shaped(_undecorated(untimed))
            if len(untimed) <= _MEMO_LINE:
                if len(memo) >= _MEMO_LINES:
                    memo.clear()
                memo[untimed] = known
        text, shape = known
        if shape == _FLAT:
            self._indent = ""
            return text
        if shape == _EMPTY:
            return text
        indent = self._indent
        if indent and text.startswith(indent):
            return text[len(indent) :]
        if shape >= 0:
            self._indent = text[:shape]
            return text[shape:]
        self._indent = ""
        return text
