"""The more corpus: go test, pyright, poetry, C extensions, nose2.

Each case runs in one throwaway virtualenv under ``$TMPDIR/triage-more`` with the pinned
``PINS`` (poetry, nose2, setuptools), pyright from npm (``NPM_PIN``) and Go 1.19 unpacked from
Debian's ``golang-1.19-go``/``golang-1.19-src`` packages (``apt-get download``, no install),
both linked into the venv's ``bin``, at the runner's checkout path. Labels come from the
injected faults (a marker's line), never from the triage engine.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from testdata.corpora.corpus import Archives, Corpus
from testdata.corpora.project import (
    PROJECT,
    RealCase,
    Run,
    as_job,
    at,
    in_file,
    local_wheels,
    on_calc,
)
from testdata.corpora.runner import Built, Tree, empty, in_checkout, inject
from testdata.corpora.toolsets import COMPLETE, link, node_modules, pinned_venv

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


def _go_fault(old: str, new: str, rel: str = "calc.go") -> tuple[str, str, str]:
    return (rel, old, new)


PANIC = "func Pick(xs []int, i int) int {\n\treturn xs[i]  // panic\n}\n"
PANIC_TEST = "func TestPick(t *testing.T) {\n\tPick([]int{1, 2, 3}, 5)\n}\n"
POETRY_CONFLICT = on_calc(
    "dependency_poetry_conflict",
    "poetry lock: a path dependency needs calc-base 2.0 but the project pins 1.0",
    [POETRY_LOCK],
    faults=[*PY_FILES, ("pyproject.toml", "", PYPROJECT + PLUGIN)],
    labels=[in_file(None, "dependency")],
)
CASES = [
    on_calc(
        "assertion_go_test",
        "go test: t.Errorf in a failing test",
        [GO_TEST],
        faults=[*GO_FILES, _go_fault("Add(2, 3); got != 5", "Add(2, 3); got != 6", "calc_test.go")],
        labels=[at("calc_test.go", "// add", "assertion", "TestAdd")],
    ),
    on_calc(
        "assertion_go_test_verbose_gha",
        "job log: go vet passes, go test -v with one failing test",
        [GO_VET, GO_TEST_V],
        faults=[*GO_FILES, _go_fault("return a + b", "return a + b + 1")],
        labels=[at("calc_test.go", "// add", "assertion", "TestAdd")],
        gha=True,
    ),
    on_calc(
        "type_go_undefined",
        "go test: a compile error (undefined name) fails the package build",
        [GO_TEST],
        faults=[*GO_FILES, _go_fault("return a + b", "return a + b + offset  // undefined")],
        labels=[at("calc.go", "// undefined", "type_error")],
    ),
    on_calc(
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
    on_calc(
        "type_pyright_npm",
        "pyright 1.1.389 from npm: a str returned where int is declared",
        [PYRIGHT],
        faults=[*PY_FILES, ("calc/core.py", "return a + b", "return str(a + b)  # type")],
        labels=[at("calc/core.py", "# type", "type_error")],
    ),
    POETRY_CONFLICT,
    as_job(
        POETRY_CONFLICT,
        "dependency_poetry_conflict_gha",
        "job log: poetry lock fails on conflicting path dependencies",
    ),
    on_calc(
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
    on_calc(
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
    on_calc(
        "assertion_nose2",
        "nose2 on the unittest tests: one assertEqual fails",
        [NOSE2],
        faults=[*PY_FILES, ("tests/test_unit.py", "add(1, 1), 2)", "add(1, 1), 3)  # unit")],
        labels=[at("tests/test_unit.py", "# unit", "assertion")],
    ),
    on_calc(
        "green_go_test_gha",
        "a green job: go vet and go test -v",
        [GO_VET, GO_TEST_V],
        faults=GO_FILES,
        labels=[],
        gha=True,
    ),
    on_calc(
        "green_python_checks_gha",
        "a green job: poetry lock, pip install . with a C extension, pyright, nose2",
        [POETRY_LOCK, PIP_INSTALL, PYRIGHT, NOSE2],
        faults=[*PY_FILES, *EXT_FILES, ("pyproject.toml", "", PYPROJECT)],
        labels=[],
        gha=True,
    ),
]


def _go() -> Path:
    """Go from Debian's packages, unpacked once (``apt-get download`` and ``dpkg -x``)."""
    if not (TOOLS / "go" / COMPLETE).exists():
        debs = TOOLS / "debs"
        debs.mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", *GO_DEBS], cwd=debs, check=True)
        for deb in debs.glob("*.deb"):
            subprocess.run(["dpkg", "-x", str(deb), str(TOOLS / "go")], check=True)
        (TOOLS / "go" / COMPLETE).write_text("\n".join(GO_DEBS))
    return GOROOT / "bin" / "go"


def _toolset() -> Path:
    """The pinned tools in one venv; pyright (npm) and go (Debian's packages) linked in."""
    venv = pinned_venv(TOOLS / "venv", PINS)
    npm = node_modules(TOOLS / "npm", (NPM_PIN,))
    link(venv, {"pyright": npm / ".bin" / "pyright", "go": _go()})
    return venv


def build(case: RealCase, _: Archives) -> Built:
    """Run one case in a fresh checkout; return its log and its labels."""
    venv = _toolset()

    def prepare(tree: Tree, base: Path) -> Path:
        local_wheels(tree.path)
        inject(tree, case)
        return venv

    return in_checkout(case, lambda base: empty(case, base), prepare)


CORPUS = Corpus("more", __doc__, "more", CASES, build)
