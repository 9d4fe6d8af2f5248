"""Python's tools as real logs from the wild print them: old pip and easy_install, poetry,
crashed interpreters, stalled tests, unittest pasted as Markdown, pytest under tox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.triage import triage_text
from tests.triage.scoring import WILD


def _found(case: str) -> list[tuple[str, str | None, int | None, str | None]]:
    found = triage_text((WILD / f"{case}.log").read_text())
    return [(str(f.category), f.file, f.line, f.test) for f in found]


@pytest.mark.parametrize(
    "case",
    [
        "dependency_pip6_package_removed_travis",  # pip 6: No distributions at all found
        "dependency_pip6_no_distributions_make_travis",
        "dependency_easy_install_wrong_match_py27",  # error: Could not find required distribution
        "dependency_poetry_solver_buildkit_prefix",  # SolverProblemError, cut before its end
    ],
)
def test_old_installers_and_poetrys_title_are_one_dependency_failure(case: str) -> None:
    assert [category for category, *_ in _found(case)] == ["dependency"]


def test_an_index_that_did_not_answer_makes_the_missing_package_infrastructure() -> None:
    # setuptools' ``Download error on …: CERTIFICATE_VERIFY_FAILED`` before ``No local
    # packages or working download links found for numpy``.
    assert _found("infrastructure_dockerhub_setup_py_ssl_verify") == [
        ("infrastructure", None, None, None)
    ]
    # pip's ``Could not fetch URL …: connection error`` with nothing else failing after it.
    assert _found("infrastructure_jenkins_windows_pip_ssl_eof") == [
        ("infrastructure", None, None, None)
    ]


def test_faulthandler_places_the_crash_in_the_threads_innermost_project_frame() -> None:
    node = "tests/interface/test_main.py::test_Window_setup"
    assert _found("runtime_pytest_faulthandler_gha_thread") == [
        ("runtime_error", "tests/interface/test_main.py", 1531, node)
    ]
    # Every frame in .nox's site-packages, the standard library or frozen importlib: no file.
    assert _found("runtime_nox_pypy_segfault_indented") == [("runtime_error", None, None, None)]


def test_a_shells_crash_report_on_a_pytest_progress_line() -> None:
    node = "ophyd/tests/test_flyers.py::test_ad_time_series[pyepics]"
    assert _found("runtime_pytest_segfault_travis_coverage_run") == [
        ("runtime_error", "ophyd/tests/test_flyers.py", None, node)
    ]
    assert _found("runtime_pytest_segfault_travis_collecting") == [
        ("runtime_error", None, None, None)
    ]


def test_a_silent_job_names_the_test_left_running() -> None:
    assert _found("timeout_travis_no_output_quoted_dots") == [
        ("timeout", "vofs/tests/test_cadc_cache.py", None, None)
    ]
    test = "examplestests.MobAnalysisScriptTest.testAnvilWorld"
    assert _found("timeout_unittest_verbose_travis_indented") == [("timeout", None, None, test)]
    # pytest-xdist's last test had passed: nothing was left running.
    assert _found("timeout_travis_no_output_xdist") == [("timeout", None, None, None)]


def test_unittest_pasted_as_markdown_or_with_elided_frames() -> None:
    assert _found("assertion_unittest_markdown_mangled_headers") == [
        ("assertion", "adzone/tests.py", 185, "adzone.tests.ClickTestCase.testClickOnAds")
    ]
    test = "tests.suite.loader.TestTestLoader.test_djangoapp_tags"
    assert _found("assertion_unittest_travis_elided_traceback") == [("assertion", None, None, test)]


def test_pytest_under_tox_and_in_packagers_builds() -> None:
    # tox's ``____ summary ____`` is no test; ngraph's checkout is /root/ngraph.
    assert _found("syntax_pytest_tox_travis_subfolder") == [
        ("syntax_error", "python/test/test_ops.py", 643, None)
    ]
    # ``ImportError while loading conftest``: the innermost project frame of the import chain.
    assert _found("import_tox_py312_conftest_distutils") == [
        ("import_error", "test_support/test_support/__init__.py", 1, None)
    ]
    # Alpine's abuild: the sources are unpacked in src/<name>-<version>/.
    assert _found("syntax_pytest_aports_module_under_test") == [
        ("syntax_error", "whatever.py", 34, None)
    ]


def test_a_traceback_tail_above_the_summary_places_that_files_failure() -> None:
    # ``tests/test_search.py:40: AssertionError`` is the end of the one failure from that file.
    found = _found("assertion_pytest_py313_summary_after_tb_tail")
    assert [(path, line) for _, path, line, _ in found] == [
        ("tests/test_filters.py", None),
        ("tests/test_filters.py", None),
        ("tests/test_pdir_format.py", None),
        ("tests/test_search.py", 40),
    ]


def test_a_progress_F_whose_section_was_cut_off_is_a_failure_in_that_file() -> None:
    assert sorted(_found("assertion_pytest_unittest_testcase_session"), key=str) == [
        ("assertion", "tests/integration/test_integration.py", 10, "MyTestCase.test_something"),
        ("assertion", "tests/unit/test_unit.py", None, None),
    ]


def test_a_quoted_pytest_timeout_message_is_the_assertion_it_sits_in() -> None:
    found = _found("assertion_pytest_short_summary_macports")
    assert {category for category, *_ in found} == {"assertion"}


def test_byte_compilers_and_collection_name_the_file_of_a_syntax_error() -> None:
    assert _found("syntax_rpm_byte_compiling_warning_py27") == [
        ("syntax_error", "Flowblade/tools/gmicplayer.py", 46, None)
    ]
    assert _found("syntax_pytest_collect_py27_with_coverage_table") == [
        ("syntax_error", "quakenet/test/data_io_test.py", 14, None)
    ]


def test_a_timeout_dump_cut_short_is_put_in_the_file_its_progress_line_names() -> None:
    path = "tests/test_unit/test_security/test_allauth/test_allauth_session_auth.py"
    assert _found("timeout_pytest_timeout_windows_cibw") == [("timeout", path, None, None)]


def _run(tmp_path: Path, *args: str, script: str = "") -> str:
    if script:
        (tmp_path / "test_logged.py").write_text(script)
    done = subprocess.run(
        [sys.executable, *args], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    return done.stdout + done.stderr


def test_python_dash_m_without_the_module_is_an_import_error(tmp_path: Path) -> None:
    for module in ("no_such_module_here", "no_such_package_here.sub"):
        found = triage_text(_run(tmp_path, "-m", module))
        assert [(str(f.category), f.file) for f in found] == [("import_error", None)]


_LOGGED = """import traceback
import unittest


class Logged(unittest.TestCase):
    def test_logs_a_handled_error(self):
        try:
            {}["missing"]
        except KeyError:
            traceback.print_exc()

    def test_fails(self):
        try:
            {}["missing"]
        except KeyError:
            traceback.print_exc()
        self.assertEqual(1, {})
"""


def test_unittest_verbose_output_before_ok_is_not_a_failure(tmp_path: Path) -> None:
    text = _run(tmp_path, "-m", "unittest", "-v", "test_logged", script=_LOGGED)
    assert "test_logs_a_handled_error (test_logged.Logged" in text
    found = triage_text(text)
    assert [(str(f.category), f.test) for f in found] == [
        ("assertion", "test_logged.Logged.test_fails")
    ]
