"""Job-log text: step outputs written the way the GitHub Actions runner stores a job log."""

from __future__ import annotations

import re

#: A step as a log shows it: (command, output, exit code or 0 for a step that may fail).
Step = tuple[str, str, int]

EPOCH = "2025-03-04T09:{m:02d}:{s:02d}.{f:07d}Z "
#: The ``env:`` block the runner prints under a step's ``shell:`` line after setup-python
#: (runner-only text, copied in its documented format).
STEP_ENV = (
    "env:",
    "  pythonLocation: /opt/hostedtoolcache/Python/3.11.7/x64",
    "  PKG_CONFIG_PATH: /opt/hostedtoolcache/Python/3.11.7/x64/lib/pkgconfig",
    "  Python_ROOT_DIR: /opt/hostedtoolcache/Python/3.11.7/x64",
    "  LD_LIBRARY_PATH: /opt/hostedtoolcache/Python/3.11.7/x64/lib",
)


def gha(steps: list[Step]) -> str:
    """Write step outputs the way the runner stores a job log."""
    out: list[str] = []

    def emit(text: str) -> None:
        n = len(out)
        out.append(EPOCH.format(m=n // 6000 % 60, s=n // 100 % 60, f=(n % 100) * 10000) + text)

    emit("##[group]Runner Image")
    emit("Image: ubuntu-24.04")
    emit("##[endgroup]")
    for title, text, code in steps:
        emit(f"##[group]Run {title}")
        emit(title)
        emit("shell: /usr/bin/bash -e {0}")
        emit("##[endgroup]")
        for line in text.splitlines():
            emit(line)
        if code:
            emit(f"##[error]Process completed with exit code {code}.")
            break
    emit("Post job cleanup.")
    return "\n".join(out) + "\n"


def with_env(log: str) -> str:
    """Add the runner's ``env:`` block under each step's ``shell:`` line."""
    shell = re.compile(r"^(\S+ )shell: /usr/bin/bash -e \{0\}$", re.M)
    return shell.sub(lambda m: "\n".join([m[0], *(m[1] + line for line in STEP_ENV)]), log)


def job_text(steps: list[Step], *, as_job: bool) -> str:
    """A case's log: the steps wrapped as a job log, or their plain output one after another."""
    return gha(steps) if as_job else "".join(output for _, output, _ in steps)
