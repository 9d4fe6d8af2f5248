"""JavaScript, TypeScript and Ruby logs from the wild: node, npm/yarn, jest, mocha, rspec."""

from __future__ import annotations

from bot.core.triage import triage_text
from bot.core.triage.logs import clean_line
from tests.triage.scoring import WILD


def _places(case: str) -> list[tuple[str, str | None, int | None]]:
    found = triage_text((WILD / f"{case}.log").read_text())
    return [(str(f.category), f.file, f.line) for f in found]


def test_a_tab_after_the_timestamp_is_taken_off() -> None:
    # Cloudflare Pages: ``2026-07-01T02:01:28.119836Z<TAB>npm error code ETARGET``.
    assert clean_line("2026-07-01T02:01:28.119836Z\tnpm error code ETARGET") == (
        "npm error code ETARGET"
    )
    assert _places("dependency_npm10_etarget_cloudflare_timestamps") == [("dependency", None, None)]


def test_npm_code_after_a_markdown_quote_is_read() -> None:
    # Only the paste's first line carries the ``> `` of a Markdown quote.
    assert _places("dependency_npm_ci_etarget_quoted") == [("dependency", None, None)]
    found = triage_text("@scope/web: npm ERR! code E404\n@scope/web: npm ERR! 404 Not Found\n")
    assert [str(f.category) for f in found] == ["dependency"]


def test_yarn_socket_timeout_is_the_network() -> None:
    assert _places("infrastructure_yarn_esockettimedout_macos") == [("infrastructure", None, None)]


def test_an_unhandled_rejection_is_a_runtime_error_with_or_without_a_stack() -> None:
    # node 15+ dies of a rejection whose reason is no Error: no stack, no file.
    assert _places("runtime_node_unhandled_rejection_after_pass") == [("runtime_error", None, None)]
    # node 6 to 9: ``Unhandled promise rejection (rejection id: 2): ReferenceError: …``.
    assert _places("runtime_node_unhandled_rejection_referenceerror_travis") == [
        ("runtime_error", None, None)
    ]
    # node 10 to 14: the warning, a two-line message, frames in node_modules, ``at async``.
    assert _places("runtime_node_unhandled_rejection_execa_travis") == [
        ("runtime_error", "scripts/test.ts", 47)
    ]


def test_the_warnings_own_explanation_is_not_a_second_failure() -> None:
    log = (
        "(node:7) UnhandledPromiseRejectionWarning: Unhandled promise rejection. This error "
        "originated either by throwing inside of an async function without a catch block.\n"
    )
    assert triage_text(log) == []


def test_a_syntax_error_is_placed_where_node_points_with_its_caret() -> None:
    # The stack is node's loader only; the place is the ``path.js:136`` line above the caret.
    assert _places("syntax_node_optional_chaining_gha") == [
        ("syntax_error", "frontend/src/clutch.config.js", 136)
    ]
    # The same in a dependency: no project file.
    assert _places("syntax_node_modules_dependency_gha") == [("syntax_error", None, None)]


def test_a_mocha_timeout_is_placed_at_the_test_file_it_names() -> None:
    # mocha's frames are its own; the message ends with the test file (a Windows path here).
    assert _places("timeout_mocha_appveyor_windows_paths") == [
        ("timeout", "test/reporters/base.spec.js", None)
    ]


def test_a_jest_section_without_a_frame_is_placed_at_its_test_file() -> None:
    # A fragment cut after the message: the ``FAIL path`` line above names the file.
    assert _places("timeout_jest_hook_exceeded_fragment") == [
        ("timeout", "src/test/e2e-emulated/contract-with-init-init-parameter.spec.ts", None)
    ]


def test_an_rspec_section_is_placed_at_the_first_project_backtrace_line() -> None:
    # An expectation (a mock received 0 times) is an assertion in the spec.
    assert _places("assertion_rspec_mock_received_0_times") == [
        ("assertion", "spec/requests/distributions_requests_spec.rb", 351)
    ]
    # An exception's class on its own line: a runtime error where it was raised.
    assert _places("runtime_rspec_nomethoderror_nil") == [
        ("runtime_error", "app/controllers/reading_list_items_controller.rb", 20)
    ]
    # ``not_to raise_error`` met a NoMethodError: the backtrace it prints places it.
    found = triage_text((WILD / "runtime_rspec_raise_error_nomethoderror.log").read_text())
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        (
            "runtime_error",
            "app/models/budget/ballot/line.rb",
            31,
            "rake db:dev_seed seeds the database without errors",
        )
    ]


def test_an_rspec_expectation_section_and_its_list_line_are_one_failure() -> None:
    # The section's message spans lines (``Compared using equal?``) before the backtrace.
    assert _places("assertion_rspec_failure") == [("assertion", "test.rb", 5)]


def test_rspec_retry_is_flaky_unless_the_example_failed_after_all() -> None:
    assert _places("flaky_rspec_retry_second_try_green") == [
        ("flaky", "spec/system/topics_spec.rb", 94),
        ("flaky", "spec/requests/teams_controller_spec.rb", 26),
    ]
    log = (
        (WILD / "flaky_rspec_retry_second_try_green.log")
        .read_text()
        .replace(
            "277 examples, 0 failures",
            "277 examples, 1 failure\n\nFailed examples:\n\n"
            "rspec ./spec/system/topics_spec.rb:94 # Topics shows a topic",
        )
    )
    assert [(str(f.category), f.file, f.line) for f in triage_text(log)] == [
        ("assertion", "spec/system/topics_spec.rb", 94),
        ("flaky", "spec/requests/teams_controller_spec.rb", 26),
    ]


def test_minitest_failures_and_errors_are_placed_and_told_apart() -> None:
    found = triage_text((WILD / "multi_minitest_failure_and_error_rake.log").read_text())
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        ("runtime_error", "test/test_minitest-rg.rb", 18, "minitest-rg#test_0003_error"),
        ("assertion", "test/test_minitest-rg.rb", 13, "minitest-rg#test_0002_fails"),
    ]
    # The failure's message is the line after its test; the skip (``S``) is not reported.
    assert found[1].message == "Failure should be RED."


def test_jest_on_jasmine_1_prints_its_section_at_the_margin() -> None:
    assert _places("assertion_jest_jasmine1_toBe_old_format") == [
        ("assertion", "__tests__/object-test.js", 3)
    ]


def test_yarns_own_crash_stack_is_not_a_second_failure() -> None:
    # ``error Couldn't find any versions`` is the failure; the MessageError stack in yarn's
    # cli.js that follows repeats it.
    assert _places("dependency_yarn1_no_versions_stack") == [("dependency", None, None)]


def test_a_cypress_test_that_failed_every_attempt_is_an_assertion() -> None:
    # Attempts 1 and 2 of 3, then ``1) title``: the log is cut before the failure's message.
    found = triage_text((WILD / "assertion_cypress_all_attempts_failed_compose.log").read_text())
    assert [(str(f.category), f.file, f.test) for f in found] == [
        ("assertion", None, "Test Dataset is present")
    ]


def test_node_20_shapes_of_uncaught_errors() -> None:
    # An ES module's parse error: ``file:///…/release.mjs:3`` above the caret places it.
    assert _places("syntax_node_esm_caret_gha") == [("syntax_error", "scripts/release.mjs", 3)]
    # A rejection with an Error: its stack; with a string: node's own frames only.
    assert _places("runtime_node_rejection_error_stack") == [
        ("runtime_error", "scripts/publish.js", 2)
    ]
    found = triage_text((WILD / "runtime_node_rejection_not_an_error.log").read_text())
    assert [(str(f.category), f.file, f.message) for f in found] == [
        ("runtime_error", None, "Unhandled promise rejection: registry said no")
    ]


def test_vitest_failures_are_told_apart_and_placed() -> None:
    found = triage_text((WILD / "assertion_vitest_three_kinds.log").read_text())
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        ("import_error", "test/missing.test.js", None, None),
        ("timeout", "test/prices.test.js", None, "waits"),
        ("type_error", "src/prices.js", 6, "reads a unit"),
        ("assertion", "test/prices.test.js", 6, "total > adds prices"),
    ]


def test_ruby_uncaught_exception_rspec_and_minitest_from_ruby_3() -> None:
    assert _places("runtime_ruby_uncaught_nomethoderror_jenkins") == [
        ("runtime_error", "lib/cart.rb", 11)
    ]
    # The ``Skipped:`` entry of ``--verbose`` is not a failure.
    assert _places("multi_minitest_verbose_skip") == [
        ("runtime_error", "lib/cart.rb", 11),
        ("assertion", "test/test_cart.rb", 6),
    ]
    assert _places("multi_rspec_expectation_and_nomethoderror") == [
        ("runtime_error", "lib/cart.rb", 11),
        ("assertion", "spec/cart_spec.rb", 5),
    ]
    assert _places("import_rspec_load_error_outside_examples") == [
        ("import_error", "spec/tax_spec.rb", 1)
    ]


def test_a_cucumber_step_failure_gets_its_scenario_from_the_closing_list() -> None:
    found = triage_text((WILD / "assertion_cucumber_rspec_expectation.log").read_text())
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        (
            "assertion",
            "features/configuration/output_stream.feature",
            24,
            "Scenario: redirecting output",
        )
    ]


def test_an_unresolvable_import_is_placed_at_the_importing_file() -> None:
    # webpack 5 names the file and line, and the importing file's folder.
    assert _places("import_webpack5_cannot_resolve_gha") == [
        ("import_error", "src/app/main.js", 1),
        ("import_error", "src/index.js", 1),
    ]
    # create-react-app (TypeScript): the file on its own line, then ``Cannot find module:``.
    assert _places("import_cra_cannot_find_module_buildkite") == [
        ("import_error", "src/client/components/withSession/pages/AccessDenied.tsx", None)
    ]


def test_a_nested_markdown_quote_is_taken_off() -> None:
    # grunt's ``>>`` pasted as a nested quote: ``> > src/a.d.ts(1629,14): error TS1005``.
    assert clean_line("> > src/a.d.ts(3,1): error TS1005: ';' expected.") == (
        "src/a.d.ts(3,1): error TS1005: ';' expected."
    )


def test_a_blockquoted_paste_of_indented_output_is_unquoted() -> None:
    # mocha's report pasted as a Markdown blockquote: ``>   1 failing``, an empty ``>``.
    assert clean_line(">   1 failing") == "  1 failing"
    assert clean_line(">       at Context.<anonymous> (/b/test/a.js:39:16)") == (
        "      at Context.<anonymous> (/b/test/a.js:39:16)"
    )
    assert clean_line(">") == ""
    # npm's script line, Gradle's task line and a code frame's pointer keep their ``>``.
    for line in ("> pkg@1.0.0 test", "> Task :app:test", ">  9 |   expect(a).toBe(b)"):
        assert clean_line(line) == line


def test_a_blockquoted_mocha_report_is_read() -> None:
    assert _places("assertion_mocha_travis_blockquoted") == [
        ("assertion", "test/verror.test.js", 39)
    ]


def test_a_jasmine_async_timeout_in_jest_is_a_timeout_at_the_test_file() -> None:
    # jest 20 (jest-jasmine2): the only frames are jasmine's and node's own bare ``timers.js``.
    assert _places("timeout_jest_jasmine_async_callback_yarn") == [
        ("timeout", "index.test.js", None)
    ]
    # jasmine 3 under karma or node: ``Error: Timeout - Async function did not complete …``.
    found = triage_text(
        "Error: Timeout - Async function did not complete within 5000ms\n"
        "    at listOnTimeout (timers.js:554:17)\n"
        "    at UserContext.<anonymous> (spec/a.spec.js:12:5)\n"
    )
    assert [(str(f.category), f.file, f.line) for f in found] == [("timeout", "spec/a.spec.js", 12)]


def test_each_tsc_parse_error_is_reported() -> None:
    # Unlike a recovering parser's cascade after a conflict marker, tsc reports each parse
    # error once, by its own place and message (two on line 1633 here).
    assert _places("syntax_tsc_grunt_typescript_quoted") == [
        ("syntax_error", "src/assets/lib/RongIMlib.d.ts", line)
        for line in (1629, 1633, 1633, 1635, 1637)
    ]
    assert _places("syntax_tsc_ts1005_two_lines") == [
        ("syntax_error", "src/app/header/HeaderComponent.ts", 53),
        ("syntax_error", "src/app/header/HeaderComponent.ts", 56),
    ]


def test_an_es_module_import_is_placed_at_the_importing_file() -> None:
    assert _places("import_node_esm_package_not_found_gitlab") == [
        ("import_error", "scripts/docs.mjs", None)
    ]


def test_mocha_assertion_and_timeout() -> None:
    assert _places("multi_mocha_spec_timeout_and_assert") == [
        ("timeout", "test/cart.test.js", None),
        ("assertion", "test/cart.test.js", 6),
    ]


def test_rubocop_offenses_are_lint_and_its_parse_errors_syntax() -> None:
    found = triage_text((WILD / "lint_rubocop_offenses_and_syntax_gha.log").read_text())
    assert [(str(f.category), f.file, f.line, f.rule) for f in found] == [
        ("syntax_error", "app/models/user.rb", 4, None),
        ("lint", "app/models/cart.rb", 5, "Layout/SpaceInsideParens"),
    ]


def test_playwright_sections_and_its_flaky_summary() -> None:
    # The flaky test's failed first attempt has a section too: the summary's ``1 flaky``
    # makes it flaky, and node's generic reader stays quiet inside the sections.
    assert _places("multi_playwright_assert_timeout_flaky_gha") == [
        ("timeout", "tests/cart.spec.ts", 12),
        ("assertion", "tests/cart.spec.ts", 9),
        ("flaky", "tests/feed.spec.ts", 3),
    ]


def test_ts_nodes_tserror_is_left_to_tscs_own_line() -> None:
    assert _places("type_ts_node_script_tserror") == [("type_error", "scripts/release.ts", 5)]


def test_an_rspec_load_error_for_a_file_that_does_not_parse_is_placed_in_that_file() -> None:
    assert _places("syntax_rspec_load_error_in_library") == [("syntax_error", "lib/cart.rb", 14)]


def test_yarn_berry_install_failures_are_dependency_once() -> None:
    found = triage_text((WILD / "dependency_yarn4_immutable_lockfile_gha.log").read_text())
    # The lockfile's diff lines carry YN0028 too; the verdict is the one failure.
    assert [(str(f.category), f.message) for f in found] == [
        (
            "dependency",
            "YN0028: The lockfile would have been modified by this install, which is "
            "explicitly forbidden.",
        )
    ]
    assert _places("dependency_yarn4_no_candidates") == [("dependency", None, None)]


def test_rake_aborted_is_placed_at_the_tasks_frame() -> None:
    assert _places("runtime_rake_aborted_nameerror") == [("runtime_error", "lib/tasks/db.rake", 4)]
    # ``Command failed with status (1)`` after a test run adds nothing to the tests' failures.
    assert len(_places("multi_minitest_failure_and_error_rake")) == 2


def test_a_jest_suite_that_failed_to_run_is_a_failure_of_its_file() -> None:
    found = triage_text((WILD / "multi_jest_suite_failed_to_run_and_timeout.log").read_text())
    assert [(str(f.category), f.file, f.line, f.test) for f in found] == [
        ("import_error", "tests/cart.test.js", 2, None),
        ("timeout", "tests/feed.test.js", 1, "loads the feed"),
    ]


def test_vite_builds_unresolvable_import_and_parse_error() -> None:
    assert _places("import_vite_build_could_not_resolve") == [("import_error", "src/main.js", None)]
    assert _places("syntax_vite_build_parse_error_gha") == [("syntax_error", "src/main.js", 1)]


def test_a_ts_jest_diagnostic_is_why_the_suite_failed_to_run() -> None:
    assert _places("type_ts_jest_suite_failed_to_run") == [("type_error", "src/cart.test.ts", 4)]
