"""Typed views of the payloads people steer the bot with: comments, check-run buttons, re-runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.events import Event


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def timestamp(value: Any) -> float | None:
    """GitHub's ISO 8601 time (``2024-01-01T00:00:00Z``) as epoch seconds, or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


@dataclass(frozen=True, kw_only=True)
class Actor:
    """Who did something: a login and GitHub's account type (``User``, ``Bot``...)."""

    login: str | None
    type: str | None

    @classmethod
    def of(cls, user: Any) -> Actor:
        data = _map(user)
        return cls(login=_str(data.get("login")), type=_str(data.get("type")))


@dataclass(frozen=True, kw_only=True)
class CommentEvent:
    """An ``issue_comment`` delivery: the comment, where it is, and who wrote and sent it."""

    action: str
    repo: str
    number: int
    is_pull: bool
    comment_id: int
    body: str
    html_url: str
    author: Actor
    sender: Actor
    #: When the comment got the text it has now: what its author saw was before this.
    updated_at: float | None

    @classmethod
    def from_event(cls, event: Event) -> CommentEvent | None:
        """``None`` when the payload lacks the repository, the issue or the comment id."""
        issue, comment = _map(event.data.get("issue")), _map(event.data.get("comment"))
        number, comment_id = _int(issue.get("number")), _int(comment.get("id"))
        if event.repository is None or number is None or comment_id is None:
            return None
        return cls(
            action=event.action or "",
            repo=event.repository,
            number=number,
            is_pull=isinstance(issue.get("pull_request"), Mapping),
            comment_id=comment_id,
            body=_str(comment.get("body")) or "",
            html_url=_str(comment.get("html_url")) or "",
            author=Actor.of(comment.get("user")),
            sender=Actor.of(event.data.get("sender")),
            updated_at=timestamp(comment.get("updated_at") or comment.get("created_at")),
        )


@dataclass(frozen=True, kw_only=True)
class CheckRunEvent:
    """A ``check_run`` delivery: the run, the button pressed (if any), the PRs of its head."""

    action: str
    repo: str
    check_run_id: int
    name: str
    head_sha: str
    external_id: str | None
    app_id: int | None
    identifier: str | None
    pulls: tuple[int, ...]
    sender: Actor

    @classmethod
    def from_event(cls, event: Event) -> CheckRunEvent | None:
        run = _map(event.data.get("check_run"))
        run_id, head_sha = _int(run.get("id")), _str(run.get("head_sha"))
        if event.repository is None or run_id is None or head_sha is None:
            return None
        pulls = tuple(
            n for p in run.get("pull_requests") or () if (n := _int(_map(p).get("number")))
        )
        return cls(
            action=event.action or "",
            repo=event.repository,
            check_run_id=run_id,
            name=_str(run.get("name")) or "",
            head_sha=head_sha,
            external_id=_str(run.get("external_id")),
            app_id=_int(_map(run.get("app")).get("id")),
            identifier=_str(_map(event.data.get("requested_action")).get("identifier")),
            pulls=pulls,
            sender=Actor.of(event.data.get("sender")),
        )

    @property
    def run_id(self) -> int | None:
        """The workflow run a triage check run describes (``external_id`` is ``run:attempt``)."""
        head = (self.external_id or "").partition(":")[0]
        return int(head) if head.isdecimal() else None


@dataclass(frozen=True, kw_only=True)
class CheckSuiteEvent:
    """A ``check_suite`` delivery: the suite's head commit and its pull requests."""

    action: str
    repo: str
    head_sha: str
    pulls: tuple[int, ...]
    sender: Actor

    @classmethod
    def from_event(cls, event: Event) -> CheckSuiteEvent | None:
        suite = _map(event.data.get("check_suite"))
        head_sha = _str(suite.get("head_sha"))
        if event.repository is None or head_sha is None:
            return None
        pulls = tuple(
            n for p in suite.get("pull_requests") or () if (n := _int(_map(p).get("number")))
        )
        return cls(
            action=event.action or "",
            repo=event.repository,
            head_sha=head_sha,
            pulls=pulls,
            sender=Actor.of(event.data.get("sender")),
        )
