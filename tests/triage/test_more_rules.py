"""The rules the eighth corpus (go test, poetry, a C extension build) taught the engine."""

from __future__ import annotations

from bot.core.triage import triage_text
from tests.triage.scoring import MORE


def _places(text: str) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(str(f.category), f.file, f.line, f.test) for f in triage_text(text)]


def test_go_test_failure_is_placed_at_its_errorf_line_with_and_without_verbose() -> None:
    plain = "--- FAIL: TestAdd (0.00s)\n    calc_test.go:7: got 5 want 6\nFAIL\n"
    verbose = "=== RUN   TestAdd\n    calc_test.go:7: got 5 want 6\n--- FAIL: TestAdd (0.00s)\n"
    expected = [("assertion", "calc_test.go", 7, "TestAdd")]
    assert _places(plain) == expected
    assert _places(verbose) == expected


def test_go_compile_errors_are_type_or_syntax_errors() -> None:
    text = "# calc\n./calc.go:5:17: undefined: offset\n./util.go:3:1: syntax error: unexpected }\n"
    assert _places(text) == [
        ("syntax_error", "util.go", 3, None),
        ("type_error", "calc.go", 5, None),
    ]


def test_go_panic_is_placed_at_the_first_frame_outside_the_runtime() -> None:
    assert _places((MORE / "runtime_go_panic_gha.log").read_text()) == [
        ("runtime_error", "calc.go", 9, "TestPick")
    ]


def test_poetry_solver_failure_is_dependency() -> None:
    text = "Resolving dependencies...\n\nBecause a (1.0) depends on b (2.0)\n" + (
        "So, because calc depends on a (1.0), version solving failed.\n"
    )
    assert _places(text) == [("dependency", None, None, None)]


def test_c_extension_build_failure_is_dependency_at_the_compiler_error() -> None:
    text = (
        "  error: subprocess-exited-with-error\n  ╰─> [3 lines of output]\n"
        "      calc/_speed.c:6:29: error: 'spede' undeclared\n"
        "      error: command '/usr/bin/gcc' failed with exit code 1\n      [end of output]\n"
    )
    assert _places(text) == [("dependency", "calc/_speed.c", 6, None)]
    no_compiler = "  error: subprocess-exited-with-error\n      oops\n      [end of output]\n"
    assert _places(no_compiler) == [("dependency", None, None, None)]
