"""Regenerates testdata/triage/tools: other tools CI jobs run (make, sphinx, linters, twine).

Each case runs in one throwaway virtualenv under ``$TMPDIR/triage-tools`` with the pinned
``PINS`` (pytest, sphinx, codespell, yamllint, twine, build, bandit), plus markdownlint-cli
from npm (``NPM_PIN``) installed beside it, on the toy ``calc`` project at the runner's
checkout path with a Makefile, Sphinx docs, a README, a workflow file and a ``setup.py``.
Labels come from the injected faults (a marker's line), never from the triage engine.

Usage: .venv/bin/python scripts/make_triage_tools.py [--out DIR] [-k NAME]
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from make_triage_realworld import (
    BIN,
    ROOT,
    Tree,
    _inject,
    _run,
    arguments,
    job_text,
    run_steps,
    write_case,
)
from make_triage_versions import _empty_checkout
from triage_corpus_project import PROJECT, Run, _wheel, at, in_file
from triage_corpus_realworld import RealCase

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
WRONG_ADD = ("tests/test_core.py", "add(2, 3) == 5", "add(2, 3) == 6  # add")
WORKFLOW = ".github/workflows/ci.yml"
SHELL = (
    "calc/shell.py",
    "",
    '"""Shell helpers."""\n\nimport subprocess  # import\n\n\ndef run(cmd: str) -> int:\n'
    "    return subprocess.call(cmd, shell=True)  # shell\n",
)


def _case(name: str, description: str, runs: list[Run], **kw: object) -> RealCase:
    return RealCase(name, description, "calc", runs, place="runner", **kw)  # type: ignore[arg-type]


CASES = [
    _case(
        "assertion_make_pytest",
        "make test runs pytest: make's own error line adds nothing to the failing test",
        [MAKE],
        faults=[WRONG_ADD],
        labels=[at("tests/test_core.py", "# add", "assertion", "tests/test_core.py::test_add")],
    ),
    _case(
        "assertion_make_pytest_gha",
        "job log: make test runs pytest, one failing test",
        [MAKE],
        faults=[WRONG_ADD],
        labels=[at("tests/test_core.py", "# add", "assertion", "tests/test_core.py::test_add")],
        gha=True,
    ),
    _case(
        "unknown_make_alone",
        "make check: a recipe line fails silently; make's error line is the only evidence",
        [MAKE_CHECK],
        labels=[in_file(None, "unknown")],
    ),
    _case(
        "lint_sphinx_broken_ref",
        "sphinx-build -W: an undefined label becomes an error",
        [SPHINX],
        faults=[("docs/usage.rst", "Call ``add``.", "Call ``add``, see :ref:`nowhere`.  # ref")],
        labels=[at("docs/usage.rst", "# ref", "lint")],
    ),
    _case(
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
    _case(
        "lint_codespell",
        "codespell: two misspellings in code and docs",
        [CODESPELL],
        faults=[
            ("calc/core.py", '"""Return the sum."""', '"""Return teh sum."""  # typo'),
            ("docs/usage.rst", "Call ``add``.", "Call ``add`` to recieve a sum.  # typo"),
        ],
        labels=[at("calc/core.py", "# typo", "lint"), at("docs/usage.rst", "# typo", "lint")],
    ),
    _case(
        "lint_yamllint_standard",
        "yamllint: trailing spaces and no final newline (errors), plus a warning",
        [YAMLLINT],
        faults=[
            (WORKFLOW, "---\nname: ci\n'on': push\njobs: {}\n", "name: ci   \non: push\njobs: {}")
        ],
        labels=[at(WORKFLOW, "name: ci", "lint"), at(WORKFLOW, "jobs: {}", "lint")],
    ),
    _case(
        "lint_yamllint_parsable_gha",
        "job log: yamllint -f parsable, trailing spaces",
        [Run(["yamllint", "-f", "parsable", ".github"])],
        faults=[(WORKFLOW, "name: ci\n", "name: ci  \n")],
        labels=[at(WORKFLOW, "name: ci", "lint")],
        gha=True,
    ),
    _case(
        "lint_markdownlint",
        "markdownlint-cli: trailing spaces (MD009) and no final newline (MD047)",
        [MDLINT],
        faults=[("README.md", "Arithmetic helpers.\n", "Arithmetic helpers.   \n\nSee docs.")],
        labels=[at("README.md", "helpers.", "lint"), at("README.md", "See docs.", "lint")],
    ),
    _case(
        "lint_bandit",
        "bandit -r: importing subprocess (B404) and shell=True (B602)",
        [BANDIT],
        faults=[SHELL],
        labels=[at("calc/shell.py", "# import", "lint"), at("calc/shell.py", "# shell", "lint")],
    ),
    _case(
        "dependency_pip_check",
        "pip check: an installed package needs a newer version of another",
        [PIP_CHECK],
        labels=[in_file(None, "dependency")],
    ),
    _case(
        "dependency_pip_check_gha",
        "job log: pip check after installing the project",
        [PIP_CHECK],
        labels=[in_file(None, "dependency")],
        gha=True,
    ),
    _case(
        "lint_twine_check",
        "python setup.py sdist, then twine check: the README's markup does not render",
        [SDIST, TWINE],
        faults=[("README.rst", "Arithmetic helpers.", "Arithmetic `helpers.")],
        labels=[in_file(None, "lint")],
    ),
    _case(
        "green_make_docs_gha",
        "a green job: make test, sphinx-build -W, sdist and twine check",
        [MAKE, SPHINX, SDIST, TWINE],
        labels=[],
        gha=True,
    ),
    _case(
        "green_linters",
        "green linters: codespell, yamllint, markdownlint and bandit",
        [CODESPELL, YAMLLINT, MDLINT, BANDIT],
        labels=[],
        gha=True,
    ),
]


def _toolset() -> Path:
    """The pinned tools in one venv, markdownlint linked into its ``bin``."""
    where = TOOLS / "venv"
    if not (where / ".complete").exists():
        uv = str(BIN / "uv")
        subprocess.run([uv, "venv", "-q", "--clear", "--python", "3.11", str(where)], check=True)
        install = [uv, "pip", "install", "-q", "--python", str(where / "bin" / "python")]
        subprocess.run([*install, *PINS], check=True)
        npm = TOOLS / "npm"
        npm.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "-s", "--no-audit", "--no-fund", NPM_PIN], cwd=npm)
        link = where / "bin" / "markdownlint"
        link.unlink(missing_ok=True)
        link.symlink_to(npm / "node_modules" / ".bin" / "markdownlint")
        (where / ".complete").write_text("\n".join(PINS))
    return where


def _broken_requirement(base: Path) -> Path:
    """A venv where ``calc-plugin 1.0`` needs ``calc-base==2.0`` but 1.0 is installed."""
    target = base / "pipcheck"
    subprocess.run([str(BIN / "uv"), "venv", "-q", "--seed", str(target)], check=True)
    _wheel(base / "wheels", "calc-base", "1.0")
    _wheel(base / "wheels", "calc-plugin", "1.0", ("calc-base==2.0",))
    pip = [str(target / "bin" / "pip"), "install", "-q", "--no-index", "--no-deps"]
    subprocess.run([*pip, *map(str, (base / "wheels").glob("*.whl"))], check=True)
    return target


def build(case: RealCase) -> tuple[str, list[dict[str, object]]]:
    """Run one case in a fresh checkout; return its log and its labels."""
    venv = _toolset()
    with tempfile.TemporaryDirectory(prefix="ci-") as tmp:
        base = Path(tmp)
        tree = Tree(_empty_checkout(case, base))  # type: ignore[arg-type]
        try:
            for rel, text in FILES.items():
                (tree.path / rel).parent.mkdir(parents=True, exist_ok=True)
                (tree.path / rel).write_text(text)
            _inject(tree, case)
            if case.name.startswith("dependency_"):
                venv = _broken_requirement(base)
            steps = run_steps(case, lambda run: _run(tree, venv, run, ".", base))
            labels = [label(tree) for label in case.labels]
        finally:
            shutil.rmtree(tree.path, ignore_errors=True)
    return job_text(case, steps), labels


def main() -> int:
    args = arguments(ROOT / "testdata" / "triage" / "tools", __doc__ or "")
    for case in CASES:
        if not args.only or args.only in case.name:
            write_case(args.out, case, *build(case))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
