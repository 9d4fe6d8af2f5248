"""Regenerates testdata/triage: real tool output on tiny projects with injected faults.

Each case copies a small clean project into a fresh temporary directory, injects faults,
runs the real tools (pytest, ruff, mypy, black, flake8, pylint, pip, uv, unittest) with
subprocess and writes ``<case>.log`` plus ``<case>.expected.json``. The labels come from the
injected faults (the line of a marker in the faulty file), never from the triage engine.
Some cases are wrapped the way the GitHub Actions runner writes job logs (timestamps,
``##[group]`` markers, ``##[error]Process completed with exit code N.``).

Usage: .venv/bin/python scripts/make_triage_corpus.py [--out testdata/triage] [-k NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from triage_corpus_cases import CASES
from triage_corpus_project import Case, Run, Workspace

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNNER_ROOT = "/home/runner/work/calc/calc"
EPOCH = "2025-03-04T09:{m:02d}:{s:02d}.{f:07d}Z "


def _env() -> dict[str, str]:
    return {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "UV_NO_CACHE": "1",
        "UV_HTTP_RETRIES": "0",
        "UV_OFFLINE": "0",
        "MYPY_CACHE_DIR": "/dev/null",
        "RUFF_NO_CACHE": "true",
    }


def _run(ws: Workspace, run: Run) -> tuple[str, int]:
    argv = [a.replace("{ws}", str(ws.path)) for a in run.argv]
    if (BIN / argv[0]).exists():
        argv[0] = str(BIN / argv[0])
    env = _env() | run.env
    done = subprocess.run(
        argv,
        cwd=ws.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    return done.stdout, done.returncode


def _gha(steps: list[tuple[str, str, int]]) -> str:
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


def build(case: Case) -> tuple[str, list[dict[str, object]]]:
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp))
        files = dict(case.project)
        for rel, (old, new) in case.faults:
            if old not in files.get(rel, "") and old:
                raise SystemExit(f"{case.name}: {old!r} not in {rel}")
            files[rel] = files.get(rel, "").replace(old, new, 1) if old else new
        for rel, text in files.items():
            target = ws.path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        ws.files = files
        if case.setup is not None:
            case.setup(ws.path)
        steps = []
        for run in case.runs:
            output, code = _run(ws, run)
            title = " ".join(run.argv).replace("{ws}", str(ws.path))
            steps.append((title, output + run.suffix, code if run.gate else 0))
            if code and case.gha and run.gate:
                break
        labels = [label(ws) for label in case.labels]
        if case.gha:
            text = _gha(steps).replace(str(ws.path), RUNNER_ROOT)
        else:
            text = "".join(output for _, output, _ in steps)
    return text, labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "testdata" / "triage")
    parser.add_argument("-k", dest="only", help="only cases whose name contains this")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if args.only and args.only not in case.name:
            continue
        text, labels = build(case)
        (args.out / f"{case.name}.log").write_text(text)
        expected = {"description": case.description, "failures": labels}
        (args.out / f"{case.name}.expected.json").write_text(json.dumps(expected, indent=2) + "\n")
        print(f"{case.name}: {len(labels)} labelled failure(s), {len(text)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
