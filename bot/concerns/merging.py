"""``/autopilot merge``: merge the head a person saw, or enable auto-merge while checks run.

Guards, in order: the pull request is open and not a draft; its head is the commit the
command saw (an explicit SHA, the check run's head, or no commit newer than the comment);
no check is failing; no conflicts; the method is ``autofix.merge_method`` when the
repository allows it, else the first one it allows. The merge itself passes the
head SHA (``sha`` on the merge API, ``expectedHeadOid`` for auto-merge), so a push between
the bot's reading and its merging is refused by GitHub too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gidgethub import BadRequest, GraphQLException

from bot.concerns.ports import Ports
from bot.core.command_payloads import timestamp
from bot.core.config_check import CONFIG_PATH, ConfigError
from bot.core.render.command_reports import CheckSummary, names
from bot.core.render.markdown import code, text

log = logging.getLogger(__name__)
#: Our own commentary on a commit; CI's checks are what a merge waits for.
OWN_CHECKS = "autopilot/"
#: The repository settings that allow each method, in the order the bot prefers them.
METHODS = (("squash", "allow_squash_merge"), ("merge", "allow_merge_commit"),
           ("rebase", "allow_rebase_merge"))  # fmt: skip
ENABLE_AUTO_MERGE = """mutation EnableAutoMerge($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!, $expectedHeadOid: GitObjectID!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $pullRequestId, mergeMethod: $mergeMethod, expectedHeadOid: $expectedHeadOid}) {
    pullRequest { number }
  }
}"""  # noqa: E501


@dataclass(frozen=True)
class MergeDecision:
    ok: bool
    message: str


async def check_summary(ports: Ports, repo: str, sha: str) -> CheckSummary:
    """The head's check runs (the latest of each name), ours left out."""
    url = f"/repos/{repo}/commits/{sha}/check-runs?filter=latest&per_page=100"
    runs = [
        (str(run.get("name")), str(run.get("status")), run.get("conclusion"))
        async for run in ports.gh.getiter(url, iterable_key="check_runs")
        if not str(run.get("name")).startswith(OWN_CHECKS)
    ]
    return CheckSummary.of(runs)


async def _moved(
    ports: Ports, repo: str, head: str, view_sha: str | None, said_at: float | None
) -> str | None:
    """Why the head is not the commit the command was about, or ``None``."""
    if view_sha is not None:
        if head.startswith(view_sha.lower()):
            return None
        return (
            f"the head moved from {code(view_sha[:12])} to {code(head[:12])} since the command; "
            "look at the new commits and ask again."
        )
    if said_at is None:
        return None
    try:
        commit = await ports.gh.getitem(f"/repos/{repo}/git/commits/{head}")
    except BadRequest as exc:  # the merge's own ``sha`` guard still holds
        log.warning(f"{repo}: cannot read head commit {head[:12]} ({exc}): date not compared")
        return None
    committed = timestamp((commit.get("committer") or {}).get("date"))
    if committed is not None and committed > said_at:
        return (
            f"the head {code(head[:12])} was committed after the command was written; "
            f"look at it and ask again (`/autopilot merge {head[:12]}` merges exactly it)."
        )
    return None


def _method(repository: Mapping[str, Any], preferred: str) -> str | None:
    """The configured method if the repository allows it, else the first one it allows."""
    allowed = [method for method, setting in METHODS if repository.get(setting, True)]
    return preferred if preferred in allowed else next(iter(allowed), None)


async def _auto_merge(
    ports: Ports, repo: str, pull: Mapping[str, Any], method: str, why: str
) -> MergeDecision:
    head = str(pull["head"]["sha"])
    try:
        await ports.gh.graphql(
            ENABLE_AUTO_MERGE,
            endpoint=f"{ports.gh.base_url}/graphql",
            pullRequestId=pull["node_id"],
            mergeMethod=method.upper(),
            expectedHeadOid=head,
        )
    except GraphQLException as exc:
        return MergeDecision(False, f"GitHub refused to enable auto-merge: {text(str(exc))}.")
    return MergeDecision(
        True,
        f"{why}; auto-merge ({method}) is on for {code(head[:12])}: "
        "GitHub merges it when the repository's rules are met.",
    )


async def merge_pull(
    ports: Ports, repo: str, number: int, *, view_sha: str | None, said_at: float | None
) -> MergeDecision:
    """Merge pull request ``number`` of ``repo`` if every guard allows it."""
    pull = await ports.gh.getitem(f"/repos/{repo}/pulls/{number}")
    if pull.get("merged"):
        return MergeDecision(False, "it is already merged.")
    if pull.get("state") != "open":
        return MergeDecision(False, "the pull request is closed.")
    if pull.get("draft"):
        return MergeDecision(False, "the pull request is a draft.")
    head = str(pull["head"]["sha"])
    moved = await _moved(ports, repo, head, view_sha, said_at)
    if moved is not None:
        return MergeDecision(False, moved)
    checks = await check_summary(ports, repo, head)
    if checks.failing:
        return MergeDecision(False, f"checks are failing on the head: {names(checks.failing)}.")
    state = pull.get("mergeable_state")
    if pull.get("mergeable") is False or state == "dirty":
        return MergeDecision(False, "it has conflicts with its base branch; resolve them first.")
    if state == "behind":
        return MergeDecision(False, "its branch is behind its base; update it first.")
    try:
        config = await ports.repo_config.at(repo, head)
    except ConfigError as exc:
        return MergeDecision(False, f"{code(CONFIG_PATH)} is invalid: {text(str(exc))}.")
    repository = await ports.gh.getitem(f"/repos/{repo}")
    method = _method(repository, config.autofix.merge_method)
    if method is None:
        return MergeDecision(False, "the repository allows no merge method.")
    if checks.pending or state == "blocked":
        if not repository.get("allow_auto_merge"):
            return MergeDecision(
                False, "checks are still running and auto-merge is off in the repository."
            )
        why = f"checks are running ({names(checks.pending)})" if checks.pending else "blocked"
        return await _auto_merge(ports, repo, pull, method, why)
    try:
        merged = await ports.gh.put(
            f"/repos/{repo}/pulls/{number}/merge", data={"sha": head, "merge_method": method}
        )
    except BadRequest as exc:
        status = int(exc.status_code)
        if status == 409:
            return MergeDecision(False, "the head moved while merging; look and ask again.")
        return MergeDecision(False, f"GitHub refused the merge ({status}): {text(str(exc))}.")
    sha = str(merged.get("sha") or "")
    return MergeDecision(True, f"merged {code(head[:12])} ({method}) as {code(sha[:12])}.")
