"""The ``cli`` fixture: run ``autopilot`` in-process and capture its exit code and output."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.cli import main as cli_main


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


Cli = Callable[..., Outcome]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``cli("score", "--signals", "-", stdin="{}")`` → ``Outcome(code, out, err)``."""
    # Only the subcommands under test, so a sibling module's import problem fails its
    # own tests rather than these.
    monkeypatch.setattr(cli_main, "SUBCOMMANDS", ("score", "queue"))

    def run(*argv: str, stdin: str | None = None) -> Outcome:
        capsys.readouterr()
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli_main.main(list(argv))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run
