"""Idempotent writes concerns share: a check run per run attempt, one sticky comment per PR."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gidgethub import BadRequest

from bot.core.published import Kind, Record, digest
from bot.github.client import GitHubClient

log = logging.getLogger(__name__)

#: GitHub accepts at most 50 annotations per create or update request.
ANNOTATIONS_PER_REQUEST = 50


class Ledger(Protocol):
    """The store's record of what was published (``bot/store/published.py``)."""

    async def get(self, repository: str, kind: Kind, name: str) -> Record | None: ...

    async def put(self, repository: str, kind: Kind, name: str, record: Record) -> None: ...


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


async def publish_check_run(
    gh: GitHubClient, repo: str, request: CheckRunRequest, *, ledger: Ledger | None = None
) -> int:
    """Create the check run, or update the one already made for ``external_id``; its id.

    Annotations go in batches of 50: the first with the create, the rest as updates (GitHub
    appends them). A redelivery resumes after the annotations already there instead of adding
    them twice; they cannot be removed, so a new run attempt gets a new check run.

    With a ``ledger`` (the store's record of earlier writes, kept under the PR's lease)
    GitHub is searched for the check run only when the record says a create may have
    happened unrecorded (a worker died mid-write), and a request identical to the last one
    completed is not sent again. Without one, GitHub is searched every time.
    """
    annotations = list(request.annotations)
    name = f"{request.name}@{request.head_sha}:{request.external_id}"
    sent = digest([request.conclusion, request.output, annotations])
    known = await ledger.get(repo, Kind.CHECK_RUN, name) if ledger else None
    if known and known.object_id is not None and known.digest == sent:
        return known.object_id  # this exact check run is already on GitHub
    check_id: int | None = None
    done = 0
    if known is not None and known.object_id is not None:
        check_id, done = known.object_id, known.progress
    elif ledger is None or known is not None:  # no record kept, or a create left unrecorded
        existing = await _existing_check_run(gh, repo, request)
        if existing is not None:
            check_id = int(existing["id"])
            done = int((existing.get("output") or {}).get("annotations_count") or 0)

    async def remember(progress: int, final: bool = False) -> None:
        if ledger is not None:
            record = Record(check_id, progress, sent if final else None)
            await ledger.put(repo, Kind.CHECK_RUN, name, record)

    body = {"status": "completed", "conclusion": request.conclusion}
    if check_id is None:
        await remember(0)  # "being created": a crash before the id is recorded means search
        first = annotations[:ANNOTATIONS_PER_REQUEST]
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
        check_id, done = int(created["id"]), len(first)
    else:
        await gh.patch(
            f"/repos/{repo}/check-runs/{check_id}",
            data={**body, "output": {**request.output, "annotations": []}},
        )
    await remember(done)
    for start in range(done, len(annotations), ANNOTATIONS_PER_REQUEST):
        batch = annotations[start : start + ANNOTATIONS_PER_REQUEST]
        await gh.patch(
            f"/repos/{repo}/check-runs/{check_id}",
            data={"output": {**request.output, "annotations": batch}},
        )
        done = start + len(batch)
        await remember(done)
    await remember(max(done, len(annotations)), final=True)
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
    gh: GitHubClient,
    repo: str,
    number: int,
    *,
    marker: str,
    body: str,
    ledger: Ledger | None = None,
) -> int:
    """Edit the bot's comment carrying ``marker`` on issue/PR ``number``, or post it once.

    With a ``ledger`` a comment the store knows is edited by id (no listing), and not at
    all when it already says ``body``; one deleted meanwhile (``404``) is looked for again.
    """
    name = f"{number}:{marker}"
    known = await ledger.get(repo, Kind.COMMENT, name) if ledger else None
    if known is not None and known.object_id is not None:
        if known.digest == digest(body):
            return known.object_id
        try:
            await gh.patch(f"/repos/{repo}/issues/comments/{known.object_id}", data={"body": body})
        except BadRequest as exc:
            if int(exc.status_code) != 404:
                raise
        else:
            await remember_comment(
                ledger, repo, number, marker=marker, comment_id=known.object_id, body=body
            )
            return known.object_id
    comment = await find_sticky_comment(gh, repo, number, marker=marker)
    if comment is not None:
        await edit_comment(gh, repo, comment, body)
        comment_id = int(comment["id"])
    else:
        created = await gh.post(f"/repos/{repo}/issues/{number}/comments", data={"body": body})
        comment_id = int(created["id"])
    await remember_comment(ledger, repo, number, marker=marker, comment_id=comment_id, body=body)
    return comment_id


async def remember_comment(
    ledger: Ledger | None, repo: str, number: int, *, marker: str, comment_id: int, body: str
) -> None:
    """Record that the sticky comment ``comment_id`` on ``number`` now says ``body``."""
    if ledger is not None:
        record = Record(comment_id, digest=digest(body))
        await ledger.put(repo, Kind.COMMENT, f"{number}:{marker}", record)
