"""The layouts corpus: a monorepo checked out where CI puts it.

A small repository (``packages/foo`` with a src layout and deep package, ``services/api``
with tests beside the code) is written to the runner's checkout path
(``/home/runner/work/mono/mono``); each case injects faults and runs the project's pinned
pytest, mypy, ruff and flake8 (``.venv``) from the directory a job would use: the root, or a
subfolder (``cd packages/foo && pytest``, ``working-directory: services/api``). The
installed-package cases copy ``foo`` into a virtualenv's ``site-packages`` inside the
checkout, as a non-editable install does. Labels come from the injected faults.
"""

from __future__ import annotations

import dataclasses
import shutil
from dataclasses import dataclass
from pathlib import Path

from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.joblog import job_text
from testdata.corpora.project import Label, RealCase, Run, at, in_file
from testdata.corpora.runner import BIN, Built, Tree, base_env, execute, run_steps, write_files

CHECKOUT = Path("/home/runner/work/mono/mono")
SITE = ".venv/lib/python3.11/site-packages"
FOO = "packages/foo"
API = "services/api"
PYTEST_INI = '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["{path}"]\n'
FILES = {
    f"{FOO}/pyproject.toml": PYTEST_INI.format(path="src"),
    f"{FOO}/src/foo/__init__.py": "",
    f"{FOO}/src/foo/sub/__init__.py": "",
    f"{FOO}/src/foo/sub/mod.py": (
        "def scale(value: int, factor: int) -> int:\n    return value * factor\n\n\n"
        "def ratio(a: int, b: int) -> float:\n    return a / b  # ratio\n"
    ),
    f"{FOO}/tests/test_x.py": (
        "from foo.sub.mod import ratio, scale\n\n\ndef test_scale() -> None:\n"
        "    assert scale(2, 3) == 6  # scale\n\n\ndef test_ratio() -> None:\n"
        "    assert ratio(6, 3) == 2  # call ratio\n"
    ),
    f"{API}/pyproject.toml": PYTEST_INI.format(path=".").replace("tests", "api"),
    f"{API}/api/__init__.py": "",
    f"{API}/api/handlers.py": 'def greet(name: str) -> str:\n    return "hello " + name\n',
    f"{API}/api/tests/__init__.py": "",
    f"{API}/api/tests/test_handlers.py": (
        "from api.handlers import greet\n\n\ndef test_greet() -> None:\n"
        '    assert greet("x") == "hello x"  # greet\n'
    ),
}


@dataclass
class LayoutCase(RealCase):
    """A case on the monorepo; ``installed`` puts ``foo`` into the checkout's venv."""

    installed: bool = False


def _case(
    name: str,
    description: str,
    runs: list[tuple[str, Run]],
    *,
    labels: list[Label],
    faults: list[tuple[str, str, str]] | None = None,
    gha: bool = False,
    installed: bool = False,
) -> LayoutCase:
    """A case whose runs each start in a folder of the checkout: ``(folder, run)`` pairs."""
    started = [dataclasses.replace(run, cwd=cwd) for cwd, run in runs]
    return LayoutCase(
        name, description, "mono", started, labels, faults or [], gha=gha, installed=installed
    )


MOD = f"{FOO}/src/foo/sub/mod.py"
TEST_X = f"{FOO}/tests/test_x.py"
HANDLERS = f"{API}/api/handlers.py"
TEST_API = f"{API}/api/tests/test_handlers.py"
WRONG_SCALE = (TEST_X, "== 6  # scale", "== 7  # scale")
ZERO = (TEST_X, "ratio(6, 3) == 2", "ratio(6, 0) == 2")
PYTEST = Run(["pytest", "-q", "-p", "no:cacheprovider"])
PYTEST_V = Run(["pytest", "-p", "no:cacheprovider"])
CASES = [
    _case(
        "assertion_subdir_pytest",
        "cd packages/foo && pytest -q: rootdir is the subfolder, paths relative to it",
        [(FOO, PYTEST_V)],
        faults=[WRONG_SCALE],
        labels=[at(TEST_X, "# scale", "assertion", "tests/test_x.py::test_scale")],
    ),
    _case(
        "runtime_subdir_src_layout",
        "cd packages/foo && pytest: ZeroDivisionError raised in src/foo/sub/mod.py",
        [(FOO, PYTEST_V)],
        faults=[ZERO],
        labels=[at(MOD, "# ratio", "runtime_error", "tests/test_x.py::test_ratio")],
    ),
    _case(
        "type_subdir_tb_native",
        "cd packages/foo && pytest -q --tb=native: absolute frames under the subfolder",
        [(FOO, Run([*PYTEST.argv, "--tb=native"]))],
        faults=[(TEST_X, "scale(2, 3) == 6", 'scale(2, "3") + 1 == 7')],
        labels=[at(TEST_X, "# scale", "type_error", "tests/test_x.py::test_scale")],
    ),
    _case(
        "assertion_beside_code_gha",
        "working-directory: services/api; pytest with tests beside the code, job log",
        [(API, PYTEST_V)],
        faults=[(TEST_API, '== "hello x"', '== "hi x"')],
        labels=[at(TEST_API, "# greet", "assertion", "api/tests/test_handlers.py::test_greet")],
        gha=True,
    ),
    _case(
        "type_mypy_no_pretty_subdir_gha",
        "working-directory: services/api; green pytest (rootdir) then mypy --no-pretty api",
        [(API, PYTEST_V), (API, Run(["mypy", "--no-pretty", "--strict", "api"]))],
        faults=[
            (HANDLERS, "-> str:", "-> int:"),
            (HANDLERS, '"hello " + name', '"hello " + name  # type'),
        ],
        labels=[at(HANDLERS, "# type", "type_error"), at(TEST_API, "# greet", "type_error")],
        gha=True,
    ),
    _case(
        "lint_ruff_from_root",
        "ruff check packages/ from the root: paths already relative to the root",
        [(".", Run(["ruff", "check", "--no-cache", "--output-format=concise", "packages/"]))],
        faults=[(MOD, "def scale", "import os  # unused\n\n\ndef scale")],
        labels=[at(MOD, "# unused", "lint")],
    ),
    _case(
        "multi_subdir_pytest_root_ruff_gha",
        "job: cd packages/foo && pytest fails, then ruff check packages/ from the root",
        [
            (FOO, Run(PYTEST_V.argv, gate=False)),
            (".", Run(["ruff", "check", "--no-cache", "packages/"])),
        ],
        faults=[WRONG_SCALE, (MOD, "def scale", "import os  # unused\n\n\ndef scale")],
        labels=[
            at(TEST_X, "# scale", "assertion", "tests/test_x.py::test_scale"),
            at(MOD, "# unused", "lint"),
        ],
        gha=True,
    ),
    _case(
        "lint_flake8_subdir_after_native_gha",
        "job in packages/foo: pytest --tb=native (absolute frames) fails, then flake8 src tests",
        [(FOO, Run([*PYTEST.argv, "--tb=native"], gate=False)), (FOO, Run(["flake8", "src"]))],
        faults=[ZERO, (MOD, "def scale", "import sys  # unused\n\n\ndef scale")],
        labels=[
            at(MOD, "# ratio", "runtime_error", "tests/test_x.py::test_ratio"),
            at(MOD, "# unused", "lint"),
        ],
        gha=True,
    ),
    _case(
        "runtime_installed_package",
        "cd packages/foo && pytest against foo installed (non-editable) in .venv",
        [(FOO, Run([*PYTEST_V.argv, "-o", "pythonpath="]))],
        faults=[ZERO],
        labels=[at(TEST_X, "# call ratio", "runtime_error", "tests/test_x.py::test_ratio")],
        installed=True,
    ),
    _case(
        "runtime_only_in_venv_gha",
        "a step's script calls installed foo; the raise is only in .venv site-packages",
        [(".", Run(["python", "-c", "import foo.sub.mod as m; m.ratio(1, 0)"]))],
        labels=[in_file(None, "runtime_error")],
        installed=True,
        gha=True,
    ),
    _case(
        "syntax_subdir_collection",
        "cd services/api && pytest: a syntax error in api/handlers.py at collection",
        [(API, PYTEST_V)],
        faults=[(HANDLERS, "def greet(name: str) -> str:", "def greet(name: str) -> str  # syn")],
        labels=[at(HANDLERS, "# syn", "syntax_error")],
    ),
    _case(
        "syntax_subdir_pytest_ruff_gha",
        "working-directory: packages/foo; pytest --co and ruff check tests see a bad line",
        [
            (FOO, Run([*PYTEST_V.argv, "--co"], gate=False)),
            (FOO, Run(["ruff", "check", "--no-cache", "tests"], gate=False)),
        ],
        faults=[(TEST_X, "def test_ratio() -> None:", "def test_ratio() -> None  # syn")],
        labels=[at(TEST_X, "# syn", "syntax_error")],
        gha=True,
    ),
    _case(
        "green_subdir_checks_gha",
        "a green job: pytest in packages/foo and services/api, ruff and mypy from the root",
        [
            (FOO, PYTEST_V),
            (API, PYTEST_V),
            (".", Run(["ruff", "check", "--no-cache", "packages", "services"])),
            (API, Run(["mypy", "--no-pretty", "--strict", "api"])),
        ],
        labels=[],
        gha=True,
    ),
]


def _install(tree: Tree) -> None:
    """Copy ``foo`` into site-packages, as ``pip install packages/foo`` (not ``-e``) would."""
    site = tree.path / SITE
    site.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tree.path / FOO / "src" / "foo", site / "foo")


def build(case: LayoutCase, _: Archives) -> Built:
    """Write the repository at the runner's path, inject, run each step; log and labels."""
    if CHECKOUT.exists():
        shutil.rmtree(CHECKOUT)
    tree = Tree(CHECKOUT)
    try:
        write_files(tree, FILES)
        for rel, old, new in case.faults:
            path = CHECKOUT / rel
            path.write_text(path.read_text().replace(old, new, 1))
        if case.installed:
            _install(tree)
        env = base_env() | {"PYTHONPATH": str(CHECKOUT / SITE) if case.installed else ""}

        def run(step: Run) -> tuple[str, int]:
            argv = [str(BIN / step.argv[0]), *step.argv[1:]]
            return execute(argv, cwd=CHECKOUT / step.cwd, env=env, timeout=120)

        steps = run_steps(case.runs, run, as_job=case.gha)
        labels = [label(tree) for label in case.labels]
    finally:
        shutil.rmtree(CHECKOUT, ignore_errors=True)
    return job_text(steps, as_job=case.gha), labels


CORPUS = Corpus("layouts", __doc__, "layouts", CASES, build)
