"""What the fix journey shows: the sticky comment, the fix PR body, the check run, replies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.render.markdown import code, fit, plain, text
from bot.core.review import format_item_id
from bot.core.scoring import ScoreResult, format_score

CHECK_NAME = "autopilot/fix"
#: Hidden marker of the bot's fix comment on a pull request (separate from the triage one).
MARKER = "<!-- autopilot:fix -->"
COMMENT_LIMIT = 65_536
OUTPUT_LIMIT = 65_535
TITLE_LIMIT = 255
#: A patch longer than this is left out of comments (the fix PR or branch holds it).
PATCH_SHOWN = 40_000
REVIEW_LABEL = "autopilot: needs review"


class Stage(StrEnum):
    """Where the fix stands, as the headline says it."""

    NO_FIX = "no_fix"
    PROPOSED = "proposed"
    PUSHED = "pushed"
    SUGGESTED = "suggested"
    VALIDATING = "validating"
    MERGED = "merged"
    OPEN = "open"
    QUEUED = "queued"
    FAILED = "failed"


@dataclass(frozen=True, kw_only=True)
class FixView:
    """Everything a fix message may mention; what a stage does not need stays empty."""

    stage: Stage
    repo: str
    workflow: str
    run_id: int
    run_url: str
    failed_sha: str
    branch: str
    detail: str = ""
    fix_ids: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    patch: str = ""
    fix_sha: str | None = None
    bot_branch: str | None = None
    fix_pull: int | None = None
    score: ScoreResult | None = None
    queue_id: int | None = None
    notes: tuple[str, ...] = ()


def _short(sha: str | None) -> str:
    return code((sha or "")[:7])


def headline(view: FixView) -> str:
    """The one-line state of the fix."""
    pull = f"#{view.fix_pull}" if view.fix_pull else "the fix pull request"
    lines = {
        Stage.NO_FIX: "no automatic fix",
        Stage.PROPOSED: f"fix proposed in {pull}",
        Stage.PUSHED: f"fix pushed to {code(view.branch)} as {_short(view.fix_sha)}",
        Stage.SUGGESTED: "fix suggested in a review",
        Stage.VALIDATING: f"fix {_short(view.fix_sha)} is being validated by CI",
        Stage.MERGED: f"fix {_short(view.fix_sha)} merged",
        Stage.OPEN: f"fix {_short(view.fix_sha)} waits for a review",
        Stage.QUEUED: f"fix {_short(view.fix_sha)} is in the review queue",
        Stage.FAILED: f"CI failed on fix {_short(view.fix_sha)}: it does not merge by itself",
    }
    return lines[view.stage]


def _changes(view: FixView) -> list[str]:
    if not view.files:
        return []
    fixes = ", ".join(code(f) for f in view.fix_ids)
    files = ", ".join(code(f) for f in view.files)
    return [f"What changed: {fixes} in {files}.", ""]


def _score(view: FixView) -> list[str]:
    result = view.score
    if result is None:
        return []
    measured = ", ".join(
        f"{s.name} {'not measured' if s.value is None else format_score(s.value)}"
        for s in result.signals
    )
    lines = [f"Score {format_score(result.score)}, route {code(result.route.value)} ({measured})."]
    lines += [f"- {text(reason)}" for reason in result.reasons]
    return [*lines, ""]


def _next(view: FixView) -> list[str]:
    label = format_item_id(view.queue_id) if view.queue_id else "ID"
    if view.queue_id is not None and view.stage in (Stage.QUEUED, Stage.FAILED):
        return [
            f"It waits in the review queue as {code(label)} (label {code(REVIEW_LABEL)}): "
            f"comment {code(f'/autopilot approve {label}')} to ship it or "
            f"{code(f'/autopilot reject {label} reason')} to drop it.",
            "",
        ]
    if view.stage in (Stage.PROPOSED, Stage.PUSHED, Stage.VALIDATING):
        return ["CI on the fix commit validates it; the score then decides where it goes.", ""]
    return []


def _patch_block(view: FixView) -> list[str]:
    shown = (Stage.SUGGESTED, Stage.QUEUED, Stage.FAILED, Stage.NO_FIX)
    if not view.patch or view.stage not in shown:
        return []
    if len(view.patch) > PATCH_SHOWN:
        return [f"The patch is {len(view.patch)} characters long: too long to show here.", ""]
    fence = "`" * max(3, _longest_backticks(view.patch) + 1)
    return [
        "<details><summary>The whole patch</summary>",
        "",
        f"{fence}diff",
        view.patch.rstrip("\n"),
        fence,
        "",
        "</details>",
        "",
    ]


def _longest_backticks(value: str) -> int:
    longest = run = 0
    for char in value:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _body(view: FixView) -> list[str]:
    run = f"[run {view.run_id}]({view.run_url})" if view.run_url else f"run {view.run_id}"
    lines = [
        f"{text(view.workflow)} {run} failed on {_short(view.failed_sha)} ({code(view.branch)}).",
        "",
    ]
    if view.detail:
        prefix = "Why: " if view.stage is Stage.NO_FIX else ""
        lines += [prefix + view.detail[0].upper() + view.detail[1:] + ".", ""]
    lines += _changes(view) + _score(view) + _next(view) + _patch_block(view)
    lines += [f"> {text(note)}\n" for note in view.notes]
    return lines


def comment(view: FixView) -> str:
    """The sticky fix comment on the pull request (starts with ``MARKER``)."""
    footer = (
        f"<sub>This comment follows the fix through CI and is updated in place; the "
        f"{code(CHECK_NAME)} check run says the same. Comment {code('/autopilot fix')} to "
        "ask for a fix again.</sub>"
    )
    lines = [MARKER, f"### CI Autopilot: {headline(view)}", "", *_body(view), footer]
    return fit("\n".join(lines) + "\n", COMMENT_LIMIT)


def pull_title(view: FixView) -> str:
    return plain(f"autopilot: fix {', '.join(view.fix_ids)} on {view.branch}", TITLE_LIMIT)


def pull_body(view: FixView) -> str:
    """The fix pull request's description: what failed, what changed, the score so far."""
    lines = [
        "### What failed",
        "",
        *_body(view)[:2],
        "### What changed",
        "",
        *(f"- {code(path)}" for path in view.files),
        "",
        "Fixes: " + ", ".join(code(f) for f in view.fix_ids) + ". "
        "Only the failing tools' findings, in the files they named; nothing else is restyled.",
        "",
        "### Score so far",
        "",
        *(_score(view) or ["Nothing measured yet.", ""]),
        "CI on this pull request validates the fix: when it completes the bot scores the "
        "signals and merges this exact commit, leaves it for review, or queues it.",
        "",
        f"<sub>Made by CI Autopilot from {_short(view.failed_sha)}. A failure of this "
        "pull request's own CI is never fixed again by the bot.</sub>",
    ]
    return fit("\n".join(lines) + "\n", COMMENT_LIMIT)


def check_output(view: FixView) -> tuple[str, dict[str, str]]:
    """The ``autopilot/fix`` check run's conclusion and output."""
    conclusion = {Stage.NO_FIX: "neutral", Stage.FAILED: "failure", Stage.MERGED: "success"}
    title = plain(headline(view).replace("`", ""), TITLE_LIMIT)
    summary = fit("\n".join(_body(view)) + "\n", OUTPUT_LIMIT)
    return conclusion.get(view.stage, "neutral"), {"title": title, "summary": summary}


def summary(view: FixView) -> str:
    """One Markdown paragraph for a command's reply or the Action's job summary."""
    parts = [f"CI Autopilot: {headline(view)}."]
    if view.detail:
        parts.append(view.detail[0].upper() + view.detail[1:] + ".")
    if view.score is not None:
        parts.append(
            f"Score {format_score(view.score.score)}, route {code(view.score.route.value)}."
        )
    return " ".join(parts)


def suggestion(new_lines: Sequence[str]) -> str:
    """A review comment body holding one ```suggestion block."""
    body = "\n".join(new_lines)
    fence = "`" * max(3, _longest_backticks(body) + 1)
    return f"CI Autopilot suggests:\n\n{fence}suggestion\n{body}\n{fence}\n"
