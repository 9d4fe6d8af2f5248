"""The triage report as GitHub shows it: the ``autopilot/triage`` check run and the PR comment."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.core.render.markdown import code, fit, plain, text
from bot.core.triage import Category, Failure

CHECK_NAME = "autopilot/triage"
#: Hidden marker that lets the bot find its own sticky comment and edit it.
MARKER = "<!-- autopilot:triage -->"
#: Second hidden line: which workflow the comment describes, so only its pass resolves it.
_WORKFLOW_MARKER = "<!-- autopilot:workflow {} -->"
COMMENT_LIMIT = 65_536
OUTPUT_LIMIT = 65_535
TITLE_LIMIT = 255
#: Characters; GitHub caps an annotation message at 64 KB and a character is at most 4 bytes.
ANNOTATION_MESSAGE_LIMIT = 16_000
MESSAGE_CELL = 200
SHOWN_ROWS = 10
MAX_ROWS = 200


class CheckConclusion(StrEnum):
    """The conclusions the triage check run uses."""

    FAILURE = "failure"
    NEUTRAL = "neutral"


class AnnotationLevel(StrEnum):
    FAILURE = "failure"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class ReportItem:
    """One failure, the failed jobs that showed it, and what history says about it."""

    failure: Failure
    jobs: tuple[str, ...]
    seen_before: int = 0
    #: Failed and passed on one commit across runs (the engine's ``flaky`` is within one run).
    flaky: bool = False

    @property
    def is_flaky(self) -> bool:
        return self.flaky or self.failure.category is Category.FLAKY


@dataclass(frozen=True, kw_only=True)
class TriageReport:
    """What one failed workflow run's triage found, ready to render."""

    workflow: str
    run_id: int
    run_url: str
    attempt: int
    head_sha: str
    failed_jobs: tuple[str, ...]
    items: tuple[ReportItem, ...]
    notes: tuple[str, ...] = ()

    @property
    def conclusion(self) -> CheckConclusion:
        return CheckConclusion.FAILURE if self.items else CheckConclusion.NEUTRAL


@dataclass(frozen=True)
class CheckOutput:
    """A check run's conclusion and ``output``; annotations go out in batches of 50."""

    conclusion: str
    title: str
    summary: str
    annotations: tuple[dict[str, Any], ...]

    def output(self, annotations: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
        return {"title": self.title, "summary": self.summary, "annotations": list(annotations)}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def title(report: TriageReport) -> str:
    """``3 failures: 1 type_error, 1 assertion, 1 lint`` (categories most important first)."""
    if not report.items:
        jobs = _plural(len(report.failed_jobs), "failed job")
        return plain(f"No failure identified in {jobs}", TITLE_LIMIT)
    counts = Counter(str(item.failure.category) for item in report.items)
    parts = ", ".join(f"{n} {category}" for category, n in counts.items())
    return plain(f"{_plural(len(report.items), 'failure')}: {parts}", TITLE_LIMIT)


def _where(failure: Failure) -> str:
    if failure.file is None:
        return ""
    return code(f"{failure.file}:{failure.line}" if failure.line else failure.file)


def _row(number: int, item: ReportItem) -> str:
    failure = item.failure
    category = str(failure.category)
    if item.flaky and failure.category is not Category.FLAKY:
        category += " (flaky)"
    message = text(plain(" ".join(failure.message.split()), MESSAGE_CELL))
    if item.seen_before:
        message += f" · _seen in {_plural(item.seen_before, 'earlier run')}_"
    cells = (str(number), category, _where(failure), code(failure.test or ""), message)
    return "| " + " | ".join(cells) + " |"


def _table(items: Sequence[ReportItem], start: int) -> list[str]:
    header = ["| | category | where | test | message |", "|---:|---|---|---|---|"]
    return header + [_row(start + n, item) for n, item in enumerate(items)]


def _body(report: TriageReport) -> list[str]:
    jobs = ", ".join(code(job) for job in report.failed_jobs) or "none"
    run = f"[run {report.run_id}]({report.run_url})"
    lines = [
        f"{text(report.workflow)} {run} (attempt {report.attempt}) failed on "
        f"{code(report.head_sha[:7])}. Failed jobs: {jobs}.",
        "",
    ]
    if not report.items:
        lines.append("No failure could be identified in their logs.")
    else:
        shown, rest = report.items[:SHOWN_ROWS], report.items[SHOWN_ROWS:MAX_ROWS]
        lines += ["Most important first:", "", *_table(shown, 1)]
        if rest:
            more = _plural(len(report.items) - SHOWN_ROWS, "more failure")
            lines += ["", f"<details><summary>{more}</summary>", ""]
            lines += [*_table(rest, SHOWN_ROWS + 1), "", "</details>"]
        if len(report.items) > MAX_ROWS:
            lines += ["", f"Only the first {MAX_ROWS} are listed."]
    lines += [f"\n> {text(note)}" for note in report.notes]
    return lines


def _heading(report: TriageReport) -> str:
    return f"### CI Autopilot: {text(title(report))}"


def report_markdown(report: TriageReport) -> str:
    """The report as the sticky comment shows it, without its hidden markers and footer
    (the Action's job summary shows this)."""
    return fit("\n".join([_heading(report), "", *_body(report)]) + "\n", COMMENT_LIMIT)


def comment(report: TriageReport) -> str:
    """The sticky pull request comment (starts with ``MARKER``), within GitHub's limit."""
    heading = _heading(report)
    footer = (
        "<sub>This comment is updated in place on every failed run. Annotations are on the "
        f"{code(CHECK_NAME)} check run. Re-run the failed jobs from the "
        f"[run page]({report.run_url}); triage a log locally with "
        "`autopilot triage job.log`.</sub>"
    )
    top = [MARKER, workflow_marker(report.workflow), heading, ""]
    body = "\n".join([*top, *_body(report), "", footer]) + "\n"
    if len(body) <= COMMENT_LIMIT:
        return body
    return fit("\n".join([*top, *_body(report)]), COMMENT_LIMIT)


def workflow_marker(workflow: str) -> str:
    """The hidden line naming ``workflow`` (made inert: no ``--`` can end the comment)."""
    return _WORKFLOW_MARKER.format(json.dumps(workflow).replace("-", "\\u002d"))


def describes(body: str, workflow: str) -> bool:
    """Whether a sticky comment's body is the triage of ``workflow``."""
    lines = body.split("\n", 2)
    return len(lines) > 1 and lines[1] == workflow_marker(workflow)


def resolved_comment(workflow: str, run_id: int, run_url: str, head_sha: str) -> str:
    """The sticky comment once ``workflow`` passes again on the pull request."""
    heading = f"### CI Autopilot: {text(workflow)} passes again"
    lines = [
        MARKER,
        workflow_marker(workflow),
        heading,
        "",
        f"{text(workflow)} [run {run_id}]({run_url}) passed on {code(head_sha[:7])}; "
        "the failures triaged here before are gone.",
        "",
        "<sub>This comment is updated in place: it shows the triage again if the workflow "
        "fails.</sub>",
    ]
    return "\n".join(lines) + "\n"


def annotation(item: ReportItem) -> dict[str, Any] | None:
    """A check-run annotation at the failure's file and line; ``None`` without a place."""
    failure = item.failure
    if failure.file is None or failure.line is None:
        return None
    level = AnnotationLevel.WARNING if item.is_flaky else AnnotationLevel.FAILURE
    label = failure.test or failure.rule or failure.tool
    return {
        "path": failure.file,
        "start_line": failure.line,
        "end_line": failure.line,
        "annotation_level": str(level),
        "title": plain(f"{failure.category}: {label}", TITLE_LIMIT),
        "message": plain(failure.message or str(failure.category), ANNOTATION_MESSAGE_LIMIT),
        "raw_details": plain("Failed jobs: " + ", ".join(item.jobs), ANNOTATION_MESSAGE_LIMIT),
    }


def check_output(report: TriageReport) -> CheckOutput:
    """The ``autopilot/triage`` check run: conclusion, title, summary and every annotation."""
    annotations = tuple(a for a in map(annotation, report.items) if a is not None)
    return CheckOutput(
        conclusion=str(report.conclusion),
        title=title(report),
        summary=fit("\n".join(_body(report)) + "\n", OUTPUT_LIMIT),
        annotations=annotations,
    )
