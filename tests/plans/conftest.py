"""Plan set-up: a repository with a plan and its workflows, the App acting on it, a store."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app.dispatch import DispatchResult, dispatch
from bot.concerns import compose_router
from bot.concerns.ports import Ports
from bot.core.events import Event
from bot.fakegh import FakeGitHub
from bot.fakegh.issue_events import issue_comment_created, issue_edited
from bot.fakegh.routes.actions import workflow_for
from bot.fakegh.routes.issues import new_issue
from bot.fakegh.state import Issue, Repo
from bot.fakegh.webhooks import payload_errors, workflow_run_completed
from bot.github.client import GitHubClient
from bot.plans.runner import PlanRunner
from bot.store import Stores, open_stores
from bot.store.deliveries import Store

INSTALLATION = 5151
PLAN = """\
version: 1
name: Release 2.0
mode: auto
defaults:
  timeout_minutes: 30
  retries: 1
  backoff_seconds: 60
phases:
  - id: build
    name: Build wheels
    tasks:
      - workflow: build.yml
        inputs: {target: wheels}
    success:
      - json_valid: reports/coverage.json
  - id: test
    name: Test suite
    depends_on: [build]
    tasks:
      - workflow: test.yml
    success:
      - metric: {file: reports/coverage.json, key: totals.percent, min: 80}
  - id: docs
    name: Docs
    depends_on: [build]
    tasks:
      - workflow: docs.yml
  - id: deploy
    name: Deploy
    depends_on: [test, docs]
    approval: manual
    tasks:
      - workflow: deploy.yml
        inputs: {environment: production}
    success:
      - files_exist: [README.md]
triggers:
  - on: "phase.*.failed"
    do: alert
    severity: critical
"""


class Clock:
    """A clock tests move by hand; the fake GitHub shares it."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:  # 2027-01-15 08:00 UTC
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class PlanWorld:
    fake: FakeGitHub
    repo: Repo
    gh: GitHubClient
    store: Store
    stores: Stores
    clock: Clock
    bodies: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.repo.full_name

    def runner(self, **kwargs: Any) -> PlanRunner:
        """A runner as a fresh process would build it: nothing shared but the store."""

        async def no_wait(seconds: float) -> None:
            return None

        kwargs.setdefault("sleep", no_wait)
        return PlanRunner(
            gh=self.gh,
            store=self.stores.plans,
            leases=self.stores.leases,
            repository=self.name,
            clock=self.clock,
            **kwargs,
        )

    def ports(self) -> Ports:
        return Ports(gh=self.gh, stores=self.stores, clock=self.clock)

    async def handle(self, event: Event) -> DispatchResult:
        result = await dispatch(compose_router(), event, self.ports())
        assert not result.failures, result.failures
        return result

    def pending_runs(self) -> list[Any]:
        return [r for r in self.fake.state.runs.values() if r.status != "completed"]

    def finish_runs(self, conclusion: str = "success", *, workflow: str | None = None) -> int:
        """Complete the dispatched runs still going (of ``workflow``'s file, when given)."""
        count = 0
        for run in self.pending_runs():
            wf = self.fake.state.workflows[run.workflow_id]
            if workflow is None or wf.path.endswith(workflow):
                run.status, run.conclusion, run.updated_at = "completed", conclusion, self.clock()
                count += 1
        return count

    def issue(self, number: int) -> Issue:
        return self.fake.state.issues[(self.name, number)]

    def issue_edits(self, number: int) -> list[dict[str, Any]]:
        """The bodies of every edit the bot made to issue ``number``."""
        path = f"/repos/{self.name}/issues/{number}"
        return [
            c.json
            for c in self.fake.calls
            if c.method == "PATCH" and c.path == path and isinstance(c.json, dict)
        ]

    async def edit_body(self, number: int, body: str, *, editor: str) -> None:
        """``editor`` saves a new body in the browser: GitHub stores it and sends the event."""
        issue = self.issue(number)
        before, issue.body = issue.body or "", body
        payload = issue_edited(
            self.repo, issue, before=before, editor=editor, installation_id=INSTALLATION
        )
        assert not payload_errors("issues", "edited", payload)
        await self.handle(Event.from_payload("issues", f"edit-{self.clock()}", payload))

    async def tick(self, number: int, *phase_ids: str, editor: str = "alice") -> None:
        """Tick the phases' boxes in the issue, as a person would."""
        body = self.issue(number).body or ""
        for phase_id in phase_ids:
            box = f"- [ ] <!-- autopilot:phase:{phase_id} -->"
            assert box in body, body
            body = body.replace(box, f"- [x] <!-- autopilot:phase:{phase_id} -->")
        await self.edit_body(number, body, editor=editor)

    async def comment(self, number: int, body: str, *, author: str = "alice") -> str:
        """``author`` comments on issue ``number``; the bot's reply."""
        issue = self.issue(number)
        comment = self.fake.add_comment(self.repo, number, body, author=author)
        payload = issue_comment_created(self.repo, issue, comment, installation_id=INSTALLATION)
        assert not payload_errors("issue_comment", "created", payload)
        await self.handle(Event.from_payload("issue_comment", f"c-{comment.id}", payload))
        replies = [
            c for c in self.fake.state.comments.values()
            if c.issue_number == number and c.id > comment.id and c.user.type == "Bot"
        ]  # fmt: skip
        return replies[-1].body if replies else ""

    async def ci_finished(self, conclusion: str = "success") -> None:
        """The dispatched runs finish and GitHub sends ``workflow_run.completed`` for each."""
        finished = self.pending_runs()
        self.finish_runs(conclusion)
        for run in finished:
            payload = workflow_run_completed(
                self.repo, run, [], self.fake.url, installation_id=INSTALLATION
            )
            await self.handle(Event.from_payload("workflow_run", f"wr-{run.id}", payload))

    def repo_plan(self) -> str:
        return PLAN

    def open_issue(self, title: str = "Release tracking") -> int:
        return new_issue(
            self.fake.state, self.repo, title, "", self.fake.state.user("alice")
        ).number

    def assert_no_idle_edits(self, number: int) -> None:
        """Every edit of the issue's body changed it: none rewrote the same text."""
        bodies = [e["body"] for e in self.issue_edits(number) if "body" in e]
        assert all(a != b for a, b in itertools.pairwise(bodies)), bodies

    def dispatches(self, workflow: str) -> list[dict[str, Any]]:
        return [
            d
            for wf in self.fake.state.workflows.values()
            if wf.path.endswith(workflow)
            for d in wf.dispatches
        ]


def repo_files() -> dict[str, str]:
    return {
        "README.md": "# release\n",
        ".github/autopilot/plan.yml": PLAN,
        "reports/coverage.json": json.dumps({"totals": {"percent": 91.5}}),
    }


@pytest.fixture
def plan_world_factory(fake_github: FakeGitHub) -> Callable[[str], Any]:
    async def make(store_url: str) -> AsyncIterator[PlanWorld]:
        clock = Clock()
        fake_github.state.clock = clock
        repo = fake_github.seed_repo(
            "octo-org", "release", files=repo_files(), collaborators={"alice": "write"}
        )
        fake_github.add_installation(INSTALLATION, "octo-org", repos=[repo.full_name])
        for name in ("build", "test", "docs", "deploy"):
            workflow_for(fake_github.state, repo, name, f".github/workflows/{name}.yml")
        store = await Store.open(store_url, clock=clock)

        async def no_sleep(seconds: float) -> None:
            return None

        # The Action's GITHUB_TOKEN: it acts as github-actions[bot] and never expires, so
        # the shared clock can stand still at a known time.
        fake_github.add_token("ghs_plans", installation_id=INSTALLATION)
        async with aiohttp.ClientSession() as session:
            gh = GitHubClient(
                session, base_url=fake_github.url, token="ghs_plans", sleep=no_sleep,
                jitter=lambda: 1.0,
            )  # fmt: skip
            yield PlanWorld(fake_github, repo, gh, store, await open_stores(store), clock)
        await store.close()

    return make


@pytest.fixture
async def plan_world(
    plan_world_factory: Callable[[str], Any], tmp_path: Path
) -> AsyncIterator[PlanWorld]:
    async for w in plan_world_factory(f"sqlite:///{tmp_path / 'autopilot.db'}"):
        yield w


@pytest.fixture
async def any_store_plan_world(
    plan_world_factory: Callable[[str], Any], store_url: str
) -> AsyncIterator[PlanWorld]:
    async for w in plan_world_factory(store_url):
        yield w
