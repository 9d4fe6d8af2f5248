"""Payloads people send the bot (comments, button presses) built on the fake's own objects."""

from __future__ import annotations

import copy
from typing import Any

from bot.core.events import Event
from bot.fakegh import FakeGitHub
from bot.fakegh.state import Comment, Repo, iso
from bot.fakegh.webhooks import find_example, pull_request_comment
from tests.concerns.conftest import INSTALLATION, World

__all__ = ["INSTALLATION", "READER", "STRANGER", "WRITER"]

READER, STRANGER, WRITER = "reader", "stranger", "octocat"


def person(login: str, kind: str = "User") -> dict[str, Any]:
    user = copy.deepcopy(find_example("issue_comment", "created").payload["sender"])
    user.update(login=login, type=kind)
    return user


def comment_payload(
    fake: FakeGitHub,
    repo: Repo,
    comment: Comment,
    *,
    action: str = "created",
    kind: str = "User",
    sender: str | None = None,
) -> dict[str, Any]:
    """The ``issue_comment`` payload GitHub sends for a comment the fake holds."""
    number = comment.issue_number
    payload = pull_request_comment(find_example("issue_comment", "created").payload)
    payload["action"] = action
    payload["repository"].update(full_name=repo.full_name, name=repo.name)
    payload["issue"]["number"] = number
    if not fake.state.issues[(repo.full_name, number)].is_pull:
        payload["issue"].pop("pull_request")
    payload["comment"].update(
        id=comment.id,
        body=comment.body,
        user=person(comment.user.login, kind),
        html_url=f"https://github.com/{repo.full_name}/pull/{number}#issuecomment-{comment.id}",
        created_at=iso(comment.created_at),
        updated_at=iso(comment.updated_at),
    )
    payload["sender"] = person(sender or comment.user.login, kind)
    payload["installation"] = {"id": INSTALLATION}
    return payload


def comment_event(
    world: World,
    body: str,
    *,
    author: str = WRITER,
    kind: str = "User",
    action: str = "created",
    comment_id: int | None = None,
    number: int | None = None,
    sender: str | None = None,
) -> Event:
    """The ``issue_comment`` delivery for a comment the fake holds (made unless given)."""
    repo, number = world.demo.repo, number or world.demo.pull.number
    if comment_id is None:
        comment = world.fake.add_comment(repo, number, body, author=author)
    else:
        comment = world.fake.state.comments[comment_id]
        comment.body, comment.updated_at = body, world.fake.state.now()
    payload = comment_payload(world.fake, repo, comment, action=action, kind=kind, sender=sender)
    return Event.from_payload("issue_comment", f"c-{comment.id}-{action}", payload)


async def check_run_event(
    world: World, check_run_id: int, *, action: str, sender: str, identifier: str | None = None
) -> Event:
    """A ``check_run`` delivery for a check run the fake holds, as the App sees it."""
    repo = world.demo.repo.full_name
    check_run = await world.gh.getitem(f"/repos/{repo}/check-runs/{check_run_id}")
    payload = copy.deepcopy(find_example("check_run", "requested_action").payload)
    payload["action"] = action
    payload["check_run"] = {**payload["check_run"], **check_run}
    payload["repository"].update(full_name=repo, name=world.demo.repo.name)
    payload["sender"] = person(sender)
    payload["installation"] = {"id": INSTALLATION}
    if identifier is not None:
        payload["requested_action"] = {"identifier": identifier}
    return Event.from_payload("check_run", f"b-{check_run_id}-{action}-{sender}", payload)


def replies(world: World) -> list[str]:
    """The bodies of the bot's comments on the demo pull request, oldest first."""
    key = (world.demo.repo.full_name, world.demo.pull.number)
    return [
        c.body
        for c in sorted(world.fake.state.comments.values(), key=lambda c: c.id)
        if (c.repo, c.issue_number) == key and c.user.type == "Bot"
    ]


def reactions(world: World, comment_id: int) -> list[str]:
    return [r.content for r in world.fake.state.comments[comment_id].reactions]
