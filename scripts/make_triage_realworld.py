"""Regenerates testdata/triage/realworld: real tools on real PyPI projects with injected faults.

Each case unpacks the sdist of a real project (pinned in ``triage_corpus_realworld``), puts it
where CI would have it (the runner's ``/home/runner/work/<name>/<name>``, a temporary
directory, or another absolute path), makes a throwaway virtualenv with uv (the project's
test tools, pinned), injects faults into the project's real code and runs the real tools:
pytest in several configurations, unittest, tox, nox, ruff, flake8, pylint, mypy, black,
pip and uv. Labels come from the injected faults, never from the triage engine.

Usage: .venv/bin/python scripts/make_triage_realworld.py [--out DIR] [--cache DIR] [-k NAME]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from make_triage_corpus import _env, _gha
from triage_corpus_project import Run, Workspace
from triage_corpus_realworld import PROJECTS, TEST_TOOLS, Project, RealCase
from triage_corpus_realworld_checks import CHECK_CASES
from triage_corpus_realworld_tests import TEST_CASES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CASES: list[RealCase] = [*TEST_CASES, *CHECK_CASES]
#: Where each placement puts the checkout; ``{name}`` is the project's short name.
PLACES = {
    "runner": "/home/runner/work/{name}/{name}",
    "srv": "/srv/ci-builds/{name}-main",
}


class Tree(Workspace):
    """A checkout of a real project: files are read from disk when a label asks for them."""

    def line_of(self, rel: str, marker: str) -> int:
        if rel not in self.files:
            self.files[rel] = (self.path / rel).read_text()
        return super().line_of(rel, marker)


def sdists(cache: Path, projects: dict[str, Project] = PROJECTS) -> dict[str, Path]:
    """Download each pinned sdist once (PyPI through pip) and return the archives."""
    cache.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for key, project in projects.items():
        archive = cache / project.archive
        if not archive.exists():
            pin = f"{project.dist}=={project.version}"
            argv = [str(BIN / "pip"), "download", "-q", "--no-deps", "--no-binary", ":all:"]
            subprocess.run([*argv, "-d", str(cache), pin], check=True)
        found[key] = archive
    return found


def _venv(where: Path, extra: tuple[str, ...] = ()) -> Path:
    """A fresh virtualenv with the pinned test tools, made by uv (from its cache when warm)."""
    uv = str(BIN / "uv")
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(where)], check=True)
    python = where / "bin" / "python"
    install = [uv, "pip", "install", "-q", "--python", str(python)]
    subprocess.run([*install, *TEST_TOOLS, *extra], check=True)
    return where


def _checkout(case: RealCase, project: Project, archive: Path, base: Path) -> Path:
    place = PLACES.get(case.place, str(base / "{name}")).format(name=project.short)
    target = Path(place)
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(base / "unpack", filter="data")
    shutil.move(base / "unpack" / project.archive.removesuffix(".tar.gz"), target)
    return target


def _inject(tree: Tree, case: RealCase) -> None:
    for rel, old, new in case.faults:
        path = tree.path / rel
        text = path.read_text() if path.exists() else ""
        if old and old not in text:
            raise SystemExit(f"{case.name}: {old!r} not in {rel}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace(old, new, 1) if old else new)
        tree.files[rel] = path.read_text()


def _run(tree: Tree, venv: Path, run: Run, pythonpath: str, sdists: Path) -> tuple[str, int]:
    argv = [a.replace("{ws}", str(tree.path)).replace("{sdists}", str(sdists)) for a in run.argv]
    for where in (venv / "bin", BIN):
        if (where / argv[0]).exists():
            argv[0] = str(where / argv[0])
            break
    env = _env() | {"PATH": f"{venv}/bin:{BIN}:/usr/bin:/bin", "VIRTUAL_ENV": str(venv)}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD")  # the project's venv has exactly its plugins
    env["PYTHONPATH"] = str(tree.path / pythonpath)
    done = subprocess.run(
        argv,
        cwd=tree.path,
        env=env | run.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    return done.stdout, done.returncode


Step = tuple[str, str, int]


def run_steps(case: RealCase, execute: Callable[[Run], tuple[str, int]]) -> list[Step]:
    """Run a case's commands in order, as a job does: a job log stops at the first failing
    gate. Each step is (command, output with any runner-only suffix, exit code or 0)."""
    steps: list[Step] = []
    for run in case.runs:
        output, code = execute(run)
        steps.append((" ".join(run.argv), output + run.suffix, code if run.gate else 0))
        if code and run.gate and case.gha:
            break
    return steps


def job_text(case: RealCase, steps: list[Step]) -> str:
    """The case's log: the steps wrapped as a GitHub Actions job log, or their plain output."""
    return _gha(steps) if case.gha else "".join(output for _, output, _ in steps)


def build(
    case: RealCase, archive: Path, projects: dict[str, Project] = PROJECTS
) -> tuple[str, list[dict[str, object]]]:
    """Run one case in a fresh checkout; return its log and its labels."""
    project = projects[case.project]
    with tempfile.TemporaryDirectory(prefix="ci-") as tmp:
        base = Path(tmp)
        tree = Tree(_checkout(case, project, archive, base))
        try:
            venv = _venv(tree.path / ".venv" if case.venv_inside else base / "venv", case.extra)
            _inject(tree, case)
            steps = run_steps(
                case, lambda run: _run(tree, venv, run, project.pythonpath, archive.parent)
            )
            labels = [label(tree) for label in case.labels]
        finally:
            if case.place in PLACES:
                shutil.rmtree(tree.path, ignore_errors=True)
    return job_text(case, steps), labels


def write_case(out: Path, case: RealCase, text: str, labels: list[dict[str, object]]) -> None:
    """Store one case as ``<name>.log`` and ``<name>.expected.json``."""
    (out / f"{case.name}.log").write_text(text)
    expected = {"description": case.description, "failures": labels}
    (out / f"{case.name}.expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(f"{case.name}: {len(labels)} labelled failure(s), {len(text)} bytes")


def arguments(out: Path, doc: str) -> argparse.Namespace:
    """The corpus scripts' shared options: ``--out``, ``--cache`` and ``-k``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "sdists")
    parser.add_argument("-k", dest="only", help="only cases whose name contains this")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def main() -> int:
    args = arguments(ROOT / "testdata" / "triage" / "realworld", __doc__)
    archives = sdists(args.cache)
    for case in CASES:
        if not args.only or args.only in case.name:
            write_case(args.out, case, *build(case, archives[case.project]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
