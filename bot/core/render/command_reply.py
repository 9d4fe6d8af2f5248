"""The bot's one reply to a comment with commands: outcomes, refusals, the command list."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.commands import COMMANDS, PREFIX, Access, CommandSpec, Problem
from bot.core.render.markdown import code, fit, no_mentions, plain

#: Hidden first line of a reply: which comment it answers and which commands already ran.
_REPLY_MARKER = "<!-- autopilot:reply comment={comment_id} ran={ran} -->"
_REPLY_PATTERN = re.compile(r"^<!-- autopilot:reply comment=(\d+) ran=([0-9a-f,]*) -->")
REPLY_LIMIT = 65_536
SHOWN_LINE = 80
WHO = {Access.ANYONE: "anyone", Access.WRITE: "people with write permission"}


class Status(StrEnum):
    """How one command ended; ``done`` gets 🚀, the others 😕."""

    DONE = "done"
    REFUSED = "refused"
    FAILED = "failed"


EMOJI = {Status.DONE: "🚀", Status.REFUSED: "😕", Status.FAILED: "😕"}


@dataclass(frozen=True)
class Outcome:
    """One command's result; ``message`` is Markdown the bot wrote (user text already inert)."""

    command: str
    status: Status
    message: str
    #: A block (a table) shown after the list of outcomes.
    details: str = ""

    @property
    def ok(self) -> bool:
        return self.status is Status.DONE


def reply_marker(comment_id: int, ran: Iterable[str]) -> str:
    return _REPLY_MARKER.format(comment_id=comment_id, ran=",".join(sorted(set(ran))))


def reply_prefix(comment_id: int) -> str:
    """How every reply to ``comment_id`` starts, whatever ran: finds it among the comments."""
    return f"<!-- autopilot:reply comment={comment_id} ran="


def ran_digests(body: str) -> frozenset[str]:
    """The digests a reply says already ran (none for a body that is not a reply)."""
    match = _REPLY_PATTERN.match(body)
    return frozenset(d for d in (match.group(2).split(",") if match else ()) if d)


def help_table(commands: Mapping[str, CommandSpec] = COMMANDS) -> str:
    lines = ["| command | what it does | who may use it |", "|---|---|---|"]
    for spec in commands.values():
        lines.append(f"| {code(f'{PREFIX} {spec.usage}')} | {spec.summary} | {WHO[spec.access]} |")
    return "\n".join(lines)


def refusal(needed: Access, repo: str, login: str, permission: str) -> str:
    """The polite refusal naming the permission needed."""
    return (
        f"this command needs {WHO[needed].removeprefix('people with ')} on {code(repo)}; "
        f"{code(login)} has {code(permission)} permission, so nothing was done."
    )


def _problem(problem: Problem) -> str:
    return f"- 😕 {code(plain(problem.line.strip(), SHOWN_LINE))}: {plain(problem.message, 200)}"


def reply(
    *,
    comment_id: int,
    comment_url: str,
    author: str,
    outcomes: Sequence[Outcome],
    problems: Sequence[Problem] = (),
    ran: Iterable[str] = (),
    skipped: int = 0,
    show_help: bool = False,
) -> str:
    """The reply's Markdown; ``ran`` lists every digest of this comment that has run."""
    where = f"[this comment]({comment_url})" if comment_url.startswith("https://") else "a comment"
    lines = [
        reply_marker(comment_id, ran),
        f"**CI Autopilot** on {where} by {code(author)}:",
        "",
        *(f"- {EMOJI[o.status]} {code(o.command)}: {o.message}" for o in outcomes),
        *(_problem(p) for p in problems),
    ]
    if skipped:
        lines.append(
            f"- {skipped} command(s) of this comment had already run and were not run again."
        )
    lines += [f"\n{o.details}" for o in outcomes if o.details]
    if show_help:
        lines += ["", "Commands (one per line, outside code blocks and quotes):", "", help_table()]
    return fit(no_mentions("\n".join(lines)) + "\n", REPLY_LIMIT)


BUTTON_MARKER = "<!-- autopilot:button -->"


def button_reply(*, label: str, check_name: str, actor: str, outcomes: Sequence[Outcome]) -> str:
    """The comment answering a check-run button press."""
    lines = [
        BUTTON_MARKER,
        f"**CI Autopilot**: {code(actor)} pressed {code(label)} on {code(check_name)}:",
        "",
        *(f"- {EMOJI[o.status]} {code(o.command)}: {o.message}" for o in outcomes),
    ]
    return fit(no_mentions("\n".join(lines)) + "\n", REPLY_LIMIT)
