"""Measure whether a repository applies the formatter and import sorter it configures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bot.core.fixes.ruff import RepoStyle, format_args
from bot.process import ruff_binary, run_command

ADOPTION_TIMEOUT = 600.0
#: ``ruff format --check --output-format concise``: one line per file it would change.
_UNFORMATTED = re.compile(r"^(?P<path>.+?):\d+:\d+: unformatted\b", re.MULTILINE)
_FINDING = re.compile(r"^(?P<path>.+?):\d+:\d+: I001\b", re.MULTILINE)


def measure_adoption(
    root: Path, names: Sequence[str], style: RepoStyle, fixes: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """Fix id -> (files that depart from the tool, files checked), for ``formatting`` and
    ``import-sorting`` among ``fixes``; ruff only reads the files (``--check``)."""
    python = [rel for rel in names if rel.endswith((".py", ".pyi"))]
    found: dict[str, tuple[int, int]] = {}
    if not python:
        return found
    if "formatting" in fixes:
        argv = [ruff_binary(), *format_args(style), "--check", "--output-format", "concise",
                "--", *python]  # fmt: skip
        done = run_command("ruff format --check", argv, cwd=root, timeout=ADOPTION_TIMEOUT,
                           tail=None)  # fmt: skip
        departing = len({match["path"] for match in _UNFORMATTED.finditer(done.stdout)})
        found["formatting"] = (departing, len(python))
    if "import-sorting" in fixes:
        argv = [ruff_binary(), "check", "--no-cache", "--force-exclude", "--exit-zero",
                "--output-format", "concise", "--select", "I001", *style.overrides, "--",
                *python]  # fmt: skip
        done = run_command("ruff check I001", argv, cwd=root, timeout=ADOPTION_TIMEOUT, tail=None)
        departing = len({match["path"] for match in _FINDING.finditer(done.stdout)})
        found["import-sorting"] = (departing, len(python))
    return found
