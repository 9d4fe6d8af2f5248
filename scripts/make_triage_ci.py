"""Regenerates testdata/triage/ci: what whole CI jobs print around the tools the others ran.

Cases (``triage_corpus_ci`` and ``triage_corpus_ci_jobs``) run in one throwaway virtualenv
with the pinned ``CI_PINS`` (pre-commit 4.7.0 with pre-commit-hooks 6.0.0, ruff, black, isort,
flake8, mypy, pytest with pytest-cov, pytest-randomly and pytest-xdist, coverage, Django, tox),
made with uv under ``$TMPDIR/triage-ci``. The project is the toy corpus's ``calc`` with
packaging metadata and a ``.pre-commit-config.yaml`` of local hooks calling the installed
tools (hook repositories cannot be cloned here), checked into a fresh git repository at the
runner's checkout path; Django cases start a project with ``django-admin``. Whole job logs
install the project with pip from PyPI into a new venv. Labels come from the injected faults,
never from the triage engine.

Usage: .venv/bin/python scripts/make_triage_ci.py [--out DIR] [-k NAME]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from make_triage_corpus import _gha
from make_triage_realworld import (
    BIN,
    ROOT,
    Tree,
    _inject,
    _run,
    arguments,
    run_steps,
    write_case,
)
from make_triage_versions import _empty_checkout
from triage_corpus_ci import (
    CI_PINS,
    CI_PROJECT,
    COVERAGE_CASES,
    PLUGIN_CASES,
    PRE_COMMIT_CASES,
    CiCase,
)
from triage_corpus_ci_jobs import JOB_CASES
from triage_corpus_project import Run

CASES: list[CiCase] = [*PRE_COMMIT_CASES, *COVERAGE_CASES, *PLUGIN_CASES, *JOB_CASES]
#: A proxy's certificate bundle, when the machine has one, so pip reaches PyPI.
CERTS = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
TOOLS = Path(tempfile.gettempdir()) / "triage-ci"
#: The ``env:`` block the runner prints under a step's ``shell:`` line after setup-python
#: (runner-only text, copied in its documented format).
STEP_ENV = (
    "env:",
    "  pythonLocation: /opt/hostedtoolcache/Python/3.11.7/x64",
    "  PKG_CONFIG_PATH: /opt/hostedtoolcache/Python/3.11.7/x64/lib/pkgconfig",
    "  Python_ROOT_DIR: /opt/hostedtoolcache/Python/3.11.7/x64",
    "  LD_LIBRARY_PATH: /opt/hostedtoolcache/Python/3.11.7/x64/lib",
)


def _toolset() -> Path:
    where = TOOLS / "venv"
    if not (where / ".complete").exists():
        uv = str(BIN / "uv")
        subprocess.run([uv, "venv", "-q", "--clear", "--python", "3.11", str(where)], check=True)
        install = [uv, "pip", "install", "-q", "--python", str(where / "bin" / "python")]
        subprocess.run([*install, *CI_PINS], check=True)
        (where / ".complete").write_text("\n".join(CI_PINS))
    return where


def _with_env(log: str) -> str:
    """Add the runner's ``env:`` block under each step's ``shell:`` line."""
    shell = re.compile(r"^(\S+ )shell: /usr/bin/bash -e \{0\}$", re.M)
    return shell.sub(lambda m: "\n".join([m[0], *(m[1] + line for line in STEP_ENV)]), log)


def _prepare(tree: Tree, case: CiCase, venv: Path, base: Path) -> None:
    """Lay the project out and make it a git repository (pre-commit reads ``git ls-files``)."""
    if case.project == "django":
        for argv in (
            ["django-admin", "startproject", "mysite", "."],
            ["django-admin", "startapp", "polls"],
        ):
            _run(tree, venv, Run(argv), ".", base)
        text = (tree.path / "mysite/settings.py").read_text()
        (tree.path / "mysite/settings.py").write_text(
            text.replace("INSTALLED_APPS = [", "INSTALLED_APPS = [\n    'polls',")
        )
    else:
        for rel, text in CI_PROJECT.items():
            (tree.path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tree.path / rel).write_text(text)
            tree.files[rel] = text
    _inject(tree, case)
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=tree.path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tree.path, check=True)


def build(case: CiCase) -> tuple[str, list[dict[str, object]]]:
    """Run one case in a fresh checkout; return its log and its labels."""
    venv = _toolset()
    with tempfile.TemporaryDirectory(prefix="ci-") as tmp:
        base = Path(tmp)
        tree = Tree(_empty_checkout(case, base))  # type: ignore[arg-type]
        try:
            _prepare(tree, case, venv, base)
            for run in case.runs:
                run.env.setdefault("PRE_COMMIT_HOME", str(TOOLS / "pre-commit"))
                run.env |= {k: os.environ[k] for k in CERTS if k in os.environ}
            steps = run_steps(case, lambda run: _run(tree, venv, run, ".", base))
            labels = [label(tree) for label in case.labels]
        finally:
            shutil.rmtree(tree.path, ignore_errors=True)
    text = _with_env(_gha(steps)) if case.gha else "".join(output for _, output, _ in steps)
    return text, labels


def main() -> int:
    args = arguments(ROOT / "testdata" / "triage" / "ci", __doc__)
    for case in CASES:
        if not args.only or args.only in case.name:
            write_case(args.out, case, *build(case))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
