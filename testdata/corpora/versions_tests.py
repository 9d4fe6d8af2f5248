"""Fourth triage corpus: pinned tool sets and interpreters, and the cases that run Python tests."""

from __future__ import annotations

from dataclasses import dataclass

from testdata.corpora.project import RealCase, Run, at, in_file
from testdata.corpora.realworld_tests import PYTEST, TZ_SRC


@dataclass(frozen=True)
class Toolset:
    """An interpreter (``major.minor``) and the exact tool versions one throwaway venv gets."""

    python: str
    pins: tuple[str, ...]


#: Older releases than the other corpora's (pytest 9, mypy 2, current ruff, flake8, black, pip).
TOOLSETS = {
    "old": Toolset(
        "3.12",
        (
            "pytest==7.4.4",
            "pytest-timeout==2.2.0",
            "pytest-rerunfailures==12.0",
            "flaky==3.8.1",
            "mypy==1.5.1",
            "ruff==0.1.15",
            "flake8==5.0.4",
            "black==23.12.1",
            "pip==23.3.2",
        ),
    ),
    "mid": Toolset(
        "3.13",
        (
            "pytest==8.0.2",
            "pytest-timeout==2.3.1",
            "pytest-rerunfailures==14.0",
            "mypy==1.10.1",
            "ruff==0.4.10",
            "flake8==6.1.0",
            "pylint==3.0.4",
            "black==24.4.2",
            "pip==24.0",
        ),
    ),
    "py311": Toolset("3.11", ("pylint==2.17.7", "pip==23.1.2")),
}


@dataclass
class VersionCase(RealCase):
    """A real-world case run with one of ``TOOLSETS``; ``project`` may also be ``node``,
    ``cargo`` or ``shell`` (an empty checkout that the faults fill)."""

    tools: str = "old"


T = "toolz/tests/test_ci_versions.py"
TT = T + "::"
CHECKS = '''"""CI checks of toolz helpers."""

from toolz import first, groupby, last, merge


def test_first():
    assert first("ABC") == "B"  # wrong expectation


def test_merge():
    merged = merge({"a": 1}, {"b": 2})
    assert merged["c"] == 3  # missing key


def test_groupby():
    groups = groupby(len, ["a", "bb"])
    groups[1].append_all(["c"])  # attribute


def test_last():
    items = [1, 2, 3]
    assert last(items) == items[len(items)]  # index
'''
SLOW = '''"""A check against a service that never answers."""

import time


def test_service_ready():
    time.sleep(30)  # hangs
'''
FLAKY = '''"""A check that fails on its first attempt only."""

from pathlib import Path


def test_cache_warm():
    marker = Path(__file__).with_suffix(".ran")
    if not marker.exists():
        marker.write_text("once")
        assert marker.read_text() == "warm"  # first attempt


def test_cache_size():
    assert len("abc") == 3
'''
FLAKY_PLUGIN = FLAKY.replace(
    "def test_cache_warm", "from flaky import flaky\n\n\n@flaky(max_runs=2)\ndef test_cache_warm"
)
DISK = '''"""A check that writes its report to a full disk."""


def test_write_report():
    with open("/dev/full", "w") as out:
        out.write("report")
        out.flush()  # disk full
'''
IMPORTS = '''"""CI checks that import a misspelt helper."""

from toolz import firts  # misspelt


def test_first():
    assert firts("ab") == "a"
'''
SYNTAX = '''"""CI checks with an unclosed call."""


def test_pairs():
    pairs = dict(a=1, b=2  # unclosed
    assert pairs
'''
#: A release script (not a test) that fails with the traceback styles of 3.12 and 3.13.
SCRIPT = "ci/release_check.py"
RELEASE = '''"""Checks a release manifest before upload."""

import sys

MANIFEST = {"name": "toolz", "files": ["toolz/__init__.py"], "version": None}


def version_tuple(manifest):
    return tuple(int(p) for p in manifest["version"].split("."))  # None


def sizes(manifest):
    return [len(path) for path in manifest["file"]]  # key


def check_all(manifest):
    errors = []
    for check in (version_tuple, sizes):
        try:
            check(manifest)
        except Exception as exc:
            exc.add_note(f"while running {check.__name__}")
            errors.append(exc)
    if errors:
        raise ExceptionGroup("release checks failed", errors)  # group


def main(argv):
    if argv[1:] == ["--group"]:
        check_all(MANIFEST)
    elif argv[1:] == ["--name"]:
        print(manfest["name"])  # misspelt name
    else:
        version_tuple(MANIFEST)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
'''
UNIT = "toolz/tests/test_ci_unit.py"
UNIT_TESTS = '''"""unittest checks of toolz."""

import unittest

from toolz import interpose, second


class HelpersTest(unittest.TestCase):
    def test_second(self):
        self.assertEqual(second("ABC"), "C")  # wrong expectation

    def test_interpose(self):
        self.assertEqual(list(interpose(0, [1, 2])), [1, 0, 2])


if __name__ == "__main__":
    unittest.main()
'''
SECOND_BUG = ("    next(seq)\n    return next(seq)", "    return next(seq)")
TIMEOUT = ["--timeout=2"]

TEST_CASES: list[VersionCase] = [
    VersionCase(
        "assertion_pytest7_py312_q",
        "pytest 7.4 on Python 3.12, -q: a wrong expectation and a missing key",
        "toolz",
        [Run([*PYTEST, "-q", T])],
        [
            at(T, "# wrong expectation", "assertion", TT + "test_first"),
            at(T, "# missing key", "runtime_error", TT + "test_merge"),
            at(T, "# attribute", "type_error", TT + "test_groupby"),
            at(T, "# index", "runtime_error", TT + "test_last"),
        ],
        [(T, "", CHECKS)],
    ),
    VersionCase(
        "runtime_pytest8_py313_native",
        "pytest 8.0 on Python 3.13, --tb=native (3.13 carets, 'Did you mean')",
        "toolz",
        [Run([*PYTEST, "--tb=native", T])],
        [
            at(T, "# wrong expectation", "assertion", TT + "test_first"),
            at(T, "# missing key", "runtime_error", TT + "test_merge"),
            at(T, "# attribute", "type_error", TT + "test_groupby"),
            at(T, "# index", "runtime_error", TT + "test_last"),
        ],
        [(T, "", CHECKS)],
        place="srv",
        tools="mid",
    ),
    VersionCase(
        "assertion_pytest8_py313_source_bug_verbose_gha",
        "toolz.second returns the first item; pytest 8.0 -v --tb=long, job log",
        "toolz",
        [Run([*PYTEST, "-v", "--tb=long", "-k", "test_second", "toolz/tests/test_itertoolz.py"])],
        [at("toolz/tests/test_itertoolz.py", "assert second('ABCDE') == 'B'", "assertion")],
        [(TZ_SRC, *SECOND_BUG)],
        place="runner",
        gha=True,
        tools="mid",
    ),
    VersionCase(
        "type_pytest7_py312_short_ra",
        "pytest 7.4 --tb=short -ra: AttributeError with a 'Did you mean' suggestion",
        "toolz",
        [Run([*PYTEST, "--tb=short", "-ra", T, "-k", "groupby"])],
        [at(T, "# attribute", "type_error", TT + "test_groupby")],
        [(T, "", CHECKS)],
    ),
    VersionCase(
        "timeout_pytest7_signal",
        "pytest-timeout 2.2 (signal method) under pytest 7.4",
        "toolz",
        [Run([*PYTEST, *TIMEOUT, "--timeout-method=signal", "toolz/tests/test_ci_slow.py"])],
        [at("toolz/tests/test_ci_slow.py", "# hangs", "timeout")],
        [("toolz/tests/test_ci_slow.py", "", SLOW)],
    ),
    VersionCase(
        "timeout_pytest8_thread_gha",
        "pytest-timeout 2.3 (thread method) under pytest 8.0 kills the run; job log",
        "toolz",
        [Run([*PYTEST, *TIMEOUT, "--timeout-method=thread", "toolz/tests/test_ci_slow.py"])],
        [at("toolz/tests/test_ci_slow.py", "# hangs", "timeout")],
        [("toolz/tests/test_ci_slow.py", "", SLOW)],
        place="runner",
        gha=True,
        tools="mid",
    ),
    VersionCase(
        "timeout_job_limit_pytest8_gha",
        "the job hits timeout-minutes during pytest 8.0 -v (runner message, exact wording)",
        "toolz",
        [
            Run(
                ["timeout", "3", *PYTEST, "-v", "toolz/tests/test_ci_slow.py"],
                suffix="\n##[error]The job running on runner GitHub Actions 12 has exceeded the "
                "maximum execution time of 1 minutes.\n",
                gate=False,
            )
        ],
        [in_file(None, "timeout")],
        [("toolz/tests/test_ci_slow.py", "", SLOW)],
        place="runner",
        gha=True,
        tools="mid",
    ),
    VersionCase(
        "flaky_rerunfailures12_summary",
        "pytest-rerunfailures 12 under pytest 7.4 without -v",
        "toolz",
        [Run([*PYTEST, "--reruns", "1", "toolz/tests/test_ci_flaky.py"])],
        [in_file("toolz/tests/test_ci_flaky.py", "flaky")],
        [("toolz/tests/test_ci_flaky.py", "", FLAKY)],
    ),
    VersionCase(
        "flaky_rerunfailures14_verbose",
        "pytest-rerunfailures 14 under pytest 8.0 with -v -rR",
        "toolz",
        [Run([*PYTEST, "-v", "-rR", "--reruns", "2", "toolz/tests/test_ci_flaky.py"])],
        [in_file("toolz/tests/test_ci_flaky.py", "flaky")],
        [("toolz/tests/test_ci_flaky.py", "", FLAKY)],
        tools="mid",
    ),
    VersionCase(
        "flaky_plugin_report",
        "the flaky plugin 3.8 (@flaky(max_runs=2)) under pytest 7.4: its Flaky Test Report",
        "toolz",
        [Run([*PYTEST, "-p", "no:rerunfailures", "toolz/tests/test_ci_flaky.py"])],
        [in_file("toolz/tests/test_ci_flaky.py", "flaky")],
        [("toolz/tests/test_ci_flaky.py", "", FLAKY_PLUGIN)],
    ),
    VersionCase(
        "infrastructure_disk_full_pytest8_py313",
        "a test writing to /dev/full (ENOSPC) under pytest 8.0 on Python 3.13",
        "toolz",
        [Run([*PYTEST, "toolz/tests/test_ci_report.py"])],
        [at("toolz/tests/test_ci_report.py", "# disk full", "infrastructure")],
        [("toolz/tests/test_ci_report.py", "", DISK)],
        tools="mid",
    ),
    VersionCase(
        "import_pytest8_py313_collection",
        "a misspelt import at collection: 3.13's 'Did you mean' ImportError under pytest 8.0",
        "toolz",
        [Run([*PYTEST, "toolz/tests/test_ci_imports.py"])],
        [at("toolz/tests/test_ci_imports.py", "# misspelt", "import_error")],
        [("toolz/tests/test_ci_imports.py", "", IMPORTS)],
        tools="mid",
    ),
    VersionCase(
        "syntax_pytest7_py312_collection",
        "an unclosed call at collection: 3.12's \"'(' was never closed\" under pytest 7.4",
        "toolz",
        [Run([*PYTEST, "-q", "toolz/tests/test_ci_syntax.py"])],
        [at("toolz/tests/test_ci_syntax.py", "# unclosed", "syntax_error")],
        [("toolz/tests/test_ci_syntax.py", "", SYNTAX)],
    ),
    VersionCase(
        "runtime_script_py313_carets_gha",
        "a release script's AttributeError on None in Python 3.13 (carets); job log",
        "toolz",
        [Run(["python", SCRIPT])],
        [at(SCRIPT, "# None", "type_error")],
        [(SCRIPT, "", RELEASE)],
        place="runner",
        gha=True,
        tools="mid",
    ),
    VersionCase(
        "runtime_script_py312_exception_group",
        "a release script's ExceptionGroup with notes, outside pytest, Python 3.12",
        "toolz",
        [Run(["python", SCRIPT, "--group"])],
        [at(SCRIPT, "# group", "runtime_error")],
        [(SCRIPT, "", RELEASE)],
    ),
    VersionCase(
        "runtime_script_py313_name_suggestion",
        "a misspelt name in a release script: 3.13's NameError with 'Did you mean'",
        "toolz",
        [Run(["python", SCRIPT, "--name"])],
        [at(SCRIPT, "# misspelt name", "runtime_error")],
        [(SCRIPT, "", RELEASE)],
        place="srv",
        tools="mid",
    ),
    VersionCase(
        "assertion_unittest_py313_verbose",
        "python -m unittest -v on Python 3.13: a wrong expectation",
        "toolz",
        [Run(["python", "-m", "unittest", "-v", "toolz.tests.test_ci_unit"])],
        [at(UNIT, "# wrong expectation", "assertion")],
        [(UNIT, "", UNIT_TESTS)],
        tools="mid",
    ),
    VersionCase(
        "green_pytest7_reruns_verbose",
        "toolz's itertoolz tests pass under pytest 7.4 -v with --reruns and --timeout",
        "toolz",
        [Run([*PYTEST, "-v", "--reruns", "1", "--timeout=60", "toolz/tests/test_itertoolz.py"])],
        [],
    ),
    VersionCase(
        "green_pytest8_py313_q",
        "toolz's dicttoolz tests pass under pytest 8.0 -q on Python 3.13",
        "toolz",
        [Run([*PYTEST, "-q", "toolz/tests/test_dicttoolz.py"])],
        [],
        place="runner",
        gha=True,
        tools="mid",
    ),
]
