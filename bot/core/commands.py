"""Slash-commands in comments: the command table and a pure parser of comment bodies.

A command is a line ``/autopilot NAME [ARGS]`` outside code (fenced or indented), quotes,
``<details>`` blocks and HTML comments. ``COMMANDS`` maps each name to its spec; a new
command is one more entry (its argument parser included), nothing else changes here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.plan.commands import parse_plan_args
from bot.errors import UsageError

PREFIX = "/autopilot"
#: Commands run from one comment; more is a flood, not a request.
MAX_COMMANDS = 10
#: A command line longer than this is cut (a reason does not need more).
MAX_LINE = 1000
MAX_REASON = 500
_COMMAND = re.compile(r"^ {0,3}/autopilot(?:[ \t]+(.*))?$", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_QUOTE = re.compile(r"^ {0,3}>")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_ITEM_ID = re.compile(r"^(?:rq-)?([0-9]{1,18})$", re.IGNORECASE)
_SHA = re.compile(r"^[0-9a-f]{7,40}$")


class Access(StrEnum):
    """What a command needs: anyone who can comment, or write permission on the repository."""

    ANYONE = "anyone"
    WRITE = "write"


class ArgumentError(ValueError):
    """A command's arguments are wrong; the message says what is expected."""


ArgParser = Callable[[tuple[str, ...]], Mapping[str, str]]


@dataclass(frozen=True, kw_only=True)
class CommandSpec:
    """One command: how it is written, what it does, who may run it, how its args parse."""

    name: str
    usage: str
    summary: str
    access: Access
    parse: ArgParser

    @property
    def mutating(self) -> bool:
        return self.access is Access.WRITE


@dataclass(frozen=True)
class Command:
    """A parsed, valid command: its name, its arguments by name, and the line as written."""

    name: str
    args: Mapping[str, str] = field(default_factory=dict)
    line: str = ""

    @property
    def text(self) -> str:
        """The command in canonical form, e.g. ``/autopilot reject rq-3 too big``."""
        values = " ".join(v for v in self.args.values() if v)
        return f"{PREFIX} {self.name}" + (f" {values}" if values else "")

    @property
    def digest(self) -> str:
        """Identifies the command within a comment, so an edit never runs it twice."""
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Problem:
    """A line that looked like a command but is not a valid one."""

    line: str
    message: str
    unknown: bool = False


@dataclass(frozen=True)
class Parsed:
    """Everything a comment asks for: valid commands (deduplicated, in order) and problems."""

    commands: tuple[Command, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.commands and not self.problems

    @property
    def wants_help(self) -> bool:
        """An unknown command, or ``help`` itself, is answered with the command list."""
        return any(p.unknown for p in self.problems) or any(c.name == "help" for c in self.commands)


def no_args(args: tuple[str, ...]) -> Mapping[str, str]:
    if args:
        raise ArgumentError("takes no arguments")
    return {}


def item_id_arg(args: tuple[str, ...]) -> Mapping[str, str]:
    """``ID``: a review queue id such as ``rq-12``."""
    if len(args) != 1:
        raise ArgumentError("needs exactly one review queue id, e.g. rq-12")
    return {"id": _item_id(args[0])}


def reject_args(args: tuple[str, ...]) -> Mapping[str, str]:
    """``ID [reason]``: the reason is the rest of the line."""
    if not args:
        raise ArgumentError("needs a review queue id, e.g. rq-12, and optionally a reason")
    reason = " ".join(args[1:])
    if len(reason) > MAX_REASON:
        raise ArgumentError(f"the reason is longer than {MAX_REASON} characters")
    return {"id": _item_id(args[0]), "reason": reason}


def merge_args(args: tuple[str, ...]) -> Mapping[str, str]:
    """``[SHA]``: the head commit the person saw; the merge is refused if the head moved."""
    if not args:
        return {}
    if len(args) > 1 or not _SHA.match(args[0].lower()):
        raise ArgumentError("takes at most one argument: the head commit SHA (7 to 40 hex digits)")
    return {"sha": args[0].lower()}


def _item_id(text: str) -> str:
    match = _ITEM_ID.match(text)
    if match is None or int(match.group(1)) < 1:
        raise ArgumentError(f"expects a review queue id such as rq-12, not {text[:40]!r}")
    return f"rq-{int(match.group(1))}"


def plan_args(args: tuple[str, ...]) -> Mapping[str, str]:
    """``run [MODE] | status | approve PHASE | retry PHASE`` (``bot.core.plan.commands``)."""
    try:
        command = parse_plan_args(" ".join(args))
    except UsageError:
        raise ArgumentError(
            "takes run [auto|manual|dry-run], status, approve PHASE or retry PHASE"
        ) from None
    found = {"verb": str(command.verb), "phase": command.phase, "mode": command.mode}
    return {key: str(value) for key, value in found.items() if value is not None}


def _spec(name: str, usage: str, summary: str, access: Access, parse: ArgParser) -> CommandSpec:
    return CommandSpec(name=name, usage=usage, summary=summary, access=access, parse=parse)


#: Every command, in the order ``help`` lists them. Extend with ``COMMANDS | {...}``.
COMMANDS: Mapping[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        _spec("help", "help", "list the commands", Access.ANYONE, no_args),
        _spec("status", "status", "this pull request's CI, triage and queued fixes",
              Access.ANYONE, no_args),
        _spec("queue", "queue", "fixes of this repository waiting for review",
              Access.ANYONE, no_args),
        _spec("triage", "triage", "triage the latest failed run again", Access.WRITE, no_args),
        _spec("fix", "fix", "run the mechanical fixes on this pull request",
              Access.WRITE, no_args),
        _spec("retry", "retry", "re-run the failed jobs of the latest failed run",
              Access.WRITE, no_args),
        _spec("merge", "merge [SHA]",
              "merge the head (or enable auto-merge while checks run), if it has not moved",
              Access.WRITE, merge_args),
        _spec("approve", "approve ID", "ship a fix waiting in the review queue",
              Access.WRITE, item_id_arg),
        _spec("reject", "reject ID [reason]", "close a fix waiting in the review queue",
              Access.WRITE, reject_args),
        # Plans: status is for anyone; run, approve and retry check write permission.
        _spec("plan", "plan run [MODE] | status | approve PHASE | retry PHASE",
              "the plan in the dashboard issue (run, approve and retry need write permission)",
              Access.ANYONE, plan_args),
    )
}  # fmt: skip


def parse_comment(body: str, commands: Mapping[str, CommandSpec] = COMMANDS) -> Parsed:
    """The commands in a comment body; everything else in it is ignored."""
    found: dict[str, Command] = {}
    problems: list[Problem] = []
    for line in command_lines(body):
        line = line[:MAX_LINE]
        match = _COMMAND.match(line)
        if match is None:
            continue
        words = tuple((match.group(1) or "").split())
        if len(found) + len(problems) >= MAX_COMMANDS:
            problems.append(Problem(line, f"only the first {MAX_COMMANDS} commands are read"))
            break
        if not words:
            found.setdefault("help", Command("help", {}, line))
            continue
        name = words[0].lower()
        spec = commands.get(name)
        if spec is None:
            problems.append(Problem(line, f"unknown command {name[:40]!r}", unknown=True))
            continue
        try:
            command = Command(name, dict(spec.parse(words[1:])), line.strip())
        except ArgumentError as exc:
            problems.append(Problem(line, f"{name} {exc}"))
            continue
        found.setdefault(command.digest, command)
    return Parsed(tuple(found.values()), tuple(problems))


def command_lines(body: str) -> list[str]:
    """The lines of ``body`` that are ordinary text: no code, quote, details or HTML comment."""
    lines: list[str] = []
    fence: str | None = None
    details = 0
    in_comment = False
    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:
            stripped = raw.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in raw
            continue
        opening = _FENCE.match(raw)
        if opening is not None and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            fence = opening.group(1)
            continue
        start = raw.find("<!--")
        if start >= 0 and "-->" not in raw[start:]:
            in_comment = True
            continue
        opened, closed = len(_DETAILS_OPEN.findall(raw)), len(_DETAILS_CLOSE.findall(raw))
        if details or opened:
            details = max(0, details + opened - closed)
            continue
        if _QUOTE.match(raw) or raw.startswith(("    ", "\t")):
            continue  # quoted text, or an indented code block (or a paragraph's continuation)
        lines.append(raw)
    return lines
