"""GitHub's REST description (``@octokit/openapi``): loading it once and validating against it."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from bot.fakegh.templates import Match, TemplateMatcher

HOST_URL = "https://api.github.com"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BOOTSTRAP_HINT = "run scripts/bootstrap.sh to install the pinned npm packages"


class SpecNotFoundError(FileNotFoundError):
    """The pinned ``@octokit/openapi`` package is not installed where we looked."""


def npm_dir() -> Path:
    """Where the pinned npm packages live: ``$AUTOPILOT_NPM_DIR`` or ``.cache/npm``."""
    env = os.environ.get("AUTOPILOT_NPM_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".cache" / "npm" / "node_modules"


def default_spec_path() -> Path:
    """The REST description of api.github.com inside ``@octokit/openapi``."""
    return npm_dir() / "@octokit" / "openapi" / "generated" / "api.github.com.json"


@dataclass(frozen=True)
class Operation:
    """One operation of the description: method, path template and ``operationId``."""

    method: str
    template: str
    operation_id: str


@dataclass
class SpecRequest:
    """A request in the shape openapi-core's validator reads (the path template is known)."""

    method: str
    path: str
    path_pattern: str
    parameters: RequestParameters
    body: bytes | None
    content_type: str
    host_url: str = HOST_URL


@dataclass(frozen=True)
class SpecResponse:
    """A response in the shape openapi-core's response validator reads."""

    status_code: int
    data: bytes | None
    headers: Headers
    content_type: str = "application/json"


class Spec:
    """The loaded description: operation lookup plus request and response validation."""

    def __init__(self, document: dict[str, Any], *, source: str = "<dict>") -> None:
        self.document = document
        self.source = source
        self.version = str(document.get("info", {}).get("version", "?"))
        # Spec self-validation takes ~30 s on this document and proves nothing new: it is
        # GitHub's own published description.
        self.openapi = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))
        self.operations: dict[tuple[str, str], Operation] = {}
        for template, item in document["paths"].items():
            for method, op in item.items():
                if method in METHODS:
                    key = (method, template)
                    self.operations[key] = Operation(method, template, op["operationId"])
        self._matchers = {
            method: TemplateMatcher(t for (m, t) in self.operations if m == method)
            for method in METHODS
        }

    def find(self, method: str, path: str) -> tuple[Operation, Match] | None:
        """The operation serving ``method path``, or None when the description has none."""
        method = method.lower()
        matcher = self._matchers.get(method)
        match = matcher.match(path) if matcher else None
        if match is None:
            return None
        return self.operations[(method, match.template)], match

    def request_errors(
        self,
        op: Operation,
        match: Match,
        *,
        query: Mapping[str, str] | ImmutableMultiDict[str, str],
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> list[RequestError]:
        """Why the description rejects this request (empty when it is valid)."""
        request = SpecRequest(
            method=op.method,
            path=match.template,
            path_pattern=match.template,
            parameters=RequestParameters(
                query=ImmutableMultiDict(query),
                header=Headers(dict(headers)),
                cookie=ImmutableMultiDict(),
                path=match.params,
            ),
            body=body or None,
            content_type="application/json",
        )
        result = self.openapi.unmarshal_request(request)
        described = ((location(e), describe(e)) for e in result.errors)
        return [RequestError(where, text) for where, text in described if text is not None]

    def response_errors(self, op: Operation, status: int, body: Any) -> list[str]:
        """Why the description rejects a response to ``op`` (for checking the fake itself)."""
        request = SpecRequest(
            method=op.method,
            path=op.template,
            path_pattern=op.template,
            parameters=RequestParameters(),
            body=None,
            content_type="application/json",
        )
        data = None if body is None else json.dumps(body).encode()
        response = SpecResponse(status, data, Headers())
        result = self.openapi.unmarshal_response(request, response)
        return [text for text in map(describe, result.errors) if text is not None]


@dataclass(frozen=True)
class RequestError:
    """One reason a request breaks the description; ``location`` is path/query/header/body."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def location(error: BaseException) -> str:
    """Which part of the request an openapi-core error is about."""
    where = getattr(error, "location", None)
    if isinstance(where, str):
        return where
    return "body" if "Body" in type(error).__name__ else "request"


def _nullable_enum_quirk(e: Any) -> bool:
    """``nullable: true`` with an ``enum`` lacking null: GitHub sends null, OAS 3.0 is unclear."""
    schema = e.schema if isinstance(e.schema, Mapping) else {}
    return e.validator == "enum" and e.instance is None and bool(schema.get("nullable"))


def _user_as_enterprise_quirk(e: Any) -> bool:
    """A user checked against the ``enterprise`` branch of ``anyOf [simple-user, enterprise]``.

    openapi-core reports the enterprise branch's required fields for an installation's
    ``account`` even when the value is a valid ``simple-user``; GitHub sends users there.
    """
    schema = e.schema if isinstance(e.schema, Mapping) else {}
    instance = e.instance if isinstance(e.instance, Mapping) else {}
    enterprise = "slug" in (schema.get("required") or ()) and "login" not in (
        schema.get("properties") or {}
    )
    return e.validator == "required" and enterprise and "login" in instance


def _quirk(e: Any) -> bool:
    return _nullable_enum_quirk(e) or _user_as_enterprise_quirk(e)


def describe(error: BaseException) -> str | None:
    """One readable line for an openapi-core error (None when only the null-enum quirk)."""
    head = type(error).__name__
    name = getattr(error, "name", None)
    if name:
        head = f"{head} ({name})"
    parts = [head]
    cause = error.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            kept = [e for e in schema_errors if not _quirk(e)]
            if not kept:
                return None
            for e in kept:
                where = "/".join(str(p) for p in e.absolute_path)
                parts.append(f"{where}: {e.message}" if where else e.message)
            return "; ".join(p[:300] for p in parts)
        cause = cause.__cause__
    parts.append(str(error))
    return "; ".join(p[:300] for p in parts if p)


@overload
def load_spec(path: str | Path | None = None, *, required: Literal[True] = True) -> Spec: ...
@overload
def load_spec(path: str | Path | None = None, *, required: bool) -> Spec | None: ...
def load_spec(path: str | Path | None = None, *, required: bool = True) -> Spec | None:
    """Load (once per process and path) GitHub's REST description.

    A missing file raises ``SpecNotFoundError`` saying how to install it, or gives None
    when ``required`` is false (sandbox mode then runs without validation).
    """
    resolved = Path(path) if path is not None else default_spec_path()
    try:
        return _load(str(resolved.resolve()))
    except FileNotFoundError:
        if required:
            raise SpecNotFoundError(
                f"GitHub's REST description is missing at {resolved}: {BOOTSTRAP_HINT}"
            ) from None
        return None


@functools.cache
def _load(path: str) -> Spec:
    with open(path, encoding="utf-8") as f:
        document = json.load(f)
    return Spec(document, source=path)
