"""The tools corpus: other tools CI jobs run (make, sphinx, linters).

Each case runs in one throwaway virtualenv under ``$TMPDIR/triage-tools`` with the pinned
``PINS`` (pytest, sphinx, codespell, yamllint, twine, build, bandit), plus markdownlint-cli
from npm (``NPM_PIN``) installed beside it, on the toy ``calc`` project at the runner's
checkout path with a Makefile, Sphinx docs, a README, a workflow file and a ``setup.py``.
Labels come from the injected faults (a marker's line), never from the triage engine.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.project import (
    PROJECT,
    WRONG_ADD,
    RealCase,
    Run,
    as_job,
    at,
    in_file,
    local_wheels,
    on_calc,
)
from testdata.corpora.runner import BIN, Built, Tree, empty, in_checkout, inject, write_files
from testdata.corpora.toolsets import link, node_modules, pinned_venv

PINS = (
    "pytest==8.3.3",
    "sphinx==8.1.3",
    "codespell==2.3.0",
    "yamllint==1.35.1",
    "twine==5.1.1",
    "build==1.2.2",
    "setuptools==75.6.0",
    "wheel==0.45.1",
    "bandit==1.7.10",
)
NPM_PIN = "markdownlint-cli@0.41.0"
TOOLS = Path(tempfile.gettempdir()) / "triage-tools"
SETUP = 'from setuptools import setup\n\nsetup(name="calc", version="0.1", packages=["calc"],\n'
FILES = dict(PROJECT) | {
    "Makefile": "test:\n\tpytest -q -p no:cacheprovider tests\n\ncheck:\n\ttest -f VERSION\n",
    "docs/conf.py": 'project = "calc"\nextensions = []\n',
    "docs/index.rst": "Calc\n====\n\nArithmetic helpers.\n\n.. toctree::\n\n   usage\n",
    "docs/usage.rst": "Usage\n=====\n\nCall ``add``.\n",
    "README.md": "# calc\n\nArithmetic helpers.\n",
    "README.rst": "calc\n====\n\nArithmetic helpers.\n",
    ".github/workflows/ci.yml": "---\nname: ci\n'on': push\njobs: {}\n",
    "calc/shell.py": '"""Shell helpers."""\n',
    "setup.py": SETUP + '      long_description=open("README.rst").read(),\n'
    '      long_description_content_type="text/x-rst")\n',
}
MAKE = Run(["make", "test"])
MAKE_CHECK = Run(["make", "check"])
SPHINX = Run(["sphinx-build", "-W", "--keep-going", "-q", "-b", "html", "docs", "_build"])
CODESPELL = Run(["codespell", "calc", "docs"])
YAMLLINT = Run(["yamllint", ".github"])
MDLINT = Run(["markdownlint", "README.md"])
BANDIT = Run(["bandit", "-q", "-r", "calc"])
SDIST = Run(["python", "setup.py", "-q", "sdist"], gate=False)
TWINE = Run(["twine", "check", "dist/*"])
PIP_CHECK = Run(["python", "-m", "pip", "check"])
WORKFLOW = ".github/workflows/ci.yml"
SHELL = (
    "calc/shell.py",
    "",
    '"""Shell helpers."""\n\nimport subprocess  # import\n\n\ndef run(cmd: str) -> int:\n'
    "    return subprocess.call(cmd, shell=True)  # shell\n",
)


MAKE_PYTEST = on_calc(
    "assertion_make_pytest",
    "make test runs pytest: make's own error line adds nothing to the failing test",
    [MAKE],
    faults=[WRONG_ADD],
    labels=[at("tests/test_core.py", "# add", "assertion", "tests/test_core.py::test_add")],
)
BROKEN_REQUIREMENT = on_calc(
    "dependency_pip_check",
    "pip check: an installed package needs a newer version of another",
    [PIP_CHECK],
    labels=[in_file(None, "dependency")],
)
CASES = [
    MAKE_PYTEST,
    as_job(
        MAKE_PYTEST, "assertion_make_pytest_gha", "job log: make test runs pytest, one failing test"
    ),
    on_calc(
        "unknown_make_alone",
        "make check: a recipe line fails silently; make's error line is the only evidence",
        [MAKE_CHECK],
        labels=[in_file(None, "unknown")],
    ),
    on_calc(
        "lint_sphinx_broken_ref",
        "sphinx-build -W: an undefined label becomes an error",
        [SPHINX],
        faults=[("docs/usage.rst", "Call ``add``.", "Call ``add``, see :ref:`nowhere`.  # ref")],
        labels=[at("docs/usage.rst", "# ref", "lint")],
    ),
    on_calc(
        "lint_sphinx_directive_toctree_gha",
        "job log: sphinx-build -W with an unknown directive and a missing toctree entry",
        [SPHINX],
        faults=[
            ("docs/index.rst", "Arithmetic helpers.", "Arithmetic helpers.\n\n.. bogus:: x  # dir"),
            ("docs/index.rst", "   usage", "   usage\n   missing"),
        ],
        labels=[
            at("docs/index.rst", "# dir", "lint"),
            at("docs/index.rst", ".. toctree::", "lint"),
        ],
        gha=True,
    ),
    on_calc(
        "lint_codespell",
        "codespell: two misspellings in code and docs",
        [CODESPELL],
        faults=[
            ("calc/core.py", '"""Return the sum."""', '"""Return teh sum."""  # typo'),
            ("docs/usage.rst", "Call ``add``.", "Call ``add`` to recieve a sum.  # typo"),
        ],
        labels=[at("calc/core.py", "# typo", "lint"), at("docs/usage.rst", "# typo", "lint")],
    ),
    on_calc(
        "lint_yamllint_standard",
        "yamllint: trailing spaces and no final newline (errors), plus a warning",
        [YAMLLINT],
        faults=[
            (WORKFLOW, "---\nname: ci\n'on': push\njobs: {}\n", "name: ci   \non: push\njobs: {}")
        ],
        labels=[at(WORKFLOW, "name: ci", "lint"), at(WORKFLOW, "jobs: {}", "lint")],
    ),
    on_calc(
        "lint_yamllint_parsable_gha",
        "job log: yamllint -f parsable, trailing spaces",
        [Run(["yamllint", "-f", "parsable", ".github"])],
        faults=[(WORKFLOW, "name: ci\n", "name: ci  \n")],
        labels=[at(WORKFLOW, "name: ci", "lint")],
        gha=True,
    ),
    on_calc(
        "lint_markdownlint",
        "markdownlint-cli: trailing spaces (MD009) and no final newline (MD047)",
        [MDLINT],
        faults=[("README.md", "Arithmetic helpers.\n", "Arithmetic helpers.   \n\nSee docs.")],
        labels=[at("README.md", "helpers.", "lint"), at("README.md", "See docs.", "lint")],
    ),
    on_calc(
        "lint_bandit",
        "bandit -r: importing subprocess (B404) and shell=True (B602)",
        [BANDIT],
        faults=[SHELL],
        labels=[at("calc/shell.py", "# import", "lint"), at("calc/shell.py", "# shell", "lint")],
    ),
    BROKEN_REQUIREMENT,
    as_job(
        BROKEN_REQUIREMENT,
        "dependency_pip_check_gha",
        "job log: pip check after installing the project",
    ),
    on_calc(
        "lint_twine_check",
        "python setup.py sdist, then twine check: the README's markup does not render",
        [SDIST, TWINE],
        faults=[("README.rst", "Arithmetic helpers.", "Arithmetic `helpers.")],
        labels=[in_file(None, "lint")],
    ),
    on_calc(
        "green_make_docs_gha",
        "a green job: make test, sphinx-build -W, sdist and twine check",
        [MAKE, SPHINX, SDIST, TWINE],
        labels=[],
        gha=True,
    ),
    on_calc(
        "green_linters",
        "green linters: codespell, yamllint, markdownlint and bandit",
        [CODESPELL, YAMLLINT, MDLINT, BANDIT],
        labels=[],
        gha=True,
    ),
]


def _toolset() -> Path:
    """The pinned tools in one venv, markdownlint linked into its ``bin``."""
    venv = pinned_venv(TOOLS / "venv", PINS)
    npm = node_modules(TOOLS / "npm", (NPM_PIN,))
    link(venv, {"markdownlint": npm / ".bin" / "markdownlint"})
    return venv


def _broken_requirement(base: Path) -> Path:
    """A venv where ``calc-plugin 1.0`` needs ``calc-base==2.0`` but 1.0 is installed."""
    target = base / "pipcheck"
    subprocess.run([str(BIN / "uv"), "venv", "-q", "--seed", str(target)], check=True)
    local_wheels(base)
    pip = [str(target / "bin" / "pip"), "install", "-q", "--no-index", "--no-deps"]
    subprocess.run([*pip, *map(str, (base / "wheels").glob("*.whl"))], check=True)
    return target


def build(case: RealCase, _: Archives) -> Built:
    """Run one case in a fresh checkout; return its log and its labels."""
    venv = _toolset()

    def prepare(tree: Tree, base: Path) -> Path:
        write_files(tree, FILES)
        inject(tree, case)
        return _broken_requirement(base) if case.name.startswith("dependency_") else venv

    return in_checkout(case, lambda base: empty(case, base), prepare)


CORPUS = Corpus("tools", __doc__, "tools", CASES, build)
