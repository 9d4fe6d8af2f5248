"""Regenerates testdata/triage/versions: a fourth corpus that varies tool and Python versions.

The other corpora ran one release of each tool (pytest 9, mypy 2, current ruff, flake8, black,
pip) on Python 3.11. Here every case runs in a throwaway virtualenv of one pinned tool set
(``triage_corpus_versions.TOOLSETS``: pytest 7.4.4 and 8.0.2, pytest-timeout 2.2.0/2.3.1,
pytest-rerunfailures 12.0/14.0, flaky 3.8.1, mypy 1.5.1/1.10.1, ruff 0.1.15/0.4.10, flake8
5.0.4/6.1.0, pylint 2.17.7/3.0.4, black 23.12.1/24.4.2, pip 23.1.2/23.3.2/24.0) on Python
3.12, 3.13 or 3.11 (from ``~/.pyenv/versions`` or ``/usr/bin``), made with uv under
``--tools`` (default ``$TMPDIR/triage-versions``). It adds timeouts, flaky tests, runner
failures and bare exit codes, and other languages: jest 29.7.0 and typescript 5.4.5 (npm,
pinned, installed once into the tool cache) and the system's cargo. Cases reuse the
real-world machinery (pinned sdists, checkout places, fault injection, job-log wrapping).
Labels come from the injected faults, never from the triage engine.

Usage: .venv/bin/python scripts/make_triage_versions.py [--out DIR] [--cache DIR] [-k NAME]
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from make_triage_realworld import (
    BIN,
    PLACES,
    ROOT,
    Tree,
    _checkout,
    _inject,
    _run,
    arguments,
    job_text,
    run_steps,
    sdists,
    write_case,
)
from triage_corpus_project import local_wheels
from triage_corpus_realworld import PROJECTS
from triage_corpus_versions import TEST_CASES, TOOLSETS, VersionCase
from triage_corpus_versions_checks import CHECK_CASES
from triage_corpus_versions_other import NPM_PINS, OTHER_CASES

CASES: list[VersionCase] = [*TEST_CASES, *CHECK_CASES, *OTHER_CASES]
TOOLS = Path(tempfile.gettempdir()) / "triage-versions"


def _interpreter(version: str) -> str:
    pyenv = sorted(glob.glob(f"{Path.home()}/.pyenv/versions/{version}.*/bin/python{version}"))
    found = [*pyenv, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for path in found:
        if Path(path).exists():
            return path
    raise SystemExit(f"no Python {version} under ~/.pyenv/versions or /usr/bin")


def _toolset(name: str) -> Path:
    """The venv of one pinned tool set, made once with uv."""
    where = TOOLS / f"venv-{name}"
    if not (where / ".complete").exists():
        uv, toolset = str(BIN / "uv"), TOOLSETS[name]
        argv = [uv, "venv", "-q", "--clear", "--python", _interpreter(toolset.python), str(where)]
        subprocess.run(argv, check=True)
        install = [uv, "pip", "install", "-q", "--python", str(where / "bin" / "python")]
        subprocess.run([*install, *toolset.pins], check=True)
        (where / ".complete").write_text("\n".join(toolset.pins))
    return where


def _node_modules() -> Path:
    where = TOOLS / "node"
    if not (where / ".complete").exists():
        where.mkdir(parents=True, exist_ok=True)
        (where / "package.json").write_text('{"private": true}\n')
        argv = ["npm", "install", "--no-audit", "--no-fund", "--save-exact", *NPM_PINS]
        subprocess.run(argv, cwd=where, check=True, stdout=subprocess.DEVNULL)
        (where / ".complete").write_text("\n".join(NPM_PINS))
    return where / "node_modules"


def _empty_checkout(case: VersionCase, base: Path) -> Path:
    target = Path(PLACES.get(case.place, str(base / "{name}")).format(name=case.project))
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    return target


def build(case: VersionCase, archives: dict[str, Path]) -> tuple[str, list[dict[str, object]]]:
    """Run one case in a fresh checkout with its tool set; return its log and its labels."""
    venv = _toolset(case.tools)
    with tempfile.TemporaryDirectory(prefix="ci-") as tmp:
        base = Path(tmp)
        if case.project in PROJECTS:
            project = PROJECTS[case.project]
            tree = Tree(_checkout(case, project, archives[case.project], base))
            pythonpath = project.pythonpath
        else:
            tree, pythonpath = Tree(_empty_checkout(case, base)), "."
        try:
            _inject(tree, case)
            if case.project == "shell":
                local_wheels(tree.path)
            if case.project == "node":
                os.symlink(_node_modules(), tree.path / "node_modules")
            steps = run_steps(case, lambda run: _run(tree, venv, run, pythonpath, base))
            labels = [label(tree) for label in case.labels]
        finally:
            if case.place in PLACES:
                shutil.rmtree(tree.path, ignore_errors=True)
    return job_text(case, steps), labels


def main() -> int:
    args = arguments(ROOT / "testdata" / "triage" / "versions", __doc__)
    archives = sdists(
        args.cache, {k: PROJECTS[k] for k in {c.project for c in CASES} & {*PROJECTS}}
    )
    for case in CASES:
        if not args.only or args.only in case.name:
            write_case(args.out, case, *build(case, archives))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
