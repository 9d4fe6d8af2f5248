"""The fake's in-memory world: apps, installations, tokens, repositories and what they hold."""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Clock = Callable[[], float]
Files = Mapping[str, str | bytes]
Tree = dict[str, str]  # path -> blob sha (a flat, recursive view of a git tree)


def git_sha(kind: str, data: bytes) -> str:
    """The object id git gives ``data`` stored as ``kind`` (``blob``, ``tree``, ``commit``)."""
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()


def iso(ts: float) -> str:
    """GitHub's timestamp format: ``2024-01-01T00:00:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@dataclass
class User:
    login: str
    id: int
    type: str = "User"


@dataclass
class App:
    id: int
    slug: str
    name: str
    public_key_pem: str
    owner: User
    #: What the App was granted and subscribed to (``None``: the fake's defaults).
    permissions: dict[str, str] | None = None
    events: list[str] | None = None
    hook_url: str = "https://autopilot.example.com/webhook"
    webhook_secret: str | None = None
    client_secret: str = ""


@dataclass
class Installation:
    id: int
    account: User
    app_id: int | None
    repos: list[str]  # "owner/name"; the installation may act on these only
    permissions: dict[str, str]
    suspended_at: float | None = None


@dataclass
class Token:
    token: str
    installation_id: int | None
    permissions: dict[str, str]
    expires_at: float | None = None


@dataclass
class Commit:
    sha: str
    message: str
    tree: str
    parents: list[str]
    author: str
    date: float


@dataclass
class Comment:
    id: int
    repo: str
    issue_number: int
    body: str
    user: User
    created_at: float
    updated_at: float
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class Reaction:
    id: int
    content: str
    user: User
    created_at: float


@dataclass
class Issue:
    number: int
    id: int
    repo: str
    title: str
    body: str | None
    user: User
    created_at: float
    updated_at: float
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    closed_at: float | None = None
    is_pull: bool = False
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class PullRequest:
    number: int
    id: int
    repo: str
    head_ref: str
    head_repo: str
    base_ref: str
    head_sha: str
    base_sha: str
    draft: bool = False
    mergeable: bool | None = True
    maintainer_can_modify: bool = False
    merged_sha: str | None = None
    merged_at: float | None = None
    auto_merge: dict[str, Any] | None = None
    requested_reviewers: list[str] = field(default_factory=list)

    @property
    def node_id(self) -> str:
        return f"PR_{self.id}"


@dataclass
class Review:
    id: int
    repo: str
    pull_number: int
    user: User
    body: str
    state: str
    commit_id: str
    comments: list[dict[str, Any]]
    submitted_at: float


@dataclass
class CheckRun:
    id: int
    repo: str
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    started_at: float
    completed_at: float | None
    output: dict[str, Any]
    annotations: list[dict[str, Any]]
    details_url: str | None = None
    external_id: str | None = None
    app_id: int | None = None
    #: The buttons (``requested_action``) the check run offers.
    actions: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Workflow:
    id: int
    repo: str
    name: str
    path: str
    dispatches: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Job:
    id: int
    run_id: int
    repo: str
    name: str
    status: str
    conclusion: str | None
    head_sha: str
    started_at: float
    completed_at: float | None
    log: str = ""
    steps: list[dict[str, Any]] = field(default_factory=list)
    run_attempt: int = 1


@dataclass
class WorkflowRun:
    id: int
    repo: str
    workflow_id: int
    name: str
    head_sha: str
    head_branch: str
    event: str
    status: str
    conclusion: str | None
    created_at: float
    updated_at: float
    run_attempt: int = 1
    pull_requests: list[int] = field(default_factory=list)


@dataclass
class Repo:
    id: int
    owner: User
    name: str
    default_branch: str
    private: bool = False
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, Tree] = field(default_factory=dict)
    commits: dict[str, Commit] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> commit sha
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> permission

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    def put_blob(self, data: bytes) -> str:
        sha = git_sha("blob", data)
        self.blobs[sha] = data
        return sha

    def put_tree(self, tree: Tree) -> str:
        data = "\n".join(f"100644 {p}\0{s}" for p, s in sorted(tree.items())).encode()
        sha = git_sha("tree", data)
        self.trees[sha] = dict(tree)
        return sha

    def put_commit(
        self, message: str, tree: str, parents: list[str], author: str, now: float
    ) -> str:
        header = f"tree {tree}\n" + "".join(f"parent {p}\n" for p in parents)
        sha = git_sha("commit", f"{header}author {author} {int(now)}\n\n{message}".encode())
        self.commits[sha] = Commit(sha, message, tree, list(parents), author, now)
        return sha

    def commit_files(self, commit_sha: str) -> dict[str, bytes]:
        """Path -> content of every file in a commit."""
        tree = self.trees[self.commits[commit_sha].tree]
        return {path: self.blobs[sha] for path, sha in tree.items()}

    def resolve(self, ref: str) -> str | None:
        """A commit sha for a sha, branch name, ``heads/x`` or ``refs/heads/x``."""
        if ref in self.commits:
            return ref
        for candidate in (ref, f"refs/{ref}", f"refs/heads/{ref}", f"refs/tags/{ref}"):
            if candidate in self.refs:
                return self.refs[candidate]
        return None

    def is_ancestor(self, old: str, new: str) -> bool:
        """Whether commit ``old`` is reachable from ``new`` (a fast-forward)."""
        seen: set[str] = set()
        todo = [new]
        while todo:
            sha = todo.pop()
            if sha == old:
                return True
            if sha in seen or sha not in self.commits:
                continue
            seen.add(sha)
            todo.extend(self.commits[sha].parents)
        return False


@dataclass
class World:
    """Everything the fake knows; ids come from one counter like GitHub's database ids."""

    clock: Clock = time.time
    apps: dict[int, App] = field(default_factory=dict)
    installations: dict[int, Installation] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)
    issues: dict[tuple[str, int], Issue] = field(default_factory=dict)
    pulls: dict[tuple[str, int], PullRequest] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    workflows: dict[int, Workflow] = field(default_factory=dict)
    runs: dict[int, WorkflowRun] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    #: Manifest-flow codes waiting for their conversion (code -> manifest).
    manifest_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    reviews: dict[int, Review] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> float:
        return self.clock()

    def user(self, login: str, *, type: str = "User") -> User:
        """The user ``login``, created on first mention."""
        if login not in self.users:
            self.users[login] = User(login, self.next_id(), type)
        return self.users[login]

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def seed_repo(
        self,
        owner: str,
        name: str,
        *,
        files: Files | None = None,
        default_branch: str = "main",
        private: bool = False,
        collaborators: Mapping[str, str] | None = None,
    ) -> Repo:
        """A repository with one commit holding ``files`` on ``default_branch``."""
        repo = Repo(self.next_id(), self.user(owner), name, default_branch, private)
        repo.collaborators = {owner: "admin", **(collaborators or {})}
        self.repos[repo.full_name.lower()] = repo
        tree = {
            path: repo.put_blob(data.encode() if isinstance(data, str) else data)
            for path, data in (files or {"README.md": f"# {name}\n"}).items()
        }
        sha = repo.put_commit("Initial commit", repo.put_tree(tree), [], owner, self.now())
        repo.refs[f"refs/heads/{default_branch}"] = sha
        return repo

    def next_number(self, repo: str) -> int:
        """Issues and pull requests share one sequence per repository."""
        return 1 + max((n for (r, n) in self.issues if r == repo), default=0)
