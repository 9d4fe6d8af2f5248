"""The step runner every corpus shares: checkouts, fault injection, running tools, writing cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from testdata.corpora.joblog import Step, job_text
from testdata.corpora.project import Project, RealCase, Run, Workspace

ROOT = Path(__file__).resolve().parents[2]
#: The interpreter's folder: the project's pinned tools (pytest, ruff, mypy, uv, ...).
BIN = Path(sys.executable).parent
#: A case's log and its labels.
Built = tuple[str, list[dict[str, object]]]
#: Where each placement puts the checkout; ``{name}`` is the project's short name.
PLACES = {
    "runner": "/home/runner/work/{name}/{name}",
    "srv": "/srv/ci-builds/{name}-main",
}


def base_env() -> dict[str, str]:
    """A small, fixed environment, so a log does not depend on the machine that made it."""
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


def execute(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: int) -> tuple[str, int]:
    """Run one command; its stdout and stderr interleaved as a terminal shows them."""
    done = subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.stdout, done.returncode


def run_steps(
    runs: list[Run], execute: Callable[[Run], tuple[str, int]], *, as_job: bool
) -> list[Step]:
    """Run a case's commands in order, as a job does: a job log stops at the first failing
    gate. Each step is (command, output with any runner-only suffix, exit code or 0)."""
    steps: list[Step] = []
    for run in runs:
        output, code = execute(run)
        steps.append((" ".join(run.argv), output + run.suffix, code if run.gate else 0))
        if code and run.gate and as_job:
            break
    return steps


class Tree(Workspace):
    """A checkout of a project: files are read from disk when a label asks for them."""

    def line_of(self, rel: str, marker: str) -> int:
        if rel not in self.files:
            self.files[rel] = (self.path / rel).read_text()
        return super().line_of(rel, marker)


def place(case: RealCase, base: Path, name: str) -> Path:
    """An empty folder where the case's placement puts the checkout (``base`` for ``tmp``)."""
    target = Path(PLACES.get(case.place, str(base / "{name}")).format(name=name))
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def unpack(case: RealCase, project: Project, archive: Path, base: Path) -> Path:
    """The project's sdist unpacked where the case's placement puts it."""
    target = place(case, base, project.short)
    with tarfile.open(archive) as tar:
        tar.extractall(base / "unpack", filter="data")
    shutil.move(base / "unpack" / project.archive.removesuffix(".tar.gz"), target)
    return target


def empty(case: RealCase, base: Path) -> Path:
    """An empty checkout named after the case's project."""
    target = place(case, base, case.project)
    target.mkdir()
    return target


def write_files(tree: Tree, files: Mapping[str, str]) -> None:
    """Lay files out in the checkout."""
    for rel, text in files.items():
        (tree.path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree.path / rel).write_text(text)


def inject(tree: Tree, case: RealCase) -> None:
    """Apply the case's faults; a fault whose old text is missing stops the run."""
    for rel, old, new in case.faults:
        path = tree.path / rel
        text = path.read_text() if path.exists() else ""
        if old and old not in text:
            raise SystemExit(f"{case.name}: {old!r} not in {rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(old, new, 1) if old else new)
        tree.files[rel] = path.read_text()


def run_tool(tree: Tree, venv: Path, run: Run, pythonpath: str, sdists: Path) -> tuple[str, int]:
    """One command in the checkout with the venv's tools first on ``PATH``."""
    argv = [a.replace("{ws}", str(tree.path)).replace("{sdists}", str(sdists)) for a in run.argv]
    for where in (venv / "bin", BIN):
        if (where / argv[0]).exists():
            argv[0] = str(where / argv[0])
            break
    env = base_env() | {"PATH": f"{venv}/bin:{BIN}:/usr/bin:/bin", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD")  # the project's venv has exactly its plugins
    env["PYTHONPATH"] = str(tree.path / pythonpath)
    return execute(argv, cwd=tree.path, env=env | run.env, timeout=300)


def in_checkout(
    case: RealCase,
    checkout: Callable[[Path], Path],
    prepare: Callable[[Tree, Path], Path],
    *,
    pythonpath: str = ".",
    sdists: Path | None = None,
) -> Built:
    """Run one case in a fresh checkout and return its log and its labels.

    ``checkout(base)`` makes the checkout (``base`` is a temporary folder), ``prepare(tree,
    base)`` lays it out, injects the faults and returns the virtualenv the tools run from."""
    with tempfile.TemporaryDirectory(prefix="ci-") as tmp:
        base = Path(tmp)
        tree = Tree(checkout(base))
        try:
            venv = prepare(tree, base)
            steps = run_steps(
                case.runs,
                lambda run: run_tool(tree, venv, run, pythonpath, sdists or base),
                as_job=case.gha,
            )
            labels = [label(tree) for label in case.labels]
        finally:
            if case.place in PLACES:
                shutil.rmtree(tree.path, ignore_errors=True)
    return job_text(steps, as_job=case.gha), labels


def write_case(out: Path, name: str, description: str, built: Built) -> None:
    """Store one case as ``<name>.log`` and ``<name>.expected.json``."""
    text, labels = built
    (out / f"{name}.log").write_text(text)
    expected = {"description": description, "failures": labels}
    (out / f"{name}.expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(f"{name}: {len(labels)} labelled failure(s), {len(text)} bytes")
