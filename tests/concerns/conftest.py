"""CI-failure set-up: the demo repository, an App client acting as its installation, a store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app.dispatch import DispatchResult, dispatch
from bot.concerns import compose_router
from bot.concerns.ports import HandlerSettings, Ports
from bot.config.settings import Settings
from bot.core.events import Event
from bot.fakegh import FakeGitHub
from bot.fakegh.demo import Demo
from bot.fakegh.state import WorkflowRun
from bot.fakegh.webhooks import workflow_run_completed
from bot.github.auth import AppAuth
from bot.github.client import GitHubClient
from bot.store import Stores, open_stores
from bot.store.deliveries import Store
from tests.fixtures.github import AppCredentials

INSTALLATION = 4243
CORPUS = Path(__file__).resolve().parents[2] / "testdata" / "triage"


def corpus_log(name: str) -> str:
    """A real tool log from the triage corpus."""
    return (CORPUS / f"{name}.log").read_text(encoding="utf-8")


class Sleeps:
    """An injected ``sleep`` that records durations and returns at once."""

    def __init__(self) -> None:
        self.durations: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.durations.append(seconds)


@dataclass
class World:
    fake: FakeGitHub
    demo: Demo
    gh: GitHubClient
    store: Store
    stores: Stores
    sleeps: Sleeps

    def event(self, run: WorkflowRun | None = None, **changes: Any) -> Event:
        """The ``workflow_run.completed`` delivery GitHub would send for ``run``."""
        run = run or self.demo.run
        pulls = [self.demo.pull] if run.head_sha == self.demo.pull.head_sha else []
        payload = workflow_run_completed(
            self.demo.repo, run, pulls, self.fake.url, installation_id=INSTALLATION
        )
        payload["workflow_run"].update(changes)
        return Event.from_payload("workflow_run", f"d-{run.id}-{run.run_attempt}", payload)

    def ports(self, settings: Settings | None = None) -> Ports:
        """The ports a worker would hand the concerns, acting as the demo installation."""
        return Ports(
            gh=self.gh, stores=self.stores, settings=HandlerSettings.of(settings or Settings())
        )

    async def handle(self, event: Event, settings: Settings | None = None) -> DispatchResult:
        """Dispatch ``event`` through every concern, as the worker does; no handler may fail."""
        result = await dispatch(compose_router(), event, self.ports(settings))
        assert not result.failures, result.failures
        return result

    def writes(self) -> list[str]:
        return [c.operation_id or c.path for c in self.fake.calls if c.method != "GET"]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'autopilot.db'}"


@pytest.fixture
def world_factory(fake_github: FakeGitHub, app_credentials: AppCredentials) -> Callable[[str], Any]:
    async def make(store_url: str) -> AsyncIterator[World]:
        demo = fake_github.seed_demo()
        fake_github.add_installation(INSTALLATION, "octo-org", repos=[demo.repo.full_name])
        sleeps = Sleeps()
        store = await Store.open(store_url)
        async with aiohttp.ClientSession() as session:
            auth = AppAuth(str(app_credentials.app_id), app_credentials.private_key_pem)
            client = GitHubClient(
                session, base_url=fake_github.url, app=auth, sleep=sleeps, jitter=lambda: 1.0
            )
            gh = client.for_installation(INSTALLATION)
            yield World(fake_github, demo, gh, store, await open_stores(store), sleeps)
        await store.close()

    return make


@pytest.fixture
async def world(world_factory: Callable[[str], Any], sqlite_url: str) -> AsyncIterator[World]:
    """The demo world on SQLite."""
    async for w in world_factory(sqlite_url):
        yield w


@pytest.fixture
async def any_store_world(
    world_factory: Callable[[str], Any], store_url: str
) -> AsyncIterator[World]:
    """The demo world on SQLite and on PostgreSQL."""
    async for w in world_factory(store_url):
        yield w
