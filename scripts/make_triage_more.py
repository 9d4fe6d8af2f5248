"""Regenerates testdata/triage/more: go test, pyright, poetry, a C extension build and nose2.

Each case runs in one throwaway virtualenv under ``$TMPDIR/triage-more`` with the pinned
``PINS`` (poetry, nose2, setuptools), pyright from npm (``NPM_PIN``) and Go 1.19 unpacked from
Debian's ``golang-1.19-go``/``golang-1.19-src`` packages (``apt-get download``, no install),
both linked into the venv's ``bin``, at the runner's checkout path. Labels come from the
injected faults (a marker's line), never from the triage engine.

Usage: .venv/bin/python scripts/make_triage_more.py [--out DIR] [-k NAME]
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

PINS = ("poetry==1.8.5", "nose2==0.15.1", "setuptools==75.6.0", "wheel==0.45.1", "pip==24.3.1")
NPM_PIN = "pyright@1.1.389"
GO_DEBS = ("golang-1.19-go", "golang-1.19-src")
TOOLS = Path(tempfile.gettempdir()) / "triage-more"
GOROOT = TOOLS / "go" / "usr" / "lib" / "go-1.19"
GO_ENV = {
    "GOROOT": str(GOROOT),
    "GOPATH": str(TOOLS / "gopath"),
    "GOCACHE": str(TOOLS / "gocache"),
    "GOFLAGS": "-mod=mod",
    "GOPROXY": "off",
}
CALC_GO = "package calc\n\n// Add returns a+b.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"
CALC_TEST_GO = (
    'package calc\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n'
    "\tif got := Add(2, 3); got != 5 {\n"
    '\t\tt.Errorf("Add(2, 3) = %d, want 5", got)  // add\n\t}\n}\n'
)
GO_FILES = [
    ("go.mod", "", "module calc\n\ngo 1.19\n"),
    ("calc.go", "", CALC_GO),
    ("calc_test.go", "", CALC_TEST_GO),
]
PY_FILES = [(rel, "", text) for rel, text in PROJECT.items()]
GO_TEST = Run(["go", "test", "./..."], env=GO_ENV)
GO_TEST_V = Run(["go", "test", "-v", "./..."], env=GO_ENV)
GO_VET = Run(["go", "vet", "./..."], env=GO_ENV)
PYRIGHT = Run(["pyright", "calc"])
POETRY_LOCK = Run(["poetry", "lock", "--no-update", "-n"], env={"POETRY_CACHE_DIR": "{ws}/.pc"})
PIP_INSTALL = Run(["python", "-m", "pip", "install", "--no-build-isolation", "--no-index", "."])
NOSE2 = Run(["nose2", "-s", ".", "tests"])
PYPROJECT = (
    '[tool.poetry]\nname = "calc"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n'
    'packages = [{include = "calc"}]\n\n[tool.poetry.dependencies]\npython = "^3.11"\n'
    'calc-base = {path = "wheels/calc_base-1.0-py3-none-any.whl"}\n'
)
PLUGIN = 'calc-plugin = {path = "wheels/calc_plugin-1.0-py3-none-any.whl"}\n'
EXT_SETUP = (
    "from setuptools import Extension, setup\n\n"
    'setup(name="calc", version="0.1", packages=["calc"],\n'
    '      ext_modules=[Extension("calc._speed", ["calc/_speed.c"])])\n'
)
SPEED_C = (
    "#include <Python.h>\n\nstatic struct PyModuleDef speed = {PyModuleDef_HEAD_INIT, "
    '"_speed", NULL, -1, NULL};\n\nPyMODINIT_FUNC PyInit__speed(void) {\n'
    "    return PyModule_Create(&speed);\n}\n"
)
EXT_FILES = [("setup.py", "", EXT_SETUP), ("calc/_speed.c", "", SPEED_C)]
WRONG_ADD = ("tests/test_core.py", "add(2, 3) == 5", "add(2, 3) == 6  # add")


def _case(name: str, description: str, runs: list[Run], **kw: object) -> RealCase:
    return RealCase(name, description, "calc", runs, place="runner", **kw)  # type: ignore[arg-type]


def _go_fault(old: str, new: str, rel: str = "calc.go") -> tuple[str, str, str]:
    return (rel, old, new)


PANIC = "func Pick(xs []int, i int) int {\n\treturn xs[i]  // panic\n}\n"
PANIC_TEST = "func TestPick(t *testing.T) {\n\tPick([]int{1, 2, 3}, 5)\n}\n"
CASES = [
    _case(
        "assertion_go_test",
        "go test: t.Errorf in a failing test",
        [GO_TEST],
        faults=[*GO_FILES, _go_fault("Add(2, 3); got != 5", "Add(2, 3); got != 6", "calc_test.go")],
        labels=[at("calc_test.go", "// add", "assertion", "TestAdd")],
    ),
    _case(
        "assertion_go_test_verbose_gha",
        "job log: go vet passes, go test -v with one failing test",
        [GO_VET, GO_TEST_V],
        faults=[*GO_FILES, _go_fault("return a + b", "return a + b + 1")],
        labels=[at("calc_test.go", "// add", "assertion", "TestAdd")],
        gha=True,
    ),
    _case(
        "type_go_undefined",
        "go test: a compile error (undefined name) fails the package build",
        [GO_TEST],
        faults=[*GO_FILES, _go_fault("return a + b", "return a + b + offset  // undefined")],
        labels=[at("calc.go", "// undefined", "type_error")],
    ),
    _case(
        "runtime_go_panic_gha",
        "job log: go test -v, an index out of range panics inside the code under test",
        [GO_TEST_V],
        faults=[
            *GO_FILES,
            _go_fault(CALC_GO, CALC_GO + "\n" + PANIC),
            _go_fault(CALC_TEST_GO, CALC_TEST_GO + "\n" + PANIC_TEST, "calc_test.go"),
        ],
        labels=[at("calc.go", "// panic", "runtime_error", "TestPick")],
        gha=True,
    ),
    _case(
        "type_pyright_npm",
        "pyright 1.1.389 from npm: a str returned where int is declared",
        [PYRIGHT],
        faults=[*PY_FILES, ("calc/core.py", "return a + b", "return str(a + b)  # type")],
        labels=[at("calc/core.py", "# type", "type_error")],
    ),
    _case(
        "dependency_poetry_conflict",
        "poetry lock: a path dependency needs calc-base 2.0 but the project pins 1.0",
        [POETRY_LOCK],
        faults=[*PY_FILES, ("pyproject.toml", "", PYPROJECT + PLUGIN)],
        labels=[in_file(None, "dependency")],
    ),
    _case(
        "dependency_poetry_conflict_gha",
        "job log: poetry lock fails on conflicting path dependencies",
        [POETRY_LOCK],
        faults=[*PY_FILES, ("pyproject.toml", "", PYPROJECT + PLUGIN)],
        labels=[in_file(None, "dependency")],
        gha=True,
    ),
    _case(
        "dependency_c_extension_build",
        "pip install .: the project's C extension does not compile (a missing ';')",
        [PIP_INSTALL],
        faults=[
            *PY_FILES,
            *EXT_FILES,
            ("calc/_speed.c", "&speed);\n}", "&speed) }  /* semi */"),
        ],
        labels=[at("calc/_speed.c", "/* semi */", "dependency")],
    ),
    _case(
        "dependency_c_extension_build_gha",
        "job log: pip install . with a C extension naming an undeclared variable",
        [PIP_INSTALL],
        faults=[
            *PY_FILES,
            *EXT_FILES,
            ("calc/_speed.c", "(&speed);", "(&spede);  /* decl */"),
        ],
        labels=[at("calc/_speed.c", "/* decl */", "dependency")],
        gha=True,
    ),
    _case(
        "assertion_nose2",
        "nose2 on the unittest tests: one assertEqual fails",
        [NOSE2],
        faults=[*PY_FILES, ("tests/test_unit.py", "add(1, 1), 2)", "add(1, 1), 3)  # unit")],
        labels=[at("tests/test_unit.py", "# unit", "assertion")],
    ),
    _case(
        "green_go_test_gha",
        "a green job: go vet and go test -v",
        [GO_VET, GO_TEST_V],
        faults=GO_FILES,
        labels=[],
        gha=True,
    ),
    _case(
        "green_python_checks_gha",
        "a green job: poetry lock, pip install . with a C extension, pyright, nose2",
        [POETRY_LOCK, PIP_INSTALL, PYRIGHT, NOSE2],
        faults=[*PY_FILES, *EXT_FILES, ("pyproject.toml", "", PYPROJECT)],
        labels=[],
        gha=True,
    ),
]


def _toolset() -> Path:
    """The pinned tools in one venv; pyright (npm) and go (Debian's packages) linked in."""
    where = TOOLS / "venv"
    if not (where / ".complete").exists():
        uv = str(BIN / "uv")
        subprocess.run([uv, "venv", "-q", "--clear", "--python", "3.11", str(where)], check=True)
        install = [uv, "pip", "install", "-q", "--python", str(where / "bin" / "python")]
        subprocess.run([*install, *PINS], check=True)
        npm = TOOLS / "npm"
        npm.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "-s", "--no-audit", "--no-fund", NPM_PIN], cwd=npm)
        debs = TOOLS / "debs"
        debs.mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", *GO_DEBS], cwd=debs, check=True)
        for deb in debs.glob("*.deb"):
            subprocess.run(["dpkg", "-x", str(deb), str(TOOLS / "go")], check=True)
        links = {"pyright": npm / "node_modules" / ".bin" / "pyright", "go": GOROOT / "bin" / "go"}
        for name, target in links.items():
            (where / "bin" / name).unlink(missing_ok=True)
            (where / "bin" / name).symlink_to(target)
        (where / ".complete").write_text("\n".join((*PINS, NPM_PIN, *GO_DEBS)))
    return where


def build(case: RealCase) -> tuple[str, list[dict[str, object]]]:
    """Run one case in a fresh checkout; return its log and its labels."""
    venv = _toolset()
    with tempfile.TemporaryDirectory(prefix="ci-") as tmp:
        base = Path(tmp)
        tree = Tree(_empty_checkout(case, base))  # type: ignore[arg-type]
        try:
            _wheel(tree.path / "wheels", "calc-base", "1.0")
            _wheel(tree.path / "wheels", "calc-plugin", "1.0", ("calc-base==2.0",))
            _inject(tree, case)
            steps = run_steps(case, lambda run: _run(tree, venv, run, ".", base))
            labels = [label(tree) for label in case.labels]
        finally:
            shutil.rmtree(tree.path, ignore_errors=True)
    return job_text(case, steps), labels


def main() -> int:
    args = arguments(ROOT / "testdata" / "triage" / "more", __doc__ or "")
    for case in CASES:
        if not args.only or args.only in case.name:
            write_case(args.out, case, *build(case))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
