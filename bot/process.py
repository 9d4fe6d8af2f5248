"""Run a command non-interactively with a timeout, log it as JSONL, and locate our tools.

The fixer and the validation runner both execute processes through this module, so neither
imports the other."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

#: Output kept per stream in results and logs (the tail, where failures are reported).
OUTPUT_TAIL = 4000

_QUIET = {
    "CI": "true",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "PIP_NO_INPUT": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "DEBIAN_FRONTEND": "noninteractive",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "NO_COLOR": "1",
}


def quiet_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment made non-interactive (no prompts, pagers, colours or .pyc)."""
    env = {**os.environ, **_QUIET}
    env.pop("FORCE_COLOR", None)
    return {**env, **(extra or {})}


@dataclass(frozen=True, kw_only=True)
class CommandResult:
    """What one command did: exit code (None on timeout), duration and output tails."""

    name: str
    argv: tuple[str, ...]
    cwd: str
    returncode: int | None
    seconds: float
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run_command(
    name: str,
    argv: Sequence[str] | str,
    *,
    cwd: Path,
    timeout: float,
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
    tail: int | None = OUTPUT_TAIL,
) -> CommandResult:
    """Run ``argv`` (a string runs through the shell) in its own process group.

    On timeout the whole group is killed. Every run is appended to ``log`` as one JSON line
    (with output tails); the result keeps the last ``tail`` characters (None: all of it).
    """
    shell = isinstance(argv, str)
    started = time.monotonic()
    process = subprocess.Popen(
        argv, shell=shell, cwd=cwd, env=quiet_env(env), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        out, err = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        code = None
    result = CommandResult(
        name=name,
        argv=(argv,) if isinstance(argv, str) else tuple(argv),
        cwd=str(cwd),
        returncode=code,
        seconds=round(time.monotonic() - started, 3),
        stdout=_tail(out.decode("utf-8", "replace"), tail),
        stderr=_tail(err.decode("utf-8", "replace"), tail),
    )
    if log is not None:
        record = {**asdict(result), "stdout": _tail(result.stdout, OUTPUT_TAIL)}
        record["stderr"] = _tail(result.stderr, OUTPUT_TAIL)
        append_log(log, {"event": "command", **record, "timed_out": result.timed_out})
    return result


def _tail(text: str, keep: int | None) -> str:
    return text if keep is None else text[-keep:]


def append_log(log: Path, record: Mapping[str, object]) -> None:
    """Append one JSON record as a line to the execution log."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, sort_keys=True, default=str) + "\n")


@functools.cache
def ruff_binary() -> str:
    """The ruff executable shipped with the installed ``ruff`` package."""
    if os.name == "posix" and sys.prefix != sys.base_prefix:
        # In a virtual environment the finder's first place is its bin folder: look there
        # without loading sysconfig (a few milliseconds of start-up).
        found = os.path.join(os.path.normpath(sys.prefix), "bin", "ruff")
        if os.path.isfile(found):
            return found
    from ruff.__main__ import find_ruff_bin

    return str(find_ruff_bin())
