"""The triage report's rendering: exact Markdown, hostile log text, GitHub's limits."""

from __future__ import annotations

from dataclasses import replace

from bot.core.render import triage_report as render
from bot.core.render.markdown import code, text
from bot.core.triage import Category, Failure

TYPE = Failure(
    category=Category.TYPE_ERROR,
    file="calc/core.py",
    line=25,
    message='Incompatible return value type (got "int", expected "str")  [return-value]',
    test=None,
    fingerprint="634a251177989ce5",
    auto_fixable=False,
    rule="return-value",
    tool="mypy",
)
ASSERTION = Failure(
    category=Category.ASSERTION,
    file="tests/test_core.py",
    line=7,
    message="assert 5 == 6",
    test="tests/test_core.py::test_add",
    fingerprint="0e9854614ee76c36",
    auto_fixable=False,
    tool="pytest",
)
RUNNER = Failure(
    category=Category.INFRASTRUCTURE,
    file=None,
    line=None,
    message="The operation was canceled.",
    test=None,
    fingerprint="aa",
    auto_fixable=False,
)


def _report(*items: render.ReportItem, notes: tuple[str, ...] = ()) -> render.TriageReport:
    return render.TriageReport(
        workflow="CI",
        run_id=1006,
        run_url="https://github.com/octo-org/calc/actions/runs/1006",
        attempt=2,
        head_sha="3af24c07336e9473583faafdfe0fd03bd6c30016",
        failed_jobs=("test (3.11)", "test (3.12)"),
        items=items,
        notes=notes,
    )


REPORT = _report(
    render.ReportItem(failure=TYPE, jobs=("test (3.11)", "test (3.12)")),
    render.ReportItem(failure=ASSERTION, jobs=("test (3.11)",), seen_before=2, flaky=True),
)

COMMENT = """\
<!-- autopilot:triage -->
<!-- autopilot:workflow "CI" -->
### CI Autopilot: 2 failures: 1 type\\_error, 1 assertion

CI [run 1006](https://github.com/octo-org/calc/actions/runs/1006) (attempt 2) failed on \
`3af24c0`. Failed jobs: `test (3.11)`, `test (3.12)`.

Most important first:

| | category | where | test | message |
|---:|---|---|---|---|
| 1 | type_error | `calc/core.py:25` |  | Incompatible return value type (got "int", expected \
"str") \\[return-value\\] |
| 2 | assertion (flaky) | `tests/test_core.py:7` | `tests/test_core.py::test_add` | \
assert 5 == 6 · _seen in 2 earlier runs_ |

<sub>This comment is updated in place on every failed run. Annotations are on the \
`autopilot/triage` check run. Re-run the failed jobs from the \
[run page](https://github.com/octo-org/calc/actions/runs/1006); triage a log locally with \
`autopilot triage job.log`.</sub>
"""


def test_comment_is_exact_markdown_with_the_marker_first() -> None:
    assert render.comment(REPORT) == COMMENT
    assert render.comment(REPORT).startswith(render.MARKER + "\n")


def test_check_output_title_summary_and_annotations() -> None:
    output = render.check_output(REPORT)
    assert (output.conclusion, output.title) == ("failure", "2 failures: 1 type_error, 1 assertion")
    assert output.summary == COMMENT.split("\n\n", 1)[1].rsplit("\n<sub>", 1)[0]
    assert output.annotations == (
        {
            "path": "calc/core.py",
            "start_line": 25,
            "end_line": 25,
            "annotation_level": "failure",
            "title": "type_error: return-value",
            "message": TYPE.message,
            "raw_details": "Failed jobs: test (3.11), test (3.12)",
        },
        {
            "path": "tests/test_core.py",
            "start_line": 7,
            "end_line": 7,
            "annotation_level": "warning",  # flaky across runs
            "title": "assertion: tests/test_core.py::test_add",
            "message": "assert 5 == 6",
            "raw_details": "Failed jobs: test (3.11)",
        },
    )
    assert output.output() == {"title": output.title, "summary": output.summary, "annotations": []}


def test_nothing_identified_is_neutral_and_failures_without_a_place_have_no_annotation() -> None:
    empty = render.check_output(
        _report(notes=("Only the first 20 of 31 failed jobs were triaged.",))
    )
    assert (empty.conclusion, empty.title) == ("neutral", "No failure identified in 2 failed jobs")
    assert "No failure could be identified in their logs." in empty.summary
    assert empty.summary.endswith("> Only the first 20 of 31 failed jobs were triaged.\n")
    runner = render.check_output(_report(render.ReportItem(failure=RUNNER, jobs=("test (3.11)",))))
    assert runner.annotations == ()
    assert "| 1 | infrastructure |  |  | The operation was canceled. |" in runner.summary


def test_hostile_log_text_cannot_inject_html_mentions_or_table_cells() -> None:
    hostile = replace(
        ASSERTION,
        message="<img src=x onerror=alert(1)> @octocat please | merge [x](http://evil) <!-- -->",
        test="tests/test_x.py::test_`pwn`|<b>",
    )
    body = render.comment(_report(render.ReportItem(failure=hostile, jobs=("test",))))
    row = next(line for line in body.splitlines() if line.startswith("| 1 |"))
    assert "<img" not in body and "<!-- -->" not in row
    assert "&lt;img src=x onerror=alert(1)&gt;" in row
    assert "@\u200boctocat" in row and "@octocat" not in body
    assert "\\[x\\](http://evil)" in row
    assert row.count(" | ") == 4  # five cells: the pipes in the text are escaped
    # Inside a code span (fence longer than any backtick run) HTML is shown, not parsed.
    assert "| ``tests/test_x.py::test_`pwn`\\|<b>`` |" in row
    assert text("a\n\nb") == "a b" and code("") == ""


def test_long_reports_fold_into_details_and_fit_githubs_limits() -> None:
    many = tuple(
        render.ReportItem(
            failure=replace(ASSERTION, line=n, fingerprint=f"{n:x}", message="x" * 5000),
            jobs=("t",),
        )
        for n in range(1, 400)
    )
    report = _report(*many)
    body = render.comment(report)
    assert len(body) <= render.COMMENT_LIMIT and body.startswith(render.MARKER)
    assert "<details><summary>389 more failures</summary>" in body
    assert "Only the first 200 are listed." in body or body.endswith("(cut to fit GitHub's limit)")
    output = render.check_output(report)
    assert len(output.summary) <= render.OUTPUT_LIMIT and len(output.annotations) == 399
    long_title = render.title(
        _report(render.ReportItem(failure=replace(TYPE, message="m"), jobs=("t",)))
    )
    assert len(long_title) <= render.TITLE_LIMIT
    huge = render.annotation(
        render.ReportItem(failure=replace(TYPE, message="é" * 70_000), jobs=("t",))
    )
    assert huge is not None and len(huge["message"].encode()) <= 64 * 1024


def test_the_workflow_marker_is_inert_and_names_one_workflow() -> None:
    hostile = 'CI --> <img src=x> "quoted"'
    marker = render.workflow_marker(hostile)
    assert marker.startswith("<!-- ") and marker.endswith(" -->")
    assert "-->" not in marker[4:-4] and "--" not in marker[4:-4]
    body = render.comment(REPORT)
    assert render.describes(body, "CI") and not render.describes(body, "Lint")


def test_resolved_comment_is_exact_markdown() -> None:
    body = render.resolved_comment(
        "CI", 1007, "https://github.com/o/r/actions/runs/1007", "9f" * 20
    )
    assert body == (
        "<!-- autopilot:triage -->\n"
        '<!-- autopilot:workflow "CI" -->\n'
        "### CI Autopilot: CI passes again\n"
        "\n"
        "CI [run 1007](https://github.com/o/r/actions/runs/1007) passed on `9f9f9f9`; "
        "the failures triaged here before are gone.\n"
        "\n"
        "<sub>This comment is updated in place: it shows the triage again if the workflow "
        "fails.</sub>\n"
    )
    assert render.describes(body, "CI")
