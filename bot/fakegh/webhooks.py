"""Real webhook payloads (``@octokit/webhooks-examples``), signed deliveries and schema checks."""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from bot.core.signature import sign
from bot.fakegh.shapes import HTML
from bot.fakegh.spec import BOOTSTRAP_HINT, npm_dir
from bot.fakegh.state import PullRequest, Repo, WorkflowRun

USER_AGENT = "GitHub-Hookshot/a1b2c3d"
_DOC_URI = "urn:octokit:openapi-webhooks"


@dataclass(frozen=True)
class WebhookExample:
    """One example payload: the event name (``X-GitHub-Event``), its action, the body."""

    event: str
    action: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    """A webhook as GitHub sends it: the exact body bytes and the headers."""

    event: str
    body: bytes
    headers: dict[str, str]

    @property
    def id(self) -> str:
        return self.headers["X-GitHub-Delivery"]


def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} is missing: {BOOTSTRAP_HINT}") from None


@functools.cache
def load_examples(path: Path | None = None) -> tuple[WebhookExample, ...]:
    """Every example of ``@octokit/webhooks-examples`` for api.github.com (cached)."""
    index = path or npm_dir() / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
    return tuple(
        WebhookExample(entry["name"], example.get("action"), example)
        for entry in _read_json(index)
        for example in entry.get("examples", [])
    )


def find_example(event: str, action: str | None = None) -> WebhookExample:
    """An example of ``event`` (and ``action``), preferring one that matches today's schema.

    Some examples predate fields GitHub now always sends; one of those is returned only when
    no other exists. The payload is a copy, safe to modify.
    """
    candidates = [ex for ex in load_examples() if ex.event == event and action in (None, ex.action)]
    for ex in candidates:
        try:
            stale = bool(payload_errors(ex.event, ex.action, ex.payload))
        except LookupError:  # no schema for it: take the example as it is
            stale = False
        if not stale:
            return WebhookExample(ex.event, ex.action, copy.deepcopy(ex.payload))
    if not candidates:
        raise LookupError(f"no {event}/{action} example in @octokit/webhooks-examples")
    ex = candidates[0]
    return WebhookExample(ex.event, ex.action, copy.deepcopy(ex.payload))


def pull_request_comment(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An ``issue_comment`` payload made into a comment on a pull request.

    GitHub marks such an issue with ``issue.pull_request``; none of the examples has it.
    """
    derived = copy.deepcopy(dict(payload))
    issue = derived["issue"]
    repo = derived["repository"]["full_name"]
    number = issue["number"]
    api = issue["url"].split("/repos/")[0]
    issue["pull_request"] = {
        "url": f"{api}/repos/{repo}/pulls/{number}",
        "html_url": f"https://github.com/{repo}/pull/{number}",
        "diff_url": f"https://github.com/{repo}/pull/{number}.diff",
        "patch_url": f"https://github.com/{repo}/pull/{number}.patch",
        "merged_at": None,
    }
    issue["html_url"] = f"https://github.com/{repo}/pull/{number}"
    return derived


def repository_payload(repo: Repo) -> dict[str, Any]:
    """The example's ``repository`` object made into ``repo`` (id, names, owner)."""
    repository = {
        **find_example("workflow_run", "completed").payload["repository"],
        "id": repo.id,
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
    }
    repository["owner"] = {**repository["owner"], "login": repo.owner.login}
    return repository


def workflow_run_completed(
    repo: Repo,
    run: WorkflowRun,
    pulls: Sequence[PullRequest],
    api_url: str,
    *,
    installation_id: int,
    conclusion: str | None = None,
) -> dict[str, Any]:
    """The ``workflow_run``/``completed`` example made into a fake run (and its PRs)."""
    payload = find_example("workflow_run", "completed").payload
    repository = repository_payload(repo)
    repo_api = f"{api_url}/repos/{repo.full_name}"
    ref = {"id": repo.id, "url": repo_api, "name": repo.name}
    payload.update(repository=repository, installation={"id": installation_id, "node_id": "I_x"})
    payload["workflow_run"] = {
        **payload["workflow_run"],
        "id": run.id,
        "name": run.name,
        "head_sha": run.head_sha,
        "head_branch": run.head_branch,
        "html_url": f"{HTML}/{repo.full_name}/actions/runs/{run.id}",
        "status": "completed",
        "conclusion": conclusion or run.conclusion,
        "run_attempt": run.run_attempt,
        "pull_requests": [
            {
                "id": pull.id,
                "number": pull.number,
                "url": f"{repo_api}/pulls/{pull.number}",
                "head": {"ref": pull.head_ref, "sha": pull.head_sha, "repo": ref},
                "base": {"ref": pull.base_ref, "sha": pull.base_sha, "repo": ref},
            }
            for pull in pulls
        ],
        "repository": repository,
        "head_repository": repository,
    }
    return payload


def build_delivery(
    event: str,
    payload: Mapping[str, Any],
    *,
    secret: str | None,
    delivery_id: str | None = None,
    hook_id: int = 123456789,
) -> Delivery:
    """Serialise and sign ``payload`` the way GitHub delivers ``event``."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    installation = payload.get("installation") or {}
    repository = payload.get("repository") or {}
    if repository.get("id"):
        target_type, target_id = "repository", repository["id"]
    else:
        target_type, target_id = "integration", installation.get("id", 0)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": str(hook_id),
        "X-GitHub-Hook-Installation-Target-ID": str(target_id),
        "X-GitHub-Hook-Installation-Target-Type": target_type,
    }
    if secret is not None:
        sha1 = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        headers["X-Hub-Signature"] = f"sha1={sha1}"
        headers["X-Hub-Signature-256"] = sign(secret, body)
    return Delivery(event, body, headers)


@functools.cache
def _webhooks_document(path: Path | None = None) -> dict[str, Any]:
    default = npm_dir() / "@octokit" / "openapi-webhooks" / "generated" / "api.github.com.json"
    document: dict[str, Any] = _read_json(path or default)
    return document


@functools.cache
def _validator(ref: str) -> Draft202012Validator:
    resource = Resource.from_contents(_webhooks_document(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_DOC_URI, resource)
    return Draft202012Validator({"$ref": f"{_DOC_URI}{ref}"}, registry=registry)


def schema_ref(event: str, action: str | None) -> str:
    """The ``#/components/schemas/...`` pointer that describes ``event``/``action``."""
    webhooks = _webhooks_document()["webhooks"]
    key = (event + (f"-{action}" if action else "")).replace("_", "-")
    if key not in webhooks:
        raise LookupError(f"@octokit/openapi-webhooks describes no {key} webhook")
    content = webhooks[key]["post"]["requestBody"]["content"]["application/json"]
    return str(content["schema"]["$ref"])


def payload_errors(event: str, action: str | None, payload: Mapping[str, Any]) -> list[str]:
    """Why ``payload`` breaks GitHub's webhook schema for ``event``/``action`` (empty if valid)."""
    validator = _validator(schema_ref(event, action))
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
        for e in validator.iter_errors(dict(payload))
    ]
