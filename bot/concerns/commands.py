"""Slash-commands in comments: who asked, may they, run once, react and reply once.

A comment gets 👀 when its commands are read, then 🚀 when every command succeeded or 😕
otherwise, and one reply (edited when the comment is edited). Bots never run commands;
mutating ones need write permission (the collaborator permission API, cached briefly); an
edited comment runs only the commands it did not run before; a deleted one runs nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from gidgethub import BadRequest
from gidgethub.routing import Router

from bot.concerns.command_actions import EXECUTORS, Request
from bot.concerns.ports import Ports
from bot.core.command_payloads import CommentEvent
from bot.core.command_rules import Permission, RateLimit, is_bot, may_run
from bot.core.commands import COMMANDS, Command, Parsed, parse_comment
from bot.core.events import Event
from bot.core.render import command_reply as render
from bot.core.render.command_reply import Outcome, Status
from bot.core.render.markdown import code, plain
from bot.github.client import GitHubRefused, InstallationGone
from bot.github.publish import edit_comment, find_sticky_comment

log = logging.getLogger(__name__)
router = Router()

#: How long a collaborator permission answer is trusted, in seconds.
PERMISSION_TTL = 30.0
RATE_LIMIT = RateLimit(limit=10, window=600.0)


class Reaction:
    """The reactions the bot leaves on a comment (GitHub's ``content`` values)."""

    SEEN = "eyes"
    DONE = "rocket"
    TROUBLE = "confused"


async def react(ports: Ports, repo: str, comment_id: int, content: str) -> None:
    """A reaction on a comment; failing to react never stops a command."""
    try:
        await ports.gh.post(
            f"/repos/{repo}/issues/comments/{comment_id}/reactions", data={"content": content}
        )
    except BadRequest as exc:
        log.warning(f"{repo}: could not react {content} to comment {comment_id}: {exc}")


async def permission(ports: Ports, repo: str, login: str) -> Permission:
    """``login``'s permission on ``repo``, from the API (cached for ``PERMISSION_TTL``)."""
    store, now = ports.stores.commands, ports.clock()
    cached = await store.cached_permission(repo, login, fresh_after=now - PERMISSION_TTL)
    if cached is not None:
        return Permission(cached)
    try:
        data = await ports.gh.getitem(f"/repos/{repo}/collaborators/{login}/permission")
    except BadRequest as exc:
        # 404: not a user GitHub knows. Anything else: the answer is unknown, and an
        # unknown permission never grants write (nothing is cached either).
        if int(exc.status_code) != 404:
            log.warning(f"{repo}: cannot read {login}'s permission ({exc}): treated as none")
            return Permission.NONE
        data = {}
    level = Permission.from_api(data.get("permission"), data.get("role_name"))
    await store.cache_permission(repo, login, level.value, now=now)
    return level


async def execute(
    ports: Ports, request: Request, commands: Sequence[Command], *, comment_id: int | None
) -> tuple[list[Outcome], int]:
    """Run the commands ``request.actor`` may run; (outcomes, commands skipped as already run)."""
    outcomes: list[Outcome] = []
    skipped = 0
    level: Permission | None = None
    for command in commands:
        spec = COMMANDS[command.name]
        if spec.mutating and level is None:
            level = await permission(ports, request.repo, request.actor)
        if spec.mutating and not may_run(spec, level or Permission.NONE):
            message = render.refusal(spec.access, request.repo, request.actor, str(level))
            outcomes.append(Outcome(command.text, Status.REFUSED, message))
            log.info(f"{request.repo}: {request.actor} ({level}) may not run {command.name}")
            continue
        if comment_id is not None and not await ports.stores.commands.claim(
            comment_id, command.digest, repo=request.repo, login=request.actor, now=ports.clock()
        ):
            skipped += 1  # another delivery of this comment ran it
            continue
        outcomes.append(await _run(ports, request, command))
    return outcomes, skipped


async def _run(ports: Ports, request: Request, command: Command) -> Outcome:
    try:
        outcome = await EXECUTORS[command.name](ports, request, command)
    except Exception as exc:  # one command failing must not silence the reply
        log.exception(f"{request.repo}: command {command.name} failed")
        reason = plain(f"{type(exc).__name__}: {exc}", 300)
        return Outcome(command.text, Status.FAILED, f"it failed: {code(reason)}.")
    log.info(f"{request.repo}: {request.actor} ran {command.name}: {outcome.status}")
    return outcome


async def rate_limited(ports: Ports, login: str, repo: str, count: int) -> bool | None:
    """``None`` when allowed (and counted); else whether this is the first refusal."""
    store, now = ports.stores.commands, ports.clock()
    recent = await store.recent(login, since=now - RATE_LIMIT.window)
    await store.log(login, repo, now=now, count=count)
    if RATE_LIMIT.allows(recent, now):
        return None
    return len(recent) < RATE_LIMIT.limit + count


async def _find_reply(ports: Ports, comment: CommentEvent) -> Mapping[str, Any] | None:
    """The bot's earlier reply to this comment; none when the comments cannot be listed."""
    prefix = render.reply_prefix(comment.comment_id)
    try:
        return await find_sticky_comment(ports.gh, comment.repo, comment.number, marker=prefix)
    except GitHubRefused as exc:
        if isinstance(exc, InstallationGone):
            raise  # nothing else can be done either
        log.warning(f"{comment.repo}: cannot list comments ({exc.reason}); replying anew")
        return None


def _already_ran(reply_body: str | None) -> frozenset[str]:
    return render.ran_digests(reply_body or "")


@router.register("issue_comment")
async def on_comment(event: Event, ports: Ports) -> None:
    comment = CommentEvent.from_event(event)
    context = {"delivery": event.delivery_id}
    if comment is None:
        log.warning("issue_comment without a repository, issue or comment id", extra=context)
        return
    if comment.action == "deleted":
        log.info(
            f"{comment.repo}: comment {comment.comment_id} deleted: nothing runs", extra=context
        )
        return
    if comment.action not in ("created", "edited"):
        return
    parsed = parse_comment(comment.body)
    if parsed.empty:
        return
    author, sender = comment.author, comment.sender
    if is_bot(author.login, author.type) or is_bot(sender.login, sender.type):
        log.info(f"{comment.repo}: commands from {sender.login} (a bot) are ignored", extra=context)
        return
    assert sender.login is not None
    await _answer(ports, comment, parsed, sender.login)


async def _answer(ports: Ports, comment: CommentEvent, parsed: Parsed, actor: str) -> None:
    repo, comment_id = comment.repo, comment.comment_id
    reply = await _find_reply(ports, comment)
    ran = await ports.stores.commands.ran(comment_id) | _already_ran(
        None if reply is None else str(reply.get("body"))
    )
    fresh = [c for c in parsed.commands if c.digest not in ran]
    if comment.action == "edited" and not fresh:
        log.info(f"{repo}: comment {comment_id} edited: no new command")
        return
    if ports.dry_run:
        log.info(f"dry-run: would run {[c.text for c in fresh]} for {actor} on {repo}")
        return
    await react(ports, repo, comment_id, Reaction.SEEN)
    limited = await rate_limited(ports, actor, repo, max(1, len(fresh)))
    if limited is not None:
        log.warning(f"{repo}: {actor} sent too many commands; comment {comment_id} not run")
        await react(ports, repo, comment_id, Reaction.TROUBLE)
        if limited:
            message = (
                f"too many commands from {code(actor)} in {int(RATE_LIMIT.window // 60)} "
                "minutes; nothing was run. Try again later."
            )
            refusal = [Outcome("/autopilot", Status.REFUSED, message)]
            await _reply(ports, comment, reply, refusal, parsed, ran, 0)
        return
    request = Request(
        repo=repo,
        number=comment.number,
        is_pull=comment.is_pull,
        actor=actor,
        said_at=comment.updated_at,
    )
    outcomes, skipped = await execute(ports, request, fresh, comment_id=comment_id)
    ran = ran | {c.digest for c in fresh}
    skipped += len(parsed.commands) - len(fresh)
    await _reply(ports, comment, reply, outcomes, parsed, ran, skipped)
    ok = all(o.ok for o in outcomes) and not parsed.problems
    await react(ports, repo, comment_id, Reaction.DONE if ok else Reaction.TROUBLE)


async def _reply(
    ports: Ports,
    comment: CommentEvent,
    existing: Mapping[str, Any] | None,
    outcomes: Sequence[Outcome],
    parsed: Parsed,
    ran: frozenset[str],
    skipped: int,
) -> None:
    body = render.reply(
        comment_id=comment.comment_id,
        comment_url=comment.html_url,
        author=comment.sender.login or "",
        outcomes=outcomes,
        problems=parsed.problems,
        ran=ran,
        skipped=skipped,
        show_help=parsed.wants_help,
    )
    ports.summary.sections.append(body)  # the Action's job summary shows the answer too
    if existing is not None:
        await edit_comment(ports.gh, comment.repo, existing, body)
    else:
        await ports.gh.post(
            f"/repos/{comment.repo}/issues/{comment.number}/comments", data={"body": body}
        )
