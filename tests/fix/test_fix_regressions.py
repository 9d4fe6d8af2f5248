"""Breakages found by running ``autopilot fix`` on real sdists, rebuilt as small projects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.core.fixes.guards import lower_bound, sorting_changed_behaviour
from bot.core.fixes.ruff import parse_syntax_errors
from bot.fixer.run import FixOptions, fix_tree
from tests.fix.conftest import run_fix, run_fix_json
from tests.fix.project import write


def imports_ok(root: Path, statement: str) -> bool:
    """True when ``statement`` runs in a fresh interpreter with root on sys.path."""
    result = subprocess.run(
        [sys.executable, "-c", statement], cwd=root, capture_output=True, timeout=60, check=False
    )
    return result.returncode == 0


def held(report: dict[str, object], fix: str) -> set[str]:
    items = report["skipped"]
    assert isinstance(items, list)
    return {item["path"] for item in items if item["fix"] == fix}


def test_package_init_import_order_is_kept(tmp_path: Path) -> None:
    # pyparsing 3.1.2: sorting its __init__ imports made helpers load before core (circular).
    write(
        tmp_path,
        {
            "pkg/__init__.py": "from .zcore import flag\nfrom .helpers import helper   \n",
            "pkg/zcore.py": "flag = 1\n",
            "pkg/helpers.py": "from . import flag\n\nhelper = flag + 1\n",
            "stars/__init__.py": "from .second import *\nfrom .first import *\n",
            "stars/first.py": "VALUE = 'first'\n",
            "stars/second.py": "VALUE = 'second'\n",
        },
    )
    report = run_fix_json(str(tmp_path), "--all")
    assert held(report, "import-sorting") == {"pkg/__init__.py", "stars/__init__.py"}
    init = (tmp_path / "pkg/__init__.py").read_text()
    assert init == "from .zcore import flag\nfrom .helpers import helper\n"  # other fixes ran
    assert imports_ok(tmp_path, "import pkg; assert pkg.helper == 2")
    assert imports_ok(tmp_path, "import stars; assert stars.VALUE == 'first'")
    assert (
        sorting_changed_behaviour("a.py", "import b\nimport a\n", "import a\nimport b\n") is False
    )


def test_unused_imports_that_other_files_use_are_kept(tmp_path: Path) -> None:
    # Compat modules re-export names without __all__; tests patch "pkg.compat.os".
    write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/compat.py": "import os\nimport sys\nfrom collections import OrderedDict\n",
            "pkg/use.py": "from pkg.compat import (\n    OrderedDict,\n)\n\nMAP = OrderedDict()\n",
            "pkg/other.py": "import json\n\nPATCH = 'pkg.compat.os'\n",
        },
    )
    report = run_fix_json(str(tmp_path), "--all")
    compat = (tmp_path / "pkg/compat.py").read_text()
    assert "import os" in compat and "OrderedDict" in compat
    assert "import sys" in compat  # the file is left to the other fixes as a whole
    assert held(report, "unused-imports") == {"pkg/compat.py"}
    assert "import json" not in (tmp_path / "pkg/other.py").read_text()
    assert imports_ok(tmp_path, "import pkg.use")


def test_imports_read_dynamically_or_checked_by_tests_are_kept(tmp_path: Path) -> None:
    # python-dateutil 2.9.0: a test imported names and read them back through locals().
    dynamic = 'def test_all():\n    from json import dumps, loads\n\n    assert locals()["dumps"]\n'
    importable = "def test_importable():\n    import json\n"
    write(tmp_path, {"tests/test_dyn.py": dynamic, "tests/test_imp.py": importable})
    report = run_fix_json(str(tmp_path), "--all")
    assert held(report, "unused-imports") == {"tests/test_dyn.py", "tests/test_imp.py"}
    assert (tmp_path / "tests/test_dyn.py").read_text() == dynamic
    assert (tmp_path / "tests/test_imp.py").read_text() == importable


def test_pyupgrade_follows_python_requires_from_setup_files(tmp_path: Path) -> None:
    # six 1.16.0 supports Python 2.7 (setup.cfg); pyupgrade gave it super() and classic classes.
    legacy = "class A(object):\n    def f(self):\n        return super(A, self).f()\n"
    write(tmp_path / "six", {"setup.cfg": "[options]\npython_requires = >=2.7\n", "m.py": legacy})
    typed = "from typing import List\n\n\ndef f(x: List[int]) -> None:\n    pass\n"
    setup = "from setuptools import setup\n\nsetup(python_requires='>=3.8')\n"
    write(tmp_path / "py38", {"setup.py": setup, "m.py": typed})
    run_fix_json(str(tmp_path / "six"), "--all")
    run_fix_json(str(tmp_path / "py38"), "--all")
    assert (tmp_path / "six/m.py").read_text() == legacy
    assert (tmp_path / "py38/m.py").read_text() == typed  # list[int] needs Python 3.9
    assert lower_bound(">=2.7, !=3.0.*, !=3.1.*") == (2, 7)
    assert lower_bound("<4") is None


def test_unfixable_files_are_reported_not_fatal(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "bad.py": "def f(:\n    pass\n",
            "latin.py": b"# coding: latin-1\nimport os\ns = '\xe9'\n",
            "ro.py": "import os\n",
            "ok.py": "import os\nx=1\n",
        },
    )
    (tmp_path / "ro.py").chmod(0o444)
    report = run_fix_json(str(tmp_path), "--all")
    reasons = {item["path"]: item["reason"] for item in report["skipped"]}
    assert reasons["bad.py"].startswith("syntax error at line 1")
    assert reasons["latin.py"] == "binary or not UTF-8 text"
    assert reasons["ro.py"] == "read-only file"
    assert (tmp_path / "ro.py").read_text() == "import os\n"
    assert (tmp_path / "ok.py").read_text() == "x = 1\n"
    code, out = run_fix(str(tmp_path / "bad.py"), "--all")
    assert code == 0 and "skipped bad.py: syntax error" in out
    fmt = "error: Failed to parse x.py:2:5: Unexpected indentation"
    assert parse_syntax_errors(fmt) == {
        "x.py": "syntax error at line 2, column 5: Unexpected indentation"
    }


def test_progress_lines_name_each_stage(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": "import os\n"})
    lines: list[str] = []
    report = fix_tree(tmp_path, FixOptions(everything=True, validate="true", progress=lines.append))
    assert report.after == {"m.py": ""}
    assert lines == [
        f"1 file(s) to check under {tmp_path.resolve()}",
        "running `true` (before fixing)",
        "running `true` (after fixing)",
    ]
