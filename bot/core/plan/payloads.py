"""The payload fields the plans concern reads: an issue's edit, and a comment on an issue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.events import Event


def _user(data: Any) -> tuple[str | None, bool]:
    """``(login, is_bot)`` of a user object."""
    if not isinstance(data, Mapping):
        return None, False
    login = data.get("login")
    is_bot = data.get("type") == "Bot" or (isinstance(login, str) and login.endswith("[bot]"))
    return (login if isinstance(login, str) else None), is_bot


@dataclass(frozen=True, kw_only=True)
class IssueEdit:
    """``issues.edited``: the body before (``changes.body.from``) and after, and who edited."""

    repo: str
    number: int
    body: str
    previous: str | None  # None: the body did not change (a title edit)
    editor: str | None
    editor_is_bot: bool

    @classmethod
    def from_event(cls, event: Event) -> IssueEdit | None:
        issue = event.data.get("issue")
        if event.repository is None or not isinstance(issue, Mapping):
            return None
        number = issue.get("number")
        if not isinstance(number, int):
            return None
        changes = event.data.get("changes")
        change = changes.get("body") if isinstance(changes, Mapping) else None
        before = change.get("from") if isinstance(change, Mapping) else None
        login, is_bot = _user(event.data.get("sender"))
        return cls(
            repo=event.repository,
            number=number,
            body=str(issue.get("body") or ""),
            previous=before if isinstance(before, str) else None,
            editor=login,
            editor_is_bot=is_bot,
        )


@dataclass(frozen=True, kw_only=True)
class IssueComment:
    """``issue_comment.created``: the comment's text and author, and the issue it is on."""

    repo: str
    number: int
    comment_id: int
    body: str
    author: str | None
    author_is_bot: bool

    @classmethod
    def from_event(cls, event: Event) -> IssueComment | None:
        issue, comment = event.data.get("issue"), event.data.get("comment")
        if event.repository is None or not isinstance(issue, Mapping):
            return None
        if not isinstance(comment, Mapping):
            return None
        number, comment_id = issue.get("number"), comment.get("id")
        if not isinstance(number, int) or not isinstance(comment_id, int):
            return None
        login, is_bot = _user(comment.get("user"))
        return cls(
            repo=event.repository,
            number=number,
            comment_id=comment_id,
            body=str(comment.get("body") or ""),
            author=login,
            author_is_bot=is_bot,
        )
