"""The versions corpus: other tool releases, Pythons and languages.

The other corpora ran one release of each tool (pytest 9, mypy 2, current ruff, flake8, black,
pip) on Python 3.11. Here every case runs in a throwaway virtualenv of one pinned tool set
(``versions_tests.TOOLSETS``: pytest 7.4.4 and 8.0.2, pytest-timeout 2.2.0/2.3.1,
pytest-rerunfailures 12.0/14.0, flaky 3.8.1, mypy 1.5.1/1.10.1, ruff 0.1.15/0.4.10, flake8
5.0.4/6.1.0, pylint 2.17.7/3.0.4, black 23.12.1/24.4.2, pip 23.1.2/23.3.2/24.0) on Python
3.12, 3.13 or 3.11 (from ``~/.pyenv/versions`` or ``/usr/bin``), made with uv under
``$TMPDIR/triage-versions``. It adds timeouts, flaky tests, runner failures and bare exit
codes, and other languages: jest 29.7.0 and typescript 5.4.5 (npm, pinned, installed once
into the tool cache) and the system's cargo. Cases reuse the real-world machinery (pinned
sdists, checkout places, fault injection, job-log wrapping). Labels come from the injected
faults, never from the triage engine.
"""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.project import local_wheels
from testdata.corpora.realworld_tests import PROJECTS
from testdata.corpora.runner import Built, Tree, empty, in_checkout, inject, unpack
from testdata.corpora.toolsets import node_modules, pinned_venv
from testdata.corpora.versions_checks import CHECK_CASES
from testdata.corpora.versions_other import NPM_PINS, OTHER_CASES
from testdata.corpora.versions_tests import TEST_CASES, TOOLSETS, VersionCase

TOOLS = Path(tempfile.gettempdir()) / "triage-versions"


def _interpreter(version: str) -> str:
    pyenv = sorted(glob.glob(f"{Path.home()}/.pyenv/versions/{version}.*/bin/python{version}"))
    found = [*pyenv, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for path in found:
        if Path(path).exists():
            return path
    raise SystemExit(f"no Python {version} under ~/.pyenv/versions or /usr/bin")


def build(case: VersionCase, archives: Archives) -> Built:
    """Run one case in a fresh checkout with its tool set; return its log and its labels."""
    toolset = TOOLSETS[case.tools]
    venv = pinned_venv(
        TOOLS / f"venv-{case.tools}", toolset.pins, python=_interpreter(toolset.python)
    )
    project = PROJECTS.get(case.project)

    def checkout(base: Path) -> Path:
        if project is None:
            return empty(case, base)
        return unpack(case, project, archives[case.project], base)

    def prepare(tree: Tree, base: Path) -> Path:
        inject(tree, case)
        if case.project == "shell":
            local_wheels(tree.path)
        if case.project == "node":
            os.symlink(node_modules(TOOLS / "node", NPM_PINS), tree.path / "node_modules")
        return venv

    pythonpath = project.pythonpath if project else "."
    return in_checkout(case, checkout, prepare, pythonpath=pythonpath)


CASES: list[VersionCase] = [*TEST_CASES, *CHECK_CASES, *OTHER_CASES]
CORPUS = Corpus("versions", __doc__, "versions", CASES, build, PROJECTS)
