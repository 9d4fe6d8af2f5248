"""Typed views of the webhook payloads the concerns read, parsed once at the edge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.core.events import Event
from bot.core.history import RunKey


class RunConclusion(StrEnum):
    """The ``workflow_run`` conclusions the concerns act on."""

    FAILURE = "failure"
    TIMED_OUT = "timed_out"
    SUCCESS = "success"


#: Conclusions whose logs are triaged.
TRIAGED = frozenset({RunConclusion.FAILURE, RunConclusion.TIMED_OUT})


@dataclass(frozen=True, kw_only=True)
class WorkflowRun:
    """The fields of a ``workflow_run`` payload the concerns use, read once."""

    repo: str
    run_id: int
    attempt: int
    workflow: str
    conclusion: str
    head_sha: str
    head_branch: str
    head_owner: str | None
    html_url: str
    pulls: tuple[int, ...]
    #: The head commit's message (the fix journey tells the bot's own commits by it).
    head_message: str = ""
    #: Who triggered the run (the author of the failing change when no PR says otherwise).
    actor: str | None = None

    @classmethod
    def from_event(cls, event: Event) -> WorkflowRun | None:
        """``None`` when the payload lacks a run id, head SHA or repository."""
        run = event.data.get("workflow_run")
        if not isinstance(run, Mapping) or event.repository is None:
            return None
        head_repo = run.get("head_repository") or {}
        try:
            pulls = tuple(
                int(p["number"])
                for p in run.get("pull_requests") or ()
                if p.get("number") is not None
            )
            return cls(
                repo=event.repository,
                run_id=int(run["id"]),
                attempt=int(run.get("run_attempt") or 1),
                workflow=str(run.get("name") or "workflow"),
                conclusion=str(run.get("conclusion")),
                head_sha=str(run["head_sha"]),
                head_branch=str(run.get("head_branch") or ""),
                head_owner=(head_repo.get("owner") or {}).get("login"),
                html_url=str(run.get("html_url") or ""),
                pulls=pulls,
                head_message=str((run.get("head_commit") or {}).get("message") or ""),
                actor=(run.get("triggering_actor") or run.get("actor") or {}).get("login"),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    @classmethod
    def from_api(cls, repo: str, run: Mapping[str, Any]) -> WorkflowRun | None:
        """A run as the REST API lists it (``GET .../actions/runs``), read like a payload."""
        payload = {"workflow_run": run, "repository": {"full_name": repo}}
        return cls.from_event(Event.from_payload("workflow_run", "api", payload))

    @property
    def triaged(self) -> bool:
        return self.conclusion in TRIAGED

    @property
    def key(self) -> RunKey:
        return RunKey(
            repository=self.repo,
            workflow=self.workflow,
            run_id=self.run_id,
            attempt=self.attempt,
            head_sha=self.head_sha,
        )

    @property
    def external_id(self) -> str:
        """The check run's ``external_id``: one check run per run attempt."""
        return f"{self.run_id}:{self.attempt}"
