"""Fixtures for the fixer tests: a generated project and the ``autopilot fix`` command."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.cli import fix
from tests.fix.project import make_project


def run_fix(*argv: str) -> tuple[int, str]:
    """Run ``autopilot fix ARGV`` in process: (exit code, stdout)."""
    parser = argparse.ArgumentParser(prog="autopilot")
    fix.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["fix", *argv])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = args.func(args)
    return code, out.getvalue()


def run_fix_json(*argv: str) -> dict[str, Any]:
    code, out = run_fix(*argv, "--json")
    assert code in (0, 1), out
    payload: dict[str, Any] = json.loads(out)
    return payload


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@pytest.fixture
def fix_cli() -> Callable[..., tuple[int, str]]:
    return run_fix
