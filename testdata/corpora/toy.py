"""The toy corpus: real tool output on a tiny project with injected faults.

Each case copies a small clean project into a fresh temporary directory, injects faults,
runs the real tools (pytest, ruff, mypy, black, flake8, pylint, pip, uv, unittest) and
writes ``<case>.log`` plus ``<case>.expected.json``. The labels come from the injected faults
(the line of a marker in the faulty file), never from the triage engine. Some cases are
wrapped the way the GitHub Actions runner writes job logs (timestamps, ``##[group]`` markers,
``##[error]Process completed with exit code N.``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.joblog import gha
from testdata.corpora.project import Case, Run, Workspace
from testdata.corpora.runner import BIN, Built, base_env, execute, run_steps
from testdata.corpora.toy_cases import TEST_CASES
from testdata.corpora.toy_checks import CHECK_CASES

RUNNER_ROOT = "/home/runner/work/calc/calc"


def _run(ws: Workspace, run: Run) -> tuple[str, int]:
    argv = [a.replace("{ws}", str(ws.path)) for a in run.argv]
    if (BIN / argv[0]).exists():
        argv[0] = str(BIN / argv[0])
    return execute(argv, cwd=ws.path, env=base_env() | run.env, timeout=120)


def build(case: Case, _: Archives) -> Built:
    """Run one case in a fresh copy of the project; return its log and its labels."""
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
        steps = run_steps(case.runs, lambda run: _run(ws, run), as_job=case.gha)
        labels = [label(ws) for label in case.labels]
        if case.gha:
            # The job log shows the checkout where the runner has it, commands included.
            text = gha(steps).replace(str(ws.path), RUNNER_ROOT).replace("{ws}", RUNNER_ROOT)
        else:
            text = "".join(output for _, output, _ in steps)
    return text, labels


CORPUS = Corpus("toy", __doc__, "", [*TEST_CASES, *CHECK_CASES], build)
