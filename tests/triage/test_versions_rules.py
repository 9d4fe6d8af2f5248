"""The rules the fourth corpus (tool and Python versions, jest, tsc, cargo) taught the engine."""

from __future__ import annotations

from bot.core.triage import triage_text
from bot.core.triage.paths import PathResolver
from tests.triage.scoring import VERSIONS


def _places(text: str) -> list[tuple[str, str | None, int | None]]:
    return [(str(f.category), f.file, f.line) for f in triage_text(text)]


def _case(case: str) -> list[tuple[str, str | None, int | None]]:
    return _places((VERSIONS / f"{case}.log").read_text())


def test_jest_sections_are_placed_at_their_first_frame_in_the_repository() -> None:
    assert sorted(_case("assertion_jest_expect_and_throws")) == [
        ("assertion", "tests/prices.test.js", 5),
        ("runtime_error", "src/prices.js", 7),
        ("type_error", "src/prices.js", 13),
    ]
    assert sorted(_case("assertion_jest_colors_gha")) == sorted(
        _case("assertion_jest_expect_and_throws")
    )


def test_cargo_test_panics_new_and_old_formats() -> None:
    assert _case("assertion_cargo_test") == [
        ("runtime_error", "src/lib.rs", 6),
        ("assertion", "src/lib.rs", 15),
    ]
    old = (
        "thread 'tests::adds' panicked at 'assertion failed: `(left == right)`\n"
        "  left: `5`,\n right: `6`', src/lib.rs:15:9\n"
        "thread 'main' panicked at 'no config', src/main.rs:3:5\n"
    )
    found = triage_text(old)
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        ("runtime_error", "src/main.rs", 3, None),
        ("assertion", "src/lib.rs", 15, "tests::adds"),
    ]


def test_rustc_parse_errors_and_tsc_parser_errors_are_syntax_errors() -> None:
    assert _case("syntax_rustc_parse_gha") == [("syntax_error", "src/lib.rs", 2)]
    assert _case("type_rustc_e0308") == [("type_error", "src/lib.rs", 2)]
    assert _case("syntax_tsc_ts1005_pretty_gha") == [("syntax_error", "src/rate.ts", 1)]
    assert _case("type_tsc_ts2322") == [("type_error", "src/total.ts", 2)]


def test_the_flaky_plugin_report_names_a_test_that_passed_on_rerun() -> None:
    found = triage_text((VERSIONS / "flaky_plugin_report.log").read_text())
    assert [(str(f.category), f.test) for f in found] == [("flaky", "test_cache_warm")]
    failed_for_good = "test_x failed (1 runs remaining out of 2).\ntest_x failed; it passed 0 out"
    assert triage_text(failed_for_good) == []


def test_an_exception_group_outside_pytest_is_placed_at_its_raise() -> None:
    found = triage_text((VERSIONS / "runtime_script_py312_exception_group.log").read_text())
    assert [(str(f.category), f.line) for f in found] == [("runtime_error", 25)]
    assert found[0].message.startswith("ExceptionGroup: release checks failed")


def test_the_runner_time_limit_is_read_inside_an_unfinished_pytest_session() -> None:
    assert _case("timeout_job_limit_pytest8_gha") == [("timeout", None, None)]


def test_a_ci_script_folder_anchors_an_absolute_path() -> None:
    resolve = PathResolver().resolve
    assert resolve("/srv/ci-builds/toolz-main/ci/release_check.py") == "ci/release_check.py"
    assert resolve("/opt/build/app/scripts/release.py") == "scripts/release.py"
    assert _case("runtime_script_py313_name_suggestion") == [
        ("runtime_error", "ci/release_check.py", 32)
    ]
