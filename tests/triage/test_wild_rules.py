"""What new users hit on small logs, and logs from other CI systems, on real tool output."""

from __future__ import annotations

import pytest

from bot.core.triage import triage_text
from bot.core.triage.logs import LineNormaliser, clean_line, strip_prefixes
from tests.triage.scoring import WILD


def _places(case: str) -> list[tuple[str, str | None, int | None]]:
    found = triage_text((WILD / f"{case}.log").read_text())
    return [(str(f.category), f.file, f.line) for f in found]


def test_a_script_syntax_error_without_a_traceback_header_is_found() -> None:
    # ``python tools/report.py`` prints the File line, the code, a caret and the error.
    assert _places("syntax_python_script_no_traceback") == [("syntax_error", "tools/report.py", 3)]


def test_pytest_tb_line_keeps_the_line_number() -> None:
    assert _places("assertion_pytest_tb_line") == [("assertion", "tests/test_calc.py", 5)]


def test_pytest_then_unittest_adds_no_empty_unknown_item() -> None:
    # unittest's ``FAILED (failures=1)`` is not a pytest summary line for a test ``(failures=1)``.
    assert _places("multi_pytest_then_unittest") == [
        ("assertion", "tests/test_calc.py", 5),
        ("assertion", "legacy/test_legacy.py", 6),
    ]


@pytest.mark.parametrize(
    "case", ["runtime_script_after_pytest_tb_short", "runtime_script_after_pytest_quiet"]
)
def test_a_script_traceback_after_pytest_output_is_kept(case: str) -> None:
    # ``pytest -q`` ends without the closing ``=====`` rule; the session still ends there.
    assert _places(case) == [
        ("runtime_error", "scripts/check_config.py", 2),
        ("assertion", "tests/test_calc.py", 5),
    ]


def test_a_failed_step_without_a_tool_error_is_one_honest_unknown() -> None:
    found = triage_text((WILD / "unknown_gha_step_exit.log").read_text())
    assert [str(f.category) for f in found] == ["unknown"]
    assert found[0].message == (
        "`sh deploy.sh` failed (exit code 3); last lines: uploading site | upload refused by remote"
    )


def test_buildkit_names_the_failed_command_itself() -> None:
    found = triage_text((WILD / "unknown_docker_pip_one_line.log").read_text())
    assert [(str(f.category), f.message) for f in found] == [
        ("unknown", "`pip install -r requirements.txt` failed (exit code 1)")
    ]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("[2023-02-08T07:29:15.204Z] [INFO] Results:", "[INFO] Results:"),
        ("17:24:26  Flakes: ", "Flakes:"),
        ("7:51:34 PM: npm error code ERESOLVE", "npm error code ERESOLVE"),
        ("#12 1.36 tests/test_calc.py:5: AssertionError", "tests/test_calc.py:5: AssertionError"),
        ("[    7s] test tests::adds ... FAILED", "test tests::adds ... FAILED"),
        (
            "[  159.121770] cloud-init[805]: Traceback (most recent call last):",
            "Traceback (most recent call last):",
        ),
        (
            "3: src/calc.c:2:27: error: too few arguments",
            "src/calc.c:2:27: error: too few arguments",
        ),
        ("py311: FAILED tests/a.py::t - assert 0", "FAILED tests/a.py::t - assert 0"),
        ("[0] npm ERR! code ERESOLVE", "npm ERR! code ERESOLVE"),
        ("[Pipeline] sh", "sh"),
        ("web-1  | KeyError: 'x'", "KeyError: 'x'"),
        ("[2023-02-08T07:29:15.204Z] #10 3.1 ERROR: Exception:", "ERROR: Exception:"),
        ("build\t16-Oct-2018 22:00:37\tE   SyntaxError: x", "E   SyntaxError: x"),
        ("16-Oct-2018 22:00:37 | E   SyntaxError: x", "E   SyntaxError: x"),
    ],
)
def test_one_normaliser_strips_other_ci_systems_prefixes(raw: str, text: str) -> None:
    assert clean_line(raw) == text


def test_the_normaliser_leaves_tool_output_alone() -> None:
    for line in ("tests/test_x.py:12: AssertionError", "E   assert 1 == 2", "  12:5  F401 x"):
        assert strip_prefixes(line) == line


def test_line_links_copied_from_the_web_page_are_dropped() -> None:
    link = "[35](https://github.com/o/r/runs/7175345771?check_suite_focus=true#step:6:36)"
    assert clean_line(link) == ""
    inline = "npm ERR! While resolving: x@[4](https://github.com/o/r/actions/runs/1#step:4:4).1.0"
    assert clean_line(inline) == "npm ERR! While resolving: x@4.1.0"


def test_gitlab_sections_and_overwritten_text() -> None:
    raw = "section_start:1741078800:step_script\r\x1b[0K\x1b[0;m\x1b[0KExecuting step"
    assert clean_line(raw) == "Executing step"


def test_a_pasted_logs_indentation_is_learned_from_a_line_that_starts_at_the_margin() -> None:
    normaliser = LineNormaliser()
    lines = [
        "    Traceback (most recent call last):",
        '      File "a.py", line 1',
        "    KeyError: 1",
    ]
    assert [normaliser.clean(line) for line in lines] == [
        "Traceback (most recent call last):",
        '  File "a.py", line 1',
        "KeyError: 1",
    ]
    assert normaliser.clean("next: not indented") == "next: not indented"
    assert normaliser.clean("    KeyError: 1") == "    KeyError: 1"


@pytest.mark.parametrize(
    "case",
    sorted(p.name.removesuffix(".log") for p in WILD.glob("green_*.log")),
)
def test_green_logs_from_the_wild_that_mention_errors_stay_empty(case: str) -> None:
    assert _places(case) == []
