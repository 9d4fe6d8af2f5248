"""The Action's job-summary text for journey 1: the report and the decision, exact Markdown."""

from __future__ import annotations

from bot.core.render import triage_report as render
from bot.core.render.decision import Decision, resolution, triage_decision
from tests.concerns.test_triage_report import COMMENT, REPORT


def test_the_summary_report_is_the_comment_without_markers_and_footer() -> None:
    shown = render.report_markdown(REPORT)
    assert render.comment(REPORT) == COMMENT
    assert COMMENT.startswith(f"{render.MARKER}\n{render.workflow_marker('CI')}\n{shown}\n<sub>")


def test_decision_lines() -> None:
    def line(decision: Decision, pulls: tuple[int, ...] = (7,)) -> str:
        return triage_decision(decision, run_id=1006, attempt=2, pulls=pulls)

    assert line(Decision.PUBLISHED) == (
        "**Decision:** published the `autopilot/triage` check run of run 1006 (attempt 2) "
        "and the sticky comment on #7."
    )
    assert line(Decision.PUBLISHED, ()) == (
        "**Decision:** published the `autopilot/triage` check run of run 1006 (attempt 2) "
        "and no pull request comment."
    )
    assert line(Decision.UNCHANGED) == (
        "**Decision:** nothing to write: run 1006 (attempt 2) was already published."
    )
    assert line(Decision.DRY_RUN) == (
        "**Decision:** dry-run: run 1006 (attempt 2) was triaged and nothing was written to GitHub."
    )


def test_resolution_sections() -> None:
    assert resolution("CI *nightly*", resolved=(7, 9), looked_at=(7, 9)) == (
        "### CI Autopilot: CI \\*nightly\\* passes\n\n"
        "**Decision:** the sticky comment on #7, #9 now says it passes again.\n"
    )
    assert resolution("CI", resolved=(), looked_at=(7,)) == (
        "### CI Autopilot: CI passes\n\n"
        "**Decision:** nothing to resolve: no triage comment of CI on #7.\n"
    )
    assert resolution("CI", resolved=(), looked_at=()) == (
        "### CI Autopilot: CI passes\n\n"
        "**Decision:** nothing to resolve: the run has no pull request.\n"
    )
