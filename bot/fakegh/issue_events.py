"""Issue payloads made from the examples: a body edited by someone, a comment by someone."""

from __future__ import annotations

from typing import Any

from bot.fakegh.state import Comment, Issue, Repo
from bot.fakegh.webhooks import find_example, repository_payload


def _sender(template: dict[str, Any], login: str, *, bot: bool = False) -> dict[str, Any]:
    return {**template, "login": login, "type": "Bot" if bot else "User"}


def issue_edited(
    repo: Repo,
    issue: Issue,
    *,
    before: str,
    editor: str,
    installation_id: int | None,
    bot: bool = False,
) -> dict[str, Any]:
    """``issues.edited`` as GitHub sends it after ``editor`` changed the body from ``before``
    to the issue's current body (``changes.body.from``)."""
    payload = find_example("issues", "edited").payload
    payload["issue"] = {
        **payload["issue"],
        "number": issue.number,
        "title": issue.title,
        "body": issue.body,
        "state": issue.state,
    }
    payload["changes"] = {"body": {"from": before}}
    payload["repository"] = repository_payload(repo)
    payload["sender"] = _sender(payload["sender"], editor, bot=bot)
    if installation_id is not None:
        payload["installation"] = {"id": installation_id, "node_id": "MDIzOkluc3RhbGxhdGlvbg=="}
    return payload


def issue_comment_created(
    repo: Repo, issue: Issue, comment: Comment, *, installation_id: int | None
) -> dict[str, Any]:
    """``issue_comment.created`` for ``comment`` (already added to the fake) on ``issue``."""
    payload = find_example("issue_comment", "created").payload
    payload["issue"] = {**payload["issue"], "number": issue.number, "title": issue.title}
    payload["comment"] = {
        **payload["comment"],
        "id": comment.id,
        "html_url": f"https://github.com/{repo.full_name}/issues/{issue.number}"
        f"#issuecomment-{comment.id}",
        "body": comment.body,
        "user": _sender(payload["comment"]["user"], comment.user.login),
    }
    payload["repository"] = repository_payload(repo)
    payload["sender"] = _sender(payload["sender"], comment.user.login)
    if installation_id is not None:
        payload["installation"] = {"id": installation_id, "node_id": "MDIzOkluc3RhbGxhdGlvbg=="}
    return payload
