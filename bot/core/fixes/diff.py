"""Unified diffs of fixed files, rendered with difflib."""

from __future__ import annotations

import difflib
from collections.abc import Mapping


def unified_diff(path: str, before: str, after: str) -> str:
    """A ``git apply``-compatible unified diff of one file (empty when nothing changed)."""
    if before == after:
        return ""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def render_patch(before: Mapping[str, str], after: Mapping[str, str]) -> str:
    """One patch for every file whose text differs, in path order."""
    return "".join(
        unified_diff(path, before[path], after[path]) for path in sorted(after) if path in before
    )
