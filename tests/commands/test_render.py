"""The replies' exact Markdown: outcomes, problems, the command list, buttons, reports."""

from __future__ import annotations

from bot.core.commands import Problem
from bot.core.render import command_reply as render
from bot.core.render.command_reply import Outcome, Status
from bot.core.render.command_reports import CheckSummary, RunLink, status


def test_a_reply_with_outcomes_problems_and_help() -> None:
    body = render.reply(
        comment_id=42,
        comment_url="https://github.com/o/r/pull/1#issuecomment-42",
        author="octocat",
        outcomes=[
            Outcome("/autopilot retry", Status.DONE, "re-running the failed jobs of CI run 7."),
            Outcome("/autopilot merge", Status.REFUSED, "checks are failing.", details="| t |"),
        ],
        problems=[Problem("/autopilot deploy @team", "unknown command 'deploy'", unknown=True)],
        ran=["b2", "a1", "b2"],
        skipped=1,
        show_help=True,
    )
    assert body == (
        "<!-- autopilot:reply comment=42 ran=a1,b2 -->\n"
        "**CI Autopilot** on [this comment](https://github.com/o/r/pull/1#issuecomment-42)"
        " by `octocat`:\n"
        "\n"
        "- 🚀 `/autopilot retry`: re-running the failed jobs of CI run 7.\n"
        "- 😕 `/autopilot merge`: checks are failing.\n"
        "- 😕 `/autopilot deploy @\u200bteam`: unknown command 'deploy'\n"
        "- 1 command(s) of this comment had already run and were not run again.\n"
        "\n"
        "| t |\n"
        "\n"
        "Commands (one per line, outside code blocks and quotes):\n"
        "\n"
        "| command | what it does | who may use it |\n"
        "|---|---|---|\n"
        "| `/autopilot help` | list the commands | anyone |\n"
        "| `/autopilot status` | this pull request's CI, triage and queued fixes | anyone |\n"
        "| `/autopilot queue` | fixes of this repository waiting for review | anyone |\n"
        "| `/autopilot triage` | triage the latest failed run again"
        " | people with write permission |\n"
        "| `/autopilot fix` | run the mechanical fixes on this pull request"
        " | people with write permission |\n"
        "| `/autopilot retry` | re-run the failed jobs of the latest failed run"
        " | people with write permission |\n"
        "| `/autopilot merge [SHA]` | merge the head (or enable auto-merge while checks run),"
        " if it has not moved | people with write permission |\n"
        "| `/autopilot approve ID` | ship a fix waiting in the review queue"
        " | people with write permission |\n"
        "| `/autopilot reject ID [reason]` | close a fix waiting in the review queue"
        " | people with write permission |\n"
        "| `/autopilot plan run [MODE] \\| status \\| approve PHASE \\| retry PHASE` |"
        " the plan in the dashboard issue (run, approve and retry need write permission)"
        " | anyone |\n"
    )
    assert render.ran_digests(body) == {"a1", "b2"}
    assert render.ran_digests("<!-- autopilot:triage -->") == frozenset()


def test_a_link_only_to_github_and_the_refusal() -> None:
    body = render.reply(comment_id=1, comment_url="javascript:alert(1)", author="x", outcomes=[])
    assert "on a comment by `x`" in body
    assert render.refusal(render.Access.WRITE, "o/r", "bob", "read") == (
        "this command needs write permission on `o/r`; `bob` has `read` permission, "
        "so nothing was done."
    )


def test_a_button_reply() -> None:
    outcome = Outcome("/autopilot retry", Status.DONE, "re-running.")
    assert render.button_reply(
        label="Re-run failed jobs",
        check_name="autopilot/triage",
        actor="octocat",
        outcomes=[outcome],
    ) == (
        "<!-- autopilot:button -->\n"
        "**CI Autopilot**: `octocat` pressed `Re-run failed jobs` on `autopilot/triage`:\n"
        "\n"
        "- 🚀 `/autopilot retry`: re-running.\n"
    )


def test_status_report() -> None:
    checks = CheckSummary.of(
        [
            ("test", "completed", "success"),
            ("lint", "completed", "failure"),
            ("e2e", "queued", None),
        ]
    )
    assert status(
        number=3,
        state="open",
        head_sha="0123456789abcdef",
        checks=checks,
        mergeable_state="blocked",
        queued=(),
        failed_run=RunLink(workflow="CI", run_id=7, url="https://github.com/o/r/actions/runs/7"),
    ) == (
        "pull request #3 is open, head `0123456789ab`; checks: 1 passed, 1 failing (`lint`), "
        "1 running (`e2e`); mergeable state `blocked`; latest failed run "
        "[CI run 7](https://github.com/o/r/actions/runs/7) (`/autopilot triage` again)."
    )
    assert CheckSummary().describe() == "none reported"
