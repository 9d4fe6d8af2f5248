"""Each recogniser on snippets of real tool output taken from the corpus."""

from __future__ import annotations

from bot.core.triage import Category, triage_text
from bot.core.triage.model import Failure
from tests.triage.scoring import CORPUS


def _corpus(case: str) -> str:
    return (CORPUS / f"{case}.log").read_text()


def _one(text: str) -> Failure:
    found = triage_text(text)
    assert len(found) == 1, found
    return found[0]


def test_pytest_pairs_section_and_summary_into_one_failure() -> None:
    failure = _one(_corpus("assertion_simple"))
    assert (failure.category, failure.file, failure.test) == (
        Category.ASSERTION,
        "tests/test_core.py",
        "tests/test_core.py::test_add",
    )
    assert failure.message == "assert 5 == 6"
    assert failure.line == 7
    assert failure.tool == "pytest"


def test_pytest_summary_alone_still_reports_the_test() -> None:
    text = "FAILED tests/test_a.py::TestX::test_y - KeyError: 'k'\n"
    summary = "=========================== short test summary info ============================\n"
    failure = _one(summary + text)
    assert failure.category is Category.RUNTIME_ERROR
    assert (failure.file, failure.line, failure.test) == (
        "tests/test_a.py",
        None,
        "tests/test_a.py::TestX::test_y",
    )


def test_pytest_collection_syntax_error_points_at_the_broken_module() -> None:
    failure = _one(_corpus("syntax_pytest_collection"))
    assert (failure.category, failure.file, failure.line) == (
        Category.SYNTAX_ERROR,
        "calc/core.py",
        4,
    )


def test_traceback_picks_innermost_repository_frame() -> None:
    failure = _one(_corpus("runtime_script_traceback"))
    assert (failure.category, failure.file, failure.line) == (
        Category.RUNTIME_ERROR,
        "calc/core.py",
        16,
    )
    assert failure.message.startswith("ValueError: invalid literal")


def test_traceback_skips_site_packages_frames() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/home/runner/work/app/app/app/main.py", line 9, in run\n'
        "    client.get()\n"
        '  File "/usr/lib/python3/dist-packages/requests/api.py", line 73, in get\n'
        "    raise TypeError('x')\n"
        "TypeError: x\n"
    )
    failure = _one(text)
    assert (failure.category, failure.file, failure.line) == (Category.TYPE_ERROR, "app/main.py", 9)


def test_unittest_names_the_test() -> None:
    failure = _one(_corpus("assertion_unittest"))
    assert failure.test == "tests.test_unit.CoreTest.test_add"
    assert (failure.file, failure.category) == ("tests/test_unit.py", Category.ASSERTION)


def test_ruff_full_and_concise_and_flake8_and_pylint() -> None:
    assert [(f.rule, f.line) for f in triage_text(_corpus("lint_ruff_full"))] == [("F401", 3)]
    assert sorted(f.rule or "" for f in triage_text(_corpus("lint_ruff_concise_three"))) == [
        "E501",
        "F401",
        "I001",
    ]
    assert sorted(f.rule or "" for f in triage_text(_corpus("lint_flake8"))) == ["F841", "W291"]
    assert sorted(f.rule or "" for f in triage_text(_corpus("lint_pylint"))) == ["W0611", "W0613"]


def test_lint_auto_fixable_comes_from_the_catalog() -> None:
    by_rule = {f.rule: f.auto_fixable for f in triage_text(_corpus("lint_ruff_concise_three"))}
    assert by_rule == {"F401": True, "I001": True, "E501": False}


def test_mypy_codes_map_to_categories() -> None:
    assert _one(_corpus("type_mypy_return")).category is Category.TYPE_ERROR
    assert _one(_corpus("import_mypy_missing")).category is Category.IMPORT_ERROR


def test_formatters_report_the_file() -> None:
    failure = _one(_corpus("format_black"))
    assert (failure.category, failure.file, failure.auto_fixable) == (
        Category.FORMAT,
        "calc/core.py",
        True,
    )
    files = sorted(f.file or "" for f in triage_text(_corpus("format_ruff_two_files_gha")))
    assert files == ["calc/core.py", "tests/test_core.py"]


def test_one_syntax_error_seen_by_three_tools_is_one_failure() -> None:
    failure = _one(_corpus("syntax_all_tools_gha"))
    assert (failure.category, failure.file, failure.line) == (
        Category.SYNTAX_ERROR,
        "calc/core.py",
        4,
    )


def test_pip_and_uv() -> None:
    assert _one(_corpus("dependency_pip_conflict_gha")).category is Category.DEPENDENCY
    assert _one(_corpus("dependency_uv_no_solution")).category is Category.DEPENDENCY
    assert _one(_corpus("infrastructure_pip_network")).category is Category.INFRASTRUCTURE
    assert _one(_corpus("infrastructure_uv_network_gha")).category is Category.INFRASTRUCTURE


def test_timeouts() -> None:
    signal = _one(_corpus("timeout_pytest_signal"))
    assert (signal.category, signal.file, signal.line) == (
        Category.TIMEOUT,
        "tests/test_slow.py",
        7,
    )
    thread = _one(_corpus("timeout_pytest_thread_gha"))
    assert (thread.file, thread.line, thread.test) == (
        "tests/test_slow.py",
        7,
        "tests/test_slow.py::test_slow",
    )
    assert _one(_corpus("timeout_command_gha")).message.endswith("exit code 124.")
    assert _one(_corpus("timeout_job_limit_gha")).category is Category.TIMEOUT


def test_flaky_from_reruns() -> None:
    for case in ("flaky_rerun_verbose", "flaky_rerun_summary_gha", "flaky_rerun_xdist"):
        failure = _one(_corpus(case))
        assert (failure.category, failure.test) == (
            Category.FLAKY,
            "tests/test_flaky.py::test_flaky",
        )


def test_runner_messages_and_cancellation_precedence() -> None:
    shutdown = _one(_corpus("infrastructure_shutdown_gha"))
    assert "shutdown signal" in shutdown.message
    assert _one(CANCELED_ONLY).category is Category.INFRASTRUCTURE


CANCELED_ONLY = "2025-01-01T00:00:00.0000000Z ##[error]The operation was canceled.\n"


def test_annotation_command_is_unescaped_and_located() -> None:
    failure = _one("::error file=src/a.py,line=3,title=Boom::first%0Asecond\n")
    assert (failure.file, failure.line, failure.message) == ("src/a.py", 3, "first")
    ruff = triage_text(_corpus("lint_ruff_github_gha"))
    assert sorted(f.rule or "" for f in ruff) == ["E741", "F841"]


def test_exit_code_is_reported_only_when_nothing_else_explains_it() -> None:
    assert _one(_corpus("unknown_exit_code_gha")).category is Category.UNKNOWN
    categories = [f.category for f in triage_text(_corpus("multi_lint_types_tests_gha"))]
    assert Category.UNKNOWN not in categories


def test_other_languages() -> None:
    text = (
        "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n"
        "error[E0308]: mismatched types\n"
        " --> src/main.rs:4:5\n"
        "--- FAIL: TestAdd (0.00s)\n"
        "    calc_test.go:12: got 3, want 4\n"
    )
    found = {(f.tool, f.category, f.file, f.line) for f in triage_text(text)}
    assert found == {
        ("tsc", Category.TYPE_ERROR, "src/app.ts", 3),
        ("cargo", Category.TYPE_ERROR, "src/main.rs", 4),
        ("go", Category.ASSERTION, "calc_test.go", 12),
    }


def test_false_alarm_lines_are_silent() -> None:
    text = (
        "tests/test_api.py::test_error_handling PASSED                 [ 50%]\n"
        "Found 0 errors in 12 files\n"
        "python -m pytest -W error::DeprecationWarning\n"
        "=================== 12 passed in 0.52s ===================\n"
    )
    assert triage_text(text) == []


def test_ranking_puts_blocking_failures_first() -> None:
    ranks = [f.rank for f in triage_text(_corpus("multi_lint_types_tests_gha"))]
    assert ranks == sorted(ranks)
    assert [f.category for f in triage_text(_corpus("multi_lint_types_tests_gha"))] == [
        Category.TYPE_ERROR,
        Category.ASSERTION,
        Category.LINT,
    ]
