"""The tiny clean project the corpora inject faults into, the shapes of a case, and labels."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bot.fakegh.demo import CALC_CORE, CALC_TESTS

#: The project's code and tests are the sandbox demo's: one copy, in the package.
CORE = CALC_CORE
TESTS = CALC_TESTS

UNIT = '''"""unittest-style tests."""

import unittest

from calc.core import add, parse_int


class CoreTest(unittest.TestCase):
    def test_add(self) -> None:
        self.assertEqual(add(1, 1), 2)

    def test_parse(self) -> None:
        self.assertEqual(parse_int("7"), 7)


if __name__ == "__main__":
    unittest.main()
'''

CLI = '''"""Command line entry point."""

import sys

from calc.core import parse_int


def main() -> int:
    """Print the double of each argument."""
    for arg in sys.argv[1:]:
        print(parse_int(arg) * 2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''

PYPROJECT = """[tool.pytest.ini_options]
pythonpath = ["."]

[tool.ruff.lint]
select = ["E", "F", "W", "I"]
"""

PROJECT = {
    "pyproject.toml": PYPROJECT,
    "calc/__init__.py": "",
    "calc/core.py": CORE,
    "calc/cli.py": CLI,
    "tests/__init__.py": "",
    "tests/test_core.py": TESTS,
    "tests/test_unit.py": UNIT,
}


class Workspace:
    """A temporary copy of the tiny project, with the faults of one case injected."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: dict[str, str] = {}

    def line_of(self, rel: str, marker: str) -> int:
        for number, text in enumerate(self.files[rel].splitlines(), 1):
            if marker in text:
                return number
        raise SystemExit(f"marker {marker!r} not found in {rel}")


Label = Callable[[Workspace], dict[str, object]]


def at(rel: str, marker: str, category: str, test: str | None = None) -> Label:
    """A failure at the line of ``marker`` in ``rel`` (as injected)."""
    return lambda ws: {
        "category": category,
        "file": rel,
        "line": ws.line_of(rel, marker),
        "test": test,
    }


def in_file(rel: str | None, category: str, test: str | None = None) -> Label:
    """A failure that belongs to a file (or to nothing) but no particular line."""
    return lambda ws: {"category": category, "file": rel, "line": None, "test": test}


@dataclass
class Run:
    """One command of a case; ``suffix`` adds a runner-only line (exact runner wording),
    ``gate`` says whether its failure stops the job, ``cwd`` is where in the checkout it runs."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    suffix: str = ""
    gate: bool = True
    cwd: str = "."


@dataclass
class Case:
    """A case of the toy corpus: faults as ``(file, (old text, new text))`` in ``project``."""

    name: str
    description: str
    runs: list[Run]
    labels: list[Label]
    faults: list[tuple[str, tuple[str, str]]] = field(default_factory=list)
    gha: bool = False
    setup: Callable[[Path], None] | None = None
    project: dict[str, str] = field(default_factory=lambda: dict(PROJECT))


@dataclass(frozen=True)
class Project:
    """A pinned sdist; ``pythonpath`` is where its package lives (``src`` for a src layout)."""

    dist: str
    version: str
    short: str
    pythonpath: str = "."

    @property
    def archive(self) -> str:
        return f"{self.dist}-{self.version}.tar.gz"


@dataclass
class RealCase:
    """One log: a project placed at ``place`` (``runner``, ``srv`` or a temporary directory),
    faults as ``(file, old text, new text)`` (an empty old text writes a new file)."""

    name: str
    description: str
    project: str
    runs: list[Run]
    labels: list[Label]
    faults: list[tuple[str, str, str]] = field(default_factory=list)
    place: str = "tmp"
    gha: bool = False
    venv_inside: bool = False
    extra: tuple[str, ...] = ()


CaseT = TypeVar("CaseT", bound=RealCase)


def as_job(case: CaseT, name: str, description: str, runs: list[Run] | None = None) -> CaseT:
    """``case`` again (same project, faults and labels; its commands unless ``runs`` are
    given), kept as a job log at the runner's checkout path."""
    again = runs if runs is not None else case.runs
    return dataclasses.replace(
        case, name=name, description=description, runs=again, place="runner", gha=True
    )


#: A wrong expectation in the calc project's tests (the marker ``# add`` is its line).
WRONG_ADD = ("tests/test_core.py", "add(2, 3) == 5", "add(2, 3) == 6  # add")


def on_calc(
    name: str,
    description: str,
    runs: list[Run],
    *,
    labels: list[Label],
    faults: list[tuple[str, str, str]] | None = None,
    gha: bool = False,
) -> RealCase:
    """A case on the calc project checked out at the runner's path."""
    return RealCase(name, description, "calc", runs, labels, faults or [], "runner", gha)


def _wheel(where: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> None:
    """A minimal pure-Python wheel, so pip and uv resolve against a local folder."""
    module = name.replace("-", "_")
    info = f"{module}-{version}.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{module}/__init__.py": "",
        f"{info}/METADATA": metadata,
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: corpus\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{p},,\n" for p in files) + f"{info}/RECORD,,\n"
    where.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(where / f"{module}-{version}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)


def local_wheels(root: Path) -> None:
    """``calc-plugin 1.0`` needs ``calc-base==2.0`` but only 1.0 exists: a real conflict."""
    _wheel(root / "wheels", "calc-base", "1.0")
    _wheel(root / "wheels", "calc-plugin", "1.0", ("calc-base==2.0",))
