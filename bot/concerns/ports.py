"""What every concern handler is given: one typed set of ports, and the handler signature.

Handlers look like ``async def on_x(event: Event, ports: Ports) -> None``. Everything they
reach outside the pure core comes through ``ports``: the GitHub client acting as the
delivery's installation, the stores (schemas already created), the repository config
reader, a clock, and settings with no secrets in them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

from bot.alerts import Alerter
from bot.config.settings import Settings
from bot.core.modes import Mode
from bot.github.client import GitHubClient
from bot.github.repo_config import RepoConfigReader
from bot.store import Stores
from bot.store.published import PublishedStore

Clock = Callable[[], float]


@dataclass(frozen=True, kw_only=True)
class HandlerSettings:
    """The operator's settings a handler may read; secrets and credentials stay out."""

    mode: Mode = Mode.AUTO
    api_url: str = "https://api.github.com"

    @classmethod
    def of(cls, settings: Settings) -> HandlerSettings:
        return cls(mode=Mode(settings.mode), api_url=settings.api_url)


@dataclass
class JobSummary:
    """What the handlers of one event tell the person who ran them.

    The Action writes it to the job summary (Markdown ``sections``), the log (workflow
    ``commands`` such as ``::error file=…,line=…::``) and its outputs (``decisions``,
    ``findings``); the App's worker has no reader for it, its handlers log instead.
    """

    sections: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    findings: int = 0

    def decide(self, decision: str, markdown: str) -> None:
        self.decisions.append(decision)
        self.sections.append(markdown)


@dataclass(frozen=True, kw_only=True)
class Workspace:
    """The Action's checkout (GITHUB_WORKSPACE): the code the fix journey reads there, whether
    the job validates a fix itself, and the outputs the journey leaves for the step."""

    path: Path
    #: With ``GITHUB_TOKEN`` a pushed fix starts no workflow: the job runs the checks itself.
    validate_in_job: bool = True
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Ports:
    """The handler's dependencies, built once per delivery by the worker or the Action."""

    gh: GitHubClient
    stores: Stores
    settings: HandlerSettings = field(default_factory=HandlerSettings)
    clock: Clock = time.time
    #: Set by the Action only: the App reads code through the API and keeps no checkout.
    workspace: Workspace | None = None
    #: ``True`` in the Action: its stores start empty on every run, so GitHub is the only
    #: record of what earlier runs did (the history cannot say a workflow was triaged).
    stateless: bool = False
    #: ``True`` when this event may have been handled before without the stores knowing
    #: (a re-run of the Action's job): check runs are then looked for before creating.
    seen_before: bool = False
    summary: JobSummary = field(default_factory=JobSummary)
    #: Alerts (Slack, email, JSONL), routed and throttled; None where none are set up.
    alerts: Alerter | None = None
    repo_config: RepoConfigReader = field(init=False)

    def __post_init__(self) -> None:
        # One reader per delivery: a config read twice in one delivery costs one request.
        object.__setattr__(self, "repo_config", RepoConfigReader(self.gh))

    @property
    def dry_run(self) -> bool:
        return self.settings.mode is Mode.DRY_RUN

    @property
    def ledger(self) -> PublishedStore | None:
        """The record of published check runs and comments, when it can be trusted to
        know every check run of this event (not when the event may be a re-run's)."""
        return None if self.seen_before else self.stores.published

    def lock(self, *names: str, timeout: float | None = None) -> AbstractAsyncContextManager[None]:
        """``async with ports.lock(leases.pull_request(repo, n)):`` one writer per PR.

        Names come from ``bot.core.leases``. The leases live in the store, so the block runs
        alone across workers, processes and machines; they are renewed while the block runs
        and lapse if the worker dies. A lease this task already holds is not taken again.
        """
        return self.stores.leases.hold(*names, timeout=timeout)
