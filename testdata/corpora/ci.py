"""The CI corpus: what whole CI jobs print around the tools they run.

Cases (``ci_cases`` and ``ci_jobs``) run in one throwaway virtualenv with the pinned
``CI_PINS`` (pre-commit 4.7.0 with pre-commit-hooks 6.0.0, ruff, black, isort, flake8, mypy,
pytest with pytest-cov, pytest-randomly and pytest-xdist, coverage, Django, tox), made with
uv under ``$TMPDIR/triage-ci``. The project is the toy corpus's ``calc`` with packaging
metadata and a ``.pre-commit-config.yaml`` of local hooks calling the installed tools (hook
repositories cannot be cloned here), checked into a fresh git repository at the runner's
checkout path; Django cases start a project with ``django-admin``. Whole job logs install
the project with pip from PyPI into a new venv. Labels come from the injected faults, never
from the triage engine.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from testdata.corpora.ci_cases import (
    CI_PINS,
    CI_PROJECT,
    COVERAGE_CASES,
    PLUGIN_CASES,
    PRE_COMMIT_CASES,
    CiCase,
)
from testdata.corpora.ci_jobs import JOB_CASES
from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.joblog import with_env
from testdata.corpora.project import Run
from testdata.corpora.runner import Built, Tree, empty, in_checkout, inject, run_tool, write_files
from testdata.corpora.toolsets import pinned_venv

#: A proxy's certificate bundle, when the machine has one, so pip reaches PyPI.
CERTS = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
TOOLS = Path(tempfile.gettempdir()) / "triage-ci"
DJANGO_START = (
    ["django-admin", "startproject", "mysite", "."],
    ["django-admin", "startapp", "polls"],
)


def _lay_out(tree: Tree, case: CiCase, venv: Path, base: Path) -> None:
    """Lay the project out and make it a git repository (pre-commit reads ``git ls-files``)."""
    if case.project == "django":
        for argv in DJANGO_START:
            run_tool(tree, venv, Run(argv), ".", base)
        text = (tree.path / "mysite/settings.py").read_text()
        (tree.path / "mysite/settings.py").write_text(
            text.replace("INSTALLED_APPS = [", "INSTALLED_APPS = [\n    'polls',")
        )
    else:
        write_files(tree, CI_PROJECT)
        tree.files.update(CI_PROJECT)
    inject(tree, case)
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=tree.path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tree.path, check=True)


def build(case: CiCase, _: Archives) -> Built:
    """Run one case in a fresh checkout; return its log and its labels."""
    venv = pinned_venv(TOOLS / "venv", CI_PINS)
    for run in case.runs:
        run.env.setdefault("PRE_COMMIT_HOME", str(TOOLS / "pre-commit"))
        run.env |= {k: os.environ[k] for k in CERTS if k in os.environ}

    def prepare(tree: Tree, base: Path) -> Path:
        _lay_out(tree, case, venv, base)
        return venv

    text, labels = in_checkout(case, lambda base: empty(case, base), prepare)
    return (with_env(text) if case.gha else text), labels


CORPUS = Corpus(
    "ci", __doc__, "ci", [*PRE_COMMIT_CASES, *COVERAGE_CASES, *PLUGIN_CASES, *JOB_CASES], build
)
