"""Lease names: which piece of work has one writer at a time (a PR, else a branch or commit).

Every concern that writes about a pull request takes the lease named by ``pull_request``, so
the triage comment, its check run and a fix for the same PR never race, whichever concern,
worker or machine does the work. Work with no PR is serialised on its branch or commit.
GitHub treats repository names case-insensitively, so names are lower-cased.
"""

from __future__ import annotations


def pull_request(repo: str, number: int) -> str:
    """The lease on one pull request's comments, check runs and fixes."""
    return f"{repo.lower()}#pull/{number}"


def branch(repo: str, name: str) -> str:
    """The lease on a branch's work when no pull request is known (pushes, fix branches)."""
    return f"{repo.lower()}#branch/{name}"


def commit(repo: str, sha: str) -> str:
    """The lease on one commit's check runs when neither a PR nor a branch is known."""
    return f"{repo.lower()}#commit/{sha.lower()}"


def for_run(repo: str, pulls: tuple[int, ...] | list[int], head_sha: str) -> list[str]:
    """The leases a write about a workflow run takes: its PRs', else its head commit's."""
    if pulls:
        return [pull_request(repo, number) for number in pulls]
    return [commit(repo, head_sha)]
