"""What the fix journey shows people, as exact Markdown."""

from __future__ import annotations

from bot.core.render import fix_report as render
from bot.core.scoring import Signals, score

RUN_URL = "https://github.com/o/r/actions/runs/7"
FOOTER = (
    "<sub>This comment follows the fix through CI and is updated in place; the "
    "`autopilot/fix` check run says the same. Comment `/autopilot fix` to ask for a fix "
    "again.</sub>\n"
)


def view(stage: render.Stage, **changes: object) -> render.FixView:
    base: dict[str, object] = dict(
        stage=stage, repo="o/r", workflow="CI", run_id=7, run_url=RUN_URL, failed_sha="a" * 40,
        branch="feature", fix_ids=("unused-imports", "formatting"), files=("shop/cart.py",),
        fix_sha="b" * 40, fix_pull=12,
    )  # fmt: skip
    return render.FixView(**{**base, **changes})  # type: ignore[arg-type]


def test_a_no_says_why() -> None:
    no = view(render.Stage.NO_FIX, fix_ids=(), files=(), fix_sha=None, fix_pull=None,
              detail="automatic fixes are off (`autofix.enabled: false`)")  # fmt: skip
    assert render.comment(no) == (
        "<!-- autopilot:fix -->\n"
        "### CI Autopilot: no automatic fix\n"
        "\n"
        f"CI [run 7]({RUN_URL}) failed on `aaaaaaa` (`feature`).\n"
        "\n"
        "Why: Automatic fixes are off (`autofix.enabled: false`).\n"
        "\n" + FOOTER
    )
    assert render.check_output(no) == (
        "neutral",
        {
            "title": "no automatic fix",
            "summary": f"CI [run 7]({RUN_URL}) failed on `aaaaaaa` (`feature`).\n\n"
            "Why: Automatic fixes are off (`autofix.enabled: false`).\n\n",
        },
    )


def test_the_fix_pr_body_says_what_failed_changed_and_the_score_so_far() -> None:
    so_far = score(Signals(lint=1.0))
    body = render.pull_body(view(render.Stage.PROPOSED, score=so_far))
    assert body == (
        "### What failed\n"
        "\n"
        f"CI [run 7]({RUN_URL}) failed on `aaaaaaa` (`feature`).\n"
        "\n"
        "### What changed\n"
        "\n"
        "- `shop/cart.py`\n"
        "\n"
        "Fixes: `unused-imports`, `formatting`. Only the failing tools' findings, in the files "
        "they named; nothing else is restyled.\n"
        "\n"
        "### Score so far\n"
        "\n"
        "Score 1.00, route `pull_request` (tests not measured, lint 1.00, types not measured, "
        "security not measured, coverage not measured).\n"
        "- score 1.00 is at or above the auto-merge threshold 0.95\n"
        "- not measured: tests, types, security, coverage (left out; the other weights are "
        "renormalised)\n"
        "- no auto-merge: tests were not measured\n"
        "\n"
        "CI on this pull request validates the fix: when it completes the bot scores the "
        "signals and merges this exact commit, leaves it for review, or queues it.\n"
        "\n"
        "<sub>Made by CI Autopilot from `aaaaaaa`. A failure of this pull request's own CI is "
        "never fixed again by the bot.</sub>\n"
    )
    assert render.pull_title(view(render.Stage.PROPOSED)) == (
        "autopilot: fix unused-imports, formatting on feature"
    )


def test_a_queued_fix_names_its_id_the_commands_and_the_patch() -> None:
    queued = view(
        render.Stage.QUEUED, queue_id=4, score=score(Signals(tests=0.0, lint=1.0)),
        patch="--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x=1\n+x = 1\n",
    )  # fmt: skip
    text = render.comment(queued)
    assert text.startswith(
        "<!-- autopilot:fix -->\n### CI Autopilot: fix `bbbbbbb` is in the review queue\n"
    )
    assert (
        "It waits in the review queue as `rq-4` (label `autopilot: needs review`): comment "
        "`/autopilot approve rq-4` to ship it or `/autopilot reject rq-4 reason` to drop it.\n"
    ) in text
    assert "<details><summary>The whole patch</summary>\n\n```diff\n--- a/a.py\n" in text
    assert "- tests failed\n" in text


def test_hostile_text_stays_inert_and_suggestions_fence_safely() -> None:
    hostile = view(render.Stage.NO_FIX, workflow="CI @admin <b>x</b>", detail="ok")
    assert "CI @\u200badmin &lt;b&gt;x&lt;/b&gt;" in render.comment(hostile)
    assert render.suggestion(["x = '```'"]) == (
        "CI Autopilot suggests:\n\n````suggestion\nx = '```'\n````\n"
    )
    assert render.summary(view(render.Stage.MERGED)) == "CI Autopilot: fix `bbbbbbb` merged."
