"""The real-world corpus: real tools on real PyPI projects.

Each case unpacks the sdist of a real project (pinned in ``realworld_tests.PROJECTS``), puts
it where CI would have it (the runner's ``/home/runner/work/<name>/<name>``, a temporary
directory, or another absolute path), makes a throwaway virtualenv with uv (the project's
test tools, pinned), injects faults into the project's real code and runs the real tools:
pytest in several configurations, unittest, tox, nox, ruff, flake8, pylint, mypy, black,
pip and uv. Labels come from the injected faults, never from the triage engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.project import Project, RealCase
from testdata.corpora.realworld_checks import CHECK_CASES
from testdata.corpora.realworld_tests import PROJECTS, TEST_CASES, TEST_TOOLS
from testdata.corpora.runner import Built, Tree, in_checkout, inject, unpack
from testdata.corpora.toolsets import fresh_venv


def builder(projects: Mapping[str, Project]) -> Callable[[RealCase, Archives], Built]:
    """How a case on one of ``projects`` is built: unpack, venv, inject, run."""

    def build(case: RealCase, archives: Archives) -> Built:
        project, archive = projects[case.project], archives[case.project]

        def prepare(tree: Tree, base: Path) -> Path:
            where = tree.path / ".venv" if case.venv_inside else base / "venv"
            venv = fresh_venv(where, (*TEST_TOOLS, *case.extra))
            inject(tree, case)
            return venv

        return in_checkout(
            case,
            lambda base: unpack(case, project, archive, base),
            prepare,
            pythonpath=project.pythonpath,
            sdists=archive.parent,
        )

    return build


CORPUS = Corpus(
    "realworld", __doc__, "realworld", [*TEST_CASES, *CHECK_CASES], builder(PROJECTS), PROJECTS
)
