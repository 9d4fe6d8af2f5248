"""Go, JVM, .NET, C/C++ and CI-runner signatures from logs from the wild."""

from __future__ import annotations

import pytest

from bot.core.triage import triage_text
from bot.core.triage.recognisers.go import package_dir


def _places(text: str) -> list[tuple[str, str | None, int | None]]:
    return [(str(f.category), f.file, f.line) for f in triage_text(text)]


@pytest.mark.parametrize(
    ("package", "folder"),
    [
        ("github.com/gitmoot/gitmoot/internal/cli", "internal/cli"),
        ("github.com/o/r/v2/pkg/api", "pkg/api"),
        ("github.com/o/r", ""),
        ("golang.org/x/tools/go/ast", "go/ast"),
        ("k8s.io/kubernetes/pkg/kubelet", "pkg/kubelet"),
        ("calc", ""),
        ("calc/internal/num", "internal/num"),
    ],
)
def test_a_package_import_path_gives_its_folder_in_the_repository(
    package: str, folder: str
) -> None:
    assert package_dir(package) == folder


def test_a_failing_package_line_places_its_tests_in_the_package_folder() -> None:
    log = (
        "--- FAIL: TestAdd (0.00s)\n"
        "    calc_test.go:7: got 5 want 6\n"
        "FAIL\n"
        "FAIL\tgithub.com/acme/calc/internal/num\t0.004s\n"
    )
    assert _places(log) == [("assertion", "internal/num/calc_test.go", 7)]


def test_testify_block_with_an_absolute_error_trace_is_placed_in_the_checkout() -> None:
    log = (
        "=== RUN   TestAdd\n"
        "    calc_test.go:9: \n"
        "        \tError Trace:\t/home/runner/work/calc/calc/num/calc_test.go:9\n"
        "        \tError:      \tNot equal: \n"
        "        \t            \texpected: 5\n"
        "        \t            \tactual  : 6\n"
        "        \tTest:       \tTestAdd\n"
        "--- FAIL: TestAdd (0.00s)\n"
    )
    found = triage_text(log)
    assert [(str(f.category), f.line, f.test, f.message) for f in found] == [
        ("assertion", 9, "TestAdd", "Not equal:")
    ]


def test_a_panic_is_placed_at_the_innermost_project_frame_not_in_a_dependency() -> None:
    log = (
        "panic: runtime error: index out of range [1] with length 1\n"
        "\n"
        "goroutine 7 [running]:\n"
        "github.com/dep/lib.Get(...)\n"
        "\t/home/runner/go/pkg/mod/github.com/dep/lib@v1.2.0/get.go:12\n"
        "github.com/acme/calc.Pick(0x1)\n"
        "\t/home/runner/work/calc/calc/pick.go:30 +0x1d\n"
        "exit status 2\n"
    )
    assert _places(log) == [("runtime_error", "pick.go", 30)]


def test_surefire_totals_with_flakes_and_no_list_are_flaky_and_zero_flakes_are_green() -> None:
    line = "[WARNING] Tests run: 10455, Failures: 0, Errors: 0, Skipped: 993, Flakes: {}\n"
    assert _places(line.format(10)) == [("flaky", None, None)]
    assert _places(line.format(0)) == []


def test_a_gradle_cause_names_the_exception_that_ended_the_build() -> None:
    log = (
        "FAILURE: Build failed with an exception.\n\n* What went wrong:\n"
        "Execution failed for task ':app:compileJava'.\n"
        "> java.lang.NullPointerException (no error message)\n\n* Try:\n"
    )
    assert _places(log) == [("runtime_error", None, None)]


def test_gradle_saying_tests_failed_is_a_weak_assertion_the_tests_report_replaces() -> None:
    log = (
        "* What went wrong:\nExecution failed for task ':test'.\n"
        "> There were failing tests. See the report at: file:///b/index.html\n\n* Try:\n"
    )
    assert _places(log) == [("assertion", None, None)]
    report = "CalcTest > adds() FAILED\n    java.lang.AssertionError at CalcTest.java:9\n"
    assert [f.test for f in triage_text(report + log)] == ["CalcTest.adds()"]


def test_a_ginkgo_summary_is_one_assertion_per_spec_and_the_go_suite_adds_nothing() -> None:
    log = (
        "Summarizing 1 Failure:\n\n"
        "[Fail] Books [It] can be loaded from JSON \n"
        "/home/runner/work/books/books/books_test.go:42\n\n"
        "Ran 3 of 3 Specs in 0.002 seconds\n"
        "FAIL! -- 2 Passed | 1 Failed | 0 Pending | 0 Skipped\n"
        "--- FAIL: TestBooks (0.00s)\n"
        "FAIL\n"
    )
    assert _places(log) == [("assertion", "books_test.go", 42)]


def test_xunit_console_and_old_vstest_failures_are_read() -> None:
    xunit = (
        "    Calc.Tests.Adds [FAIL]\n"
        "      Assert.Equal() Failure\n"
        "      Expected: 5\n"
        "      Actual:   6\n"
        "      Stack Trace:\n"
        "        /home/runner/work/calc/calc/tests/CalcTests.cs(12,0): at Calc.Tests.Adds()\n"
    )
    assert _places(xunit) == [("assertion", "tests/CalcTests.cs", 12)]
    vstest = "Failed   Calc.Tests.Adds\nError Message:\n Assert.Equal() Failure\n"
    assert _places(vstest) == [("assertion", None, None)]
    assert _places("Failed   to connect\nretrying\n") == []


def test_a_crash_the_shell_reports_after_a_test_id_is_placed_in_that_test() -> None:
    log = (
        "tests/test_io.py::test_read /home/travis/.travis/functions: line 109:  6316 "
        "Segmentation fault      (core dumped) pytest -v\n"
        'The command "pytest -v" exited with 139.\n'
    )
    found = triage_text(log)
    assert [(str(f.category), f.file, f.test) for f in found] == [
        ("runtime_error", "tests/test_io.py", "tests/test_io.py::test_read")
    ]


def test_words_of_a_passing_log_are_not_a_crash_or_a_kill() -> None:
    log = "Killed 3 stale workers\nSegmentation fault handler installed\nAborted 0 jobs\n"
    assert _places(log) == []


def test_a_ctest_test_that_failed_then_passed_on_a_rerun_is_flaky() -> None:
    log = (
        "1/1 Test #1: bogus ............................***Failed    0.00 sec\n"
        "    Start 1: bogus\n"
        "    Test #1: bogus ............................   Passed    0.00 sec\n"
        "100% tests passed, 0 tests failed out of 1\n"
    )
    assert _places(log) == [("flaky", None, None)]
    assert _places(log.replace("   Passed", "***Failed")) == [("assertion", None, None)]


def test_gcc_missing_standard_header_is_an_import_error() -> None:
    log = (
        "/home/me/git/server/rcss/parser.h:28:10: fatal error: filesystem: No such file or "
        "directory\n #include <filesystem>\ncompilation terminated.\n"
    )
    assert _places(log) == [("import_error", "rcss/parser.h", 28)]


@pytest.mark.parametrize(
    ("crate", "printed", "placed"),
    [
        ("/home/me/code/ws/kernel", "src/server.rs", "kernel/src/server.rs"),
        ("/home/me/code/ws/kernel", "kernel/src/server.rs", "kernel/src/server.rs"),
        ("/home/runner/work/ws/ws", "src/lib.rs", "src/lib.rs"),
        ("/tmp/ci-1/shapes", "src/lib.rs", "src/lib.rs"),
    ],
)
def test_rustc_paths_of_a_workspace_member_are_put_under_its_folder(
    crate: str, printed: str, placed: str
) -> None:
    log = (
        f"   Compiling member v0.1.0 ({crate})\n"
        "error[E0425]: cannot find value `val` in this scope\n"
        f"   --> {printed}:363:49\n"
    )
    assert _places(log) == [("type_error", placed, 363)]


def test_the_race_detector_is_a_runtime_error_at_the_first_access_in_the_project() -> None:
    log = (
        "==================\n"
        "WARNING: DATA RACE\n"
        "Write at 0x00c0000a0010 by goroutine 8:\n"
        "  github.com/acme/calc.TestCount.func1()\n"
        "      /home/runner/work/calc/calc/count_test.go:21 +0x44\n"
        "\n"
        "Previous read at 0x00c0000a0010 by goroutine 7:\n"
        "  github.com/acme/calc.TestCount()\n"
        "      /home/runner/work/calc/calc/count_test.go:25 +0x88\n"
        "==================\n"
        "--- FAIL: TestCount (0.00s)\n"
        "    testing.go:1465: race detected during execution of test\n"
    )
    found = triage_text(log)
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        ("runtime_error", "count_test.go", 21, "TestCount")
    ]


@pytest.mark.parametrize(
    ("log", "category"),
    [
        ("c++: fatal error: Killed signal terminated program cc1plus\n", "infrastructure"),
        (
            "Process 'Gradle Test Executor 1' finished with non-zero exit value 137\n",
            "infrastructure",
        ),
        ("The job exceeded the maximum time limit for jobs, and has been terminated.\n", "timeout"),
        (
            "##[error]The job running on agent Hosted Agent ran longer than the maximum time of "
            "60 minutes.\n",
            "timeout",
        ),
        (
            "terminate called after throwing an instance of 'std::runtime_error'\n"
            "  what():  boom\n"
            "/bin/bash: line 1:    42 Aborted                 (core dumped) ./tests\n",
            "runtime_error",
        ),
    ],
)
def test_ci_systems_and_processes_say_why_a_job_stopped(log: str, category: str) -> None:
    assert _places(log) == [(category, None, None)]


def test_msbuild_diagnostics_are_placed_and_classified_by_their_code() -> None:
    log = (
        "/home/runner/work/app/app/src/Api/Startup.cs(3,7): error CS0246: The type or namespace "
        "name 'Foo' could not be found [/home/runner/work/app/app/src/Api/Api.csproj]\n"
        "/home/runner/work/app/app/src/Api/Program.cs(5,20): error CS1002: ; expected "
        "[/home/runner/work/app/app/src/Api/Api.csproj]\n"
        "/home/runner/work/app/app/src/Api/Program.cs(9,13): error CS0103: The name 'foo' does "
        "not exist in the current context [/home/runner/work/app/app/src/Api/Api.csproj]\n"
        "/home/runner/work/app/app/src/Api/Program.cs(9,9): warning CS0168: The variable 'e' is "
        "declared but never used [/home/runner/work/app/app/src/Api/Api.csproj]\n"
    )
    assert _places(log) == [
        ("syntax_error", "src/Api/Program.cs", 5),
        ("import_error", "src/Api/Startup.cs", 3),
        ("type_error", "src/Api/Program.cs", 9),
    ]


def test_golangci_lint_findings_are_lint_or_format_and_typecheck_stays_a_type_error() -> None:
    log = (
        "pkg/store/db.go:42:12: Error return value of `rows.Close` is not checked (errcheck)\n"
        "\tdefer rows.Close()\n"
        "main.go:1: File is not `gofmt`-ed with `-s` (gofmt)\n"
        "internal/x.go:5:2: undefined: foo (typecheck)\n"
    )
    assert _places(log) == [
        ("type_error", "internal/x.go", 5),
        ("format", "main.go", 1),
        ("lint", "pkg/store/db.go", 42),
    ]


def test_sanitizer_reports_are_runtime_errors_at_the_first_project_frame() -> None:
    log = (
        "==12345==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010\n"
        "READ of size 4 at 0x602000000010 thread T0\n"
        "    #0 0x7f1 in __interceptor_memcpy /build/llvm/compiler-rt/lib/asan/asan_rtl.cpp:9:2\n"
        "    #1 0x4f5b3a in main /home/runner/work/proj/proj/src/main.c:10:5\n"
        "\n"
        "SUMMARY: AddressSanitizer: heap-use-after-free in __interceptor_memcpy\n"
        "src/math.c:12:5: runtime error: signed integer overflow: 2147483647 + 1\n"
    )
    assert _places(log) == [
        ("runtime_error", "src/main.c", 10),
        ("runtime_error", "src/math.c", 12),
    ]


def test_a_cmake_package_that_is_missing_is_a_dependency_at_the_projects_call() -> None:
    log = (
        "CMake Error at /usr/share/cmake-3.16/Modules/FindPackageHandleStandardArgs.cmake:146 "
        "(message):\n"
        "  Could NOT find Boost (missing: Boost_INCLUDE_DIR)\n"
        "Call Stack (most recent call first):\n"
        "  /usr/share/cmake-3.16/Modules/FindBoost.cmake:2179 (find_package_handle_standard_args)\n"
        "  CMakeLists.txt:20 (find_package)\n"
        "\n\n"
        "-- Configuring incomplete, errors occurred!\n"
    )
    assert _places(log) == [("dependency", "CMakeLists.txt", 20)]
    other = "CMake Error at src/CMakeLists.txt:7 (add_executable):\n  Cannot find source file:\n"
    assert _places(other) == [("unknown", "src/CMakeLists.txt", 7)]


def test_maven_saying_tests_failed_is_a_weak_assertion_and_a_dead_fork_a_crash() -> None:
    goal = (
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.22.2:test"
        " (default-test) on project calc: There are test failures.\n"
    )
    assert _places(goal) == [("assertion", None, None)]
    fork = (
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.22.2:test"
        " (default-test) on project calc: There are test failures.\n"
        "[ERROR] ExecutionException The forked VM terminated without properly saying goodbye. "
        "VM crash or System.exit called?\n"
    )
    assert _places(fork) == [("runtime_error", None, None)]


def test_gotestsum_names_the_package_of_each_failed_test() -> None:
    log = (
        "=== Failed\n"
        "=== FAIL: internal/cli TestFoo (0.00s)\n"
        "    foo_test.go:12: got 1 want 2\n"
        "--- FAIL: TestFoo (0.00s)\n"
        "\n"
        "=== FAIL: github.com/acme/app/pkg/api TestBar (0.01s)\n"
        "    bar_test.go:30: boom\n"
        "\n"
        "DONE 12 tests, 2 failures in 1.234s\n"
    )
    assert _places(log) == [
        ("assertion", "internal/cli/foo_test.go", 12),
        ("assertion", "pkg/api/bar_test.go", 30),
    ]


def test_surefire_2_headings_list_failed_and_errored_tests() -> None:
    log = (
        "Results :\n\n"
        "Failed tests:   testAdd(com.example.CalcTest): expected:<3> but was:<4>\n\n"
        "Tests in error: \n"
        "  CalcTest.testDiv:20 \u00bb Arithmetic / by zero\n\n"
        "Tests run: 3, Failures: 1, Errors: 1, Skipped: 0\n"
    )
    found = triage_text(log)
    assert [(str(f.category), f.test, f.message) for f in found] == [
        ("runtime_error", "CalcTest.testDiv", "\u00bb Arithmetic / by zero"),
        ("assertion", "testAdd(com.example.CalcTest)", "expected:<3> but was:<4>"),
    ]


@pytest.mark.parametrize(
    ("log", "expected"),
    [
        ("error[E0432]: unresolved import `foo::bar`\n --> src/main.rs:3:5\n", "import_error"),
        ("go: updates to go.mod needed; to update it:\n\tgo mod tidy\n", "dependency"),
        (
            "main.go:5:2: no required module provides package github.com/x/y; to add it:\n",
            "import_error",
        ),
        ("*** Test killed with quit: ran too long (11m0s).\n", "timeout"),
        (
            "Failed!  - Failed:     1, Passed:    10, Skipped:     0, Total:    11, Duration: 1 s"
            " - App.Tests.dll (net6.0)\n",
            "assertion",
        ),
        ('Error: No available formula with the name "libfoo".\n', "dependency"),
        ("Cancelling nested steps due to timeout\n", "timeout"),
    ],
)
def test_one_line_signatures_of_go_rust_dotnet_brew_and_jenkins(log: str, expected: str) -> None:
    assert [str(f.category) for f in triage_text(log)] == [expected]


def test_a_line_that_only_says_failed_is_not_a_dotnet_test() -> None:
    assert _places("Failed to connect (timeout)\nretrying in 5s\nconnected\n") == []
