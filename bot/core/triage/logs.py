"""Line normalisation for CI logs: runner timestamps, ANSI colours and ``##[group]`` markers."""

from __future__ import annotations

import re

#: Longest line a recogniser sees; the rest of a huge line (minified JSON, a base64 blob) is cut.
MAX_LINE = 4096

_TIMESTAMP = re.compile(r"\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?")
#: CSI and OSC sequences, charset designations (``ESC ( B`` from ``tput sgr0``), and 2-byte codes.
_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+][0-9A-Za-z]|[@-Z\\-_])"
)
_GROUP_MARKERS = ("##[group]", "##[endgroup]", "##[command]", "##[section]", "##[debug]")


def clean_line(text: str) -> str:
    """Return the line as the tool printed it: no timestamp, colours, marker or line ending."""
    if len(text) > MAX_LINE:
        text = text[:MAX_LINE]
    text = text.rstrip("\r\n")
    if text[:1].isdigit() or text[:1] == "\ufeff":
        match = _TIMESTAMP.match(text)
        if match:
            text = text[match.end() :]
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    if text.startswith("##[") and text.startswith(_GROUP_MARKERS):
        return ""
    return text.rstrip("\r")
