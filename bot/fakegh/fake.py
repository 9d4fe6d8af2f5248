"""``FakeGitHub``: the fake's public face, for tests and sandbox mode to seed and inspect."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence

from aiohttp import web

from bot.fakegh import demo
from bot.fakegh.faults import Fault
from bot.fakegh.routes.actions import new_run
from bot.fakegh.routes.issues import new_comment
from bot.fakegh.routes.pulls import open_pull
from bot.fakegh.server import Call, Server, Violation
from bot.fakegh.spec import Spec
from bot.fakegh.state import (
    App,
    Clock,
    Comment,
    Commit,
    Files,
    Installation,
    PullRequest,
    Repo,
    Token,
    WorkflowRun,
    World,
)

log = logging.getLogger(__name__)
DEFAULT_PERMISSIONS = {
    "actions": "write",
    "checks": "write",
    "contents": "write",
    "issues": "write",
    "metadata": "read",
    "pull_requests": "write",
}


class FakeGitHub:
    """An in-memory GitHub behind an aiohttp app; ``spec=None`` turns validation off."""

    def __init__(
        self,
        spec: Spec | None = None,
        *,
        clock: Clock = time.time,
        validate_responses: bool = False,
    ) -> None:
        self.spec = spec
        if spec is None:
            log.warning("fake GitHub runs without GitHub's REST description: no validation")
        self._server = Server(spec, clock, validate_responses=validate_responses)
        self.url = ""  # the base URL (``GITHUB_API_URL``) once something serves ``app``
        self.violations_expected = False

    @property
    def app(self) -> web.Application:
        return self._server.app

    @property
    def state(self) -> World:
        return self._server.world

    @property
    def calls(self) -> list[Call]:
        return self._server.calls

    @property
    def violations(self) -> list[Violation]:
        return self._server.violations

    # --- inspection ---------------------------------------------------------------------

    def calls_to(self, operation_id: str) -> list[Call]:
        """The recorded calls of one operation, e.g. ``checks/create``."""
        return [c for c in self.calls if c.operation_id == operation_id]

    def expect_violations(self) -> None:
        """Tell the test fixture that this test sends rejected requests on purpose."""
        self.violations_expected = True

    def unexpected_violations(self) -> list[Violation]:
        """Violations a test did not ask for; the fake's own bad answers always count."""
        expected = {"request"} if self.violations_expected else set()
        return [v for v in self.violations if v.kind not in expected]

    # --- credentials ----------------------------------------------------------------------

    def add_app(
        self,
        app_id: int,
        public_key_pem: str,
        *,
        slug: str = "ci-autopilot",
        owner: str = "octo-org",
    ) -> App:
        """Register a GitHub App whose JWTs are checked against ``public_key_pem``."""
        app = App(
            app_id,
            slug,
            slug.replace("-", " ").title(),
            public_key_pem,
            self.state.user(owner, type="Organization"),
        )
        self.state.apps[app_id] = app
        return app

    def add_installation(
        self,
        installation_id: int,
        account_login: str,
        repos: Iterable[str] = (),
        *,
        app_id: int | None = None,
        permissions: Mapping[str, str] | None = None,
    ) -> Installation:
        """Install an App on ``account_login`` for ``repos`` (``name`` or ``owner/name``).

        Repositories that do not exist yet are seeded empty; ``app_id`` defaults to the only
        registered App.
        """
        if app_id is None and len(self.state.apps) == 1:
            app_id = next(iter(self.state.apps))
        names = []
        for name in repos:
            full = name if "/" in name else f"{account_login}/{name}"
            if self.state.repo(full) is None:
                owner, _, repo_name = full.partition("/")
                self.seed_repo(owner, repo_name)
            names.append(full)
        inst = Installation(
            installation_id,
            self.state.user(account_login),
            app_id,
            names,
            dict(permissions or DEFAULT_PERMISSIONS),
        )
        self.state.installations[installation_id] = inst
        return inst

    def suspend_installation(self, installation_id: int) -> None:
        """Suspend an installation: its tokens stop working and no new one is minted (403)."""
        self.state.installations[installation_id].suspended_at = self.state.now()
        self._drop_tokens(installation_id)

    def remove_installation(self, installation_id: int) -> None:
        """Uninstall: the installation and its tokens are gone (404 to a token request)."""
        del self.state.installations[installation_id]
        self._drop_tokens(installation_id)

    def _drop_tokens(self, installation_id: int) -> None:
        for raw, token in list(self.state.tokens.items()):
            if token.installation_id == installation_id:
                del self.state.tokens[raw]

    def add_token(
        self,
        token: str,
        *,
        installation_id: int | None = None,
        permissions: Mapping[str, str] | None = None,
    ) -> Token:
        """A static token (a PAT or ``GITHUB_TOKEN``); with an installation it is scoped to it."""
        tok = Token(token, installation_id, dict(permissions or DEFAULT_PERMISSIONS))
        self.state.tokens[token] = tok
        return tok

    # --- seeding --------------------------------------------------------------------------

    def seed_repo(
        self,
        owner: str,
        name: str,
        files: Files | None = None,
        default_branch: str = "main",
        *,
        private: bool = False,
        collaborators: Mapping[str, str] | None = None,
    ) -> Repo:
        """A repository whose default branch holds one commit with ``files``."""
        return self.state.seed_repo(
            owner,
            name,
            files=files,
            default_branch=default_branch,
            private=private,
            collaborators=collaborators,
        )

    def push(
        self,
        repo: Repo,
        branch: str,
        files: Files,
        *,
        message: str = "Update files",
        author: str = "octocat",
        delete: Sequence[str] = (),
    ) -> str:
        """Commit ``files`` on top of ``branch`` (created from the default branch if new)."""
        ref = f"refs/heads/{branch}"
        parent = repo.refs.get(ref) or repo.refs[f"refs/heads/{repo.default_branch}"]
        tree = dict(repo.trees[repo.commits[parent].tree])
        for path in delete:
            tree.pop(path, None)
        for path, data in files.items():
            tree[path] = repo.put_blob(data.encode() if isinstance(data, str) else data)
        sha = repo.put_commit(message, repo.put_tree(tree), [parent], author, self.state.now())
        repo.refs[ref] = sha
        return sha

    def add_commit(
        self,
        repo: Repo,
        sha: str,
        files: Files,
        *,
        branch: str,
        message: str = "Update files",
        author: str = "octocat",
    ) -> str:
        """Commit ``files`` (the whole tree) on top of ``branch`` under a given ``sha``: the id
        of the same commit in a local git checkout, so the Action's workspace matches it."""
        ref = f"refs/heads/{branch}"
        parent = repo.refs.get(ref) or repo.refs[f"refs/heads/{repo.default_branch}"]
        tree = {
            path: repo.put_blob(data.encode() if isinstance(data, str) else data)
            for path, data in files.items()
        }
        repo.commits[sha] = Commit(
            sha, message, repo.put_tree(tree), [parent], author, self.state.now()
        )
        repo.refs[ref] = sha
        return sha

    def open_pull_request(
        self,
        repo: Repo,
        *,
        head: str,
        base: str | None = None,
        title: str = "Update",
        body: str = "",
        files: Files | None = None,
        author: str = "octocat",
    ) -> PullRequest:
        """Open a pull request from ``head``, first pushing ``files`` to it when given."""
        if files:
            self.push(repo, head, files, message=title, author=author)
        return open_pull(
            self.state,
            repo,
            head=head,
            base=base or repo.default_branch,
            title=title,
            body=body,
            login=author,
        )

    def add_comment(
        self, repo: Repo, number: int, body: str, *, author: str = "octocat"
    ) -> Comment:
        """A comment by ``author`` on issue or pull request ``number``."""
        issue = self.state.issues[(repo.full_name, number)]
        return new_comment(self.state, issue, body, self.state.user(author))

    def add_workflow_run(
        self,
        repo: Repo,
        *,
        head_sha: str | None = None,
        head_branch: str | None = None,
        name: str = "CI",
        event: str = "pull_request",
        conclusion: str | None = "failure",
        jobs: Sequence[tuple[str, str | None, str]] = (),
    ) -> WorkflowRun:
        """A workflow run with ``jobs`` given as ``(name, conclusion, log text)``."""
        branch = head_branch or repo.default_branch
        sha = head_sha or repo.refs[f"refs/heads/{branch}"]
        return new_run(
            self.state,
            repo,
            head_sha=sha,
            head_branch=branch,
            name=name,
            event=event,
            conclusion=conclusion,
            jobs=jobs,
        )

    def set_permission(self, repo: Repo, login: str, permission: str) -> None:
        """Make ``login`` a collaborator with ``admin|maintain|write|triage|read`` (or ``none``)."""
        repo.collaborators[login] = permission

    def seed_demo(
        self, *, owner: str = "octo-org", name: str = "demo", contributor: str = "octocat"
    ) -> demo.Demo:
        """A demo repository with an open PR, its failed workflow run, failed job and log."""
        return demo.seed_demo(self, owner=owner, name=name, contributor=contributor)

    def inject_fault(
        self,
        status: int,
        *,
        method: str | None = None,
        path: str | None = None,
        operation_id: str | None = None,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        message: str | None = None,
    ) -> Fault:
        """Answer ``status`` to the next ``times`` matching requests instead of the route.

        ``path`` is a prefix, or a glob when it holds ``*``; 403 and 429 get ``retry-after``.
        """
        fault = Fault(status, method, path, operation_id, times, dict(headers or {}), message)
        return self._server.inject(fault)
