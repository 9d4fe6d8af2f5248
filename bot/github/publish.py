"""Idempotent writes concerns share: a check run per run attempt, one sticky comment per PR."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.github.client import GitHubClient

log = logging.getLogger(__name__)

#: GitHub accepts at most 50 annotations per create or update request.
ANNOTATIONS_PER_REQUEST = 50


@dataclass(frozen=True, kw_only=True)
class CheckRunRequest:
    """A completed check run to publish; ``external_id`` says which run it describes."""

    name: str
    head_sha: str
    conclusion: str
    external_id: str
    output: Mapping[str, Any]
    annotations: Sequence[Mapping[str, Any]] = ()


async def _existing_check_run(
    gh: GitHubClient, repo: str, request: CheckRunRequest
) -> Mapping[str, Any] | None:
    app_id = gh.app.app_id if gh.app is not None else None
    async for run in gh.getiter(
        f"/repos/{repo}/commits/{request.head_sha}/check-runs?check_name={request.name}&filter=all",
        iterable_key="check_runs",
    ):
        ours = app_id is None or str((run.get("app") or {}).get("id")) == str(app_id)
        if ours and run.get("external_id") == request.external_id:
            return dict(run)
    return None


async def publish_check_run(gh: GitHubClient, repo: str, request: CheckRunRequest) -> int:
    """Create the check run, or update the one already made for ``external_id``; its id.

    Annotations go in batches of 50: the first with the create, the rest as updates (GitHub
    appends them). A redelivery resumes after the annotations already there instead of adding
    them twice; they cannot be removed, so a new run attempt gets a new check run.
    """
    annotations = list(request.annotations)
    existing = await _existing_check_run(gh, repo, request)
    body = {"status": "completed", "conclusion": request.conclusion}
    if existing is None:
        first = annotations[:ANNOTATIONS_PER_REQUEST]
        annotations = annotations[ANNOTATIONS_PER_REQUEST:]
        created = await gh.post(
            f"/repos/{repo}/check-runs",
            data={
                "name": request.name,
                "head_sha": request.head_sha,
                "external_id": request.external_id,
                **body,
                "output": {**request.output, "annotations": first},
            },
        )
        check_id = int(created["id"])
    else:
        check_id = int(existing["id"])
        done = int((existing.get("output") or {}).get("annotations_count") or 0)
        annotations = annotations[done:]
        await gh.patch(
            f"/repos/{repo}/check-runs/{check_id}",
            data={**body, "output": {**request.output, "annotations": []}},
        )
    for start in range(0, len(annotations), ANNOTATIONS_PER_REQUEST):
        batch = annotations[start : start + ANNOTATIONS_PER_REQUEST]
        await gh.patch(
            f"/repos/{repo}/check-runs/{check_id}",
            data={"output": {**request.output, "annotations": batch}},
        )
    return check_id


def _is_ours(comment: Mapping[str, Any], marker: str) -> bool:
    """A bot's comment that starts with the marker (a person quoting it is not ours)."""
    user = comment.get("user") or {}
    return user.get("type") == "Bot" and str(comment.get("body") or "").startswith(marker)


async def find_sticky_comment(
    gh: GitHubClient, repo: str, number: int, *, marker: str
) -> Mapping[str, Any] | None:
    """The bot's comment carrying ``marker`` on issue/PR ``number``, if there is one."""
    async for comment in gh.getiter(f"/repos/{repo}/issues/{number}/comments?per_page=100"):
        if _is_ours(comment, marker):
            return dict(comment)
    return None


async def edit_comment(gh: GitHubClient, repo: str, comment: Mapping[str, Any], body: str) -> None:
    """Replace a comment's body, unless it already says exactly that."""
    if comment.get("body") != body:
        await gh.patch(f"/repos/{repo}/issues/comments/{comment['id']}", data={"body": body})


async def upsert_sticky_comment(
    gh: GitHubClient, repo: str, number: int, *, marker: str, body: str
) -> int:
    """Edit the bot's comment carrying ``marker`` on issue/PR ``number``, or post it once."""
    comment = await find_sticky_comment(gh, repo, number, marker=marker)
    if comment is not None:
        await edit_comment(gh, repo, comment, body)
        return int(comment["id"])
    created = await gh.post(f"/repos/{repo}/issues/{number}/comments", data={"body": body})
    return int(created["id"])
