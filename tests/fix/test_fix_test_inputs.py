"""Breakages found on a second set of real sdists: code that tests read as text, old Pythons."""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

from bot.core.fixes.guards import (
    DOCTEST_TEXT,
    DYNAMIC_NAMES,
    IMPORT_TEST,
    RE_EXPORTED,
    READS_SOURCE,
    doctests_changed,
    local_import_risk,
    re_export_risk,
    reads_source,
)
from bot.fixer.config import read_repo_style
from bot.fixer.files import is_test_input
from tests.fix.conftest import run_fix_json
from tests.fix.project import write

UNFORMATTED = "import os\nx = {'a':1}\n"


def test_python_files_that_tests_read_are_left_alone(tmp_path: Path) -> None:
    # parso 0.8.4: tests/normalizer_issue_files/*.py hold code with style issues on purpose,
    # and the tests compare the issues found with comments in those files.
    files: dict[str, str | bytes] = {
        "tests/test_norm.py": "import os\n\nHERE = os.path.dirname(__file__)\n",
        "tests/normalizer_issue_files/E12.py": UNFORMATTED,
        "tests/examplefiles/python/sample.py": UNFORMATTED,
        "tests/data/pkg/__init__.py": UNFORMATTED,
        "tests/helpers/__init__.py": "",
        "tests/helpers/util.py": UNFORMATTED,
        "tests/unit/test_x.py": UNFORMATTED,
        "tests/top_level_helper.py": UNFORMATTED,
    }
    write(tmp_path, files)
    run_fix_json(str(tmp_path), "--all")
    for rel in ("normalizer_issue_files/E12.py", "examplefiles/python/sample.py", "data/pkg"):
        path = tmp_path / "tests" / rel
        text = (path / "__init__.py" if path.is_dir() else path).read_text()
        assert text == UNFORMATTED, rel
    for rel in ("helpers/util.py", "unit/test_x.py", "top_level_helper.py"):
        assert (tmp_path / "tests" / rel).read_text() == 'x = {"a": 1}\n', rel
    assert not is_test_input("pkg/samples/x.py", set())  # outside test folders: code


SOURCE_DOCTEST = '''"""Prints its own source.

>>> import inspect
>>> print(inspect.getsource(half))
def half(n):
    return n/2
<BLANKLINE>
"""


def half(n):
    return n/2
'''


def test_files_whose_doctests_read_their_own_source_are_left_alone(tmp_path: Path) -> None:
    # decorator 5.1.1: a doctest printed inspect.getsource(f) and compared it with f as
    # written; the formatter's `n / 2` broke it.
    write(tmp_path, {"pkg/doc.py": SOURCE_DOCTEST, "pkg/lib.py": "import inspect\nx=1\n"})
    report = run_fix_json(str(tmp_path), "--all")
    assert {"path": "pkg/doc.py", "reason": READS_SOURCE, "fix": None} in report["skipped"]
    assert (tmp_path / "pkg/doc.py").read_text() == SOURCE_DOCTEST
    spec = importlib.util.spec_from_file_location("doc", tmp_path / "pkg/doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert doctest.testmod(module).failed == 0
    assert (tmp_path / "pkg/lib.py").read_text() == "x = 1\n"  # no inspect.getsource call
    assert reads_source("tests/test_a.py", "src = inspect.getsource(f)\n")
    assert not reads_source("pkg/a.py", "src = inspect.getsource(f)\n")


TRAILING_DOCTEST = (
    'import os\n\n\ndef pad():\n    """Pad.\n\n    >>> print("a  ")\n    a  \n    """\n'
)


def test_formatting_that_changes_doctest_text_is_held_back(tmp_path: Path) -> None:
    # The formatter strips trailing spaces in docstrings: a doctest expecting "a  " fails.
    write(tmp_path, {"m.py": TRAILING_DOCTEST, "plain.py": 'def f():\n    """Doc.  """\n'})
    report = run_fix_json(str(tmp_path), "--all")
    assert {"path": "m.py", "reason": DOCTEST_TEXT, "fix": "formatting"} in report["skipped"]
    assert (tmp_path / "m.py").read_text() == TRAILING_DOCTEST.removeprefix("import os\n")
    assert (tmp_path / "plain.py").read_text() == 'def f():\n    """Doc."""\n'
    namespace: dict[str, object] = {}
    exec((tmp_path / "m.py").read_text(), namespace)
    test = doctest.DocTestFinder().find(namespace["pad"], "pad", globs={})[0]
    assert doctest.DocTestRunner().run(test).failed == 0
    assert not doctests_changed("x = 1\n", "x=1\n")


def test_python_requires_bound_to_a_name_in_setup_py(tmp_path: Path) -> None:
    # simplejson 3.19.2: setup(python_requires=PYTHON_REQUIRES), the string set above it.
    legacy = "class A(object):\n    pass\n"
    setup = "PYTHON_REQUIRES = '>=2.5, !=3.0.*'\nsetup(python_requires=PYTHON_REQUIRES)\n"
    write(tmp_path, {"setup.py": setup, "m.py": legacy})
    run_fix_json(str(tmp_path), "--all")
    assert (tmp_path / "m.py").read_text() == legacy
    assert read_repo_style(tmp_path).min_python == (2, 5)


def test_unused_import_risks_in_the_file_come_before_other_files() -> None:
    nested = {("os", False)}
    assert local_import_risk("tests/test_a.py", "def t():\n    import os\n", nested) == IMPORT_TEST
    assert local_import_risk("a.py", "x = locals()\n", {("os", True)}) == DYNAMIC_NAMES
    assert local_import_risk("a.py", "import os\n", {("os", True)}) is None
    used = {("a", "os"): {"b.py"}}
    assert re_export_risk("pkg/a.py", {("os", True)}, used) == RE_EXPORTED.format(names="os")
    assert re_export_risk("b.py", {("os", True)}, {("b", "os"): {"b.py"}}) is None
