"""The fake GitHub server: route, validate against the spec, authenticate, record, answer."""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web

from bot.fakegh.auth import authenticate, check_repo_access
from bot.fakegh.faults import Fault, Faults
from bot.fakegh.http import AuthKind, Ctx, HTTPError, Principal, Route, error_response
from bot.fakegh.routes import ROUTERS, actions, archives, graphql, manifest
from bot.fakegh.spec import Operation, Spec
from bot.fakegh.state import Clock, World
from bot.fakegh.templates import Match, TemplateMatcher

log = logging.getLogger(__name__)
MAX_BODY = 100 * 1024 * 1024
RATE_LIMIT = 5000


@dataclass(frozen=True)
class Call:
    """One request the fake answered."""

    method: str
    path: str
    operation_id: str | None
    status: int
    query: dict[str, str]
    json: Any
    auth: AuthKind


@dataclass(frozen=True)
class Violation:
    """A request GitHub's description (or the fake's coverage of it) rejects."""

    method: str
    path: str
    operation_id: str | None
    message: str
    kind: Literal["request", "response"] = "request"

    def __str__(self) -> str:
        op = f" ({self.operation_id})" if self.operation_id else ""
        return f"{self.method} {self.path}{op}: {self.message}"


class Rejected(Exception):
    """A request refused before reaching a route; recorded as a violation."""

    def __init__(self, status: int, message: str, operation_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.operation_id = operation_id


class Dispatcher:
    """Finds the route for a request and checks it against the spec."""

    def __init__(self, spec: Spec | None) -> None:
        self.spec = spec
        self.routes: dict[tuple[str, str], Route] = {}
        for router in ROUTERS:
            for route in router.routes:
                self.routes[(route.method, route.template)] = route
        methods = {m for (m, _) in self.routes}
        self._matchers = {
            m: TemplateMatcher(t for (rm, t) in self.routes if rm == m) for m in methods
        }

    def resolve(self, request: web.Request, body: bytes) -> tuple[Route, Match, Operation | None]:
        method = request.method.lower()
        path = request.path
        if self.spec is None:
            matcher = self._matchers.get(method)
            match = matcher.match(path) if matcher else None
            if match is None:
                raise Rejected(404, "Not Found: no such route in the fake")
            return self.routes[(method, match.template)], match, None
        found = self.spec.find(method, path)
        if found is None:
            raise Rejected(404, "Not Found: no operation in GitHub's REST description")
        op, match = found
        errors = self.spec.request_errors(
            op, match, query=request.query, headers=request.headers, body=body
        )
        if errors:
            # GitHub answers 404 for a malformed path (``/issues/abc``), 422 for the rest.
            in_path = any(e.location == "path" for e in errors)
            message = "; ".join(str(e) for e in errors)
            raise Rejected(404 if in_path else 422, message, op.operation_id)
        route = self.routes.get((method, match.template))
        if route is None:
            raise Rejected(
                404,
                f"{op.operation_id} is valid but not implemented by the fake "
                "(see docs/fake-github.md, 'Adding an endpoint')",
                op.operation_id,
            )
        return route, match, op


class Server:
    """The aiohttp side of ``FakeGitHub``: one catch-all handler running the pipeline."""

    def __init__(
        self, spec: Spec | None, clock: Clock, *, validate_responses: bool = False
    ) -> None:
        self.validate_responses = validate_responses
        self.world = World(clock=clock)
        self.dispatcher = Dispatcher(spec)
        self.faults = Faults()
        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self._used: dict[str, int] = {}
        self._window = int(clock())
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_route("*", "/{tail:.*}", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if manifest.is_web_form(request.path):  # github.com's page, not the API
            return await manifest.new_app_form(self.world, request)
        raw = await request.read()
        body: Any = None
        operation_id: str | None = None
        principal = Principal("none")
        try:
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise Rejected(400, "Problems parsing JSON") from None
            response, principal, operation_id = await self._answer(request, raw, body)
        except Rejected as exc:
            operation_id = exc.operation_id
            self.violations.append(
                Violation(request.method, request.path_qs, operation_id, exc.message)
            )
            log.warning("fake GitHub rejected %s %s: %s", request.method, request.path_qs, exc)
            response = error_response(exc.status, exc.message)
        except HTTPError as exc:
            operation_id = exc.operation_id
            response = exc.response()
        self._decorate(response, principal, request.path)
        self.calls.append(
            Call(
                method=request.method,
                path=request.path,
                operation_id=operation_id,
                status=response.status,
                query=dict(request.query),
                json=body,
                auth=principal.kind,
            )
        )
        return response

    async def _answer(
        self, request: web.Request, raw: bytes, body: Any
    ) -> tuple[web.StreamResponse, Principal, str | None]:
        base_url = f"{request.scheme}://{request.host}"
        auth_header = request.headers.get("Authorization")
        if request.path.startswith(archives.ARCHIVE_PREFIX):
            ctx = Ctx(request, self.world, {}, body, Principal("none"), base_url)
            return await archives.serve_archive(ctx), ctx.principal, "fakegh/archive-content"
        if request.path.startswith(actions.LOG_PREFIX):
            ctx = Ctx(request, self.world, {}, body, Principal("none"), base_url)
            return await actions.serve_log(ctx), ctx.principal, "fakegh/log-content"
        if request.path == "/graphql" and request.method == "POST":
            principal = authenticate(self.world, auth_header, "repo")
            ctx = Ctx(request, self.world, {}, body, principal, base_url)
            problem = graphql.problem(body)
            if problem:
                raise Rejected(400, problem, "graphql")
            return await graphql.serve(ctx), principal, "graphql"
        route, match, op = self.dispatcher.resolve(request, raw)
        operation_id = op.operation_id if op else None
        try:  # errors keep the operation they answer, for the call log
            principal = authenticate(self.world, auth_header, route.auth)
            if "owner" in match.params and "repo" in match.params:
                check_repo_access(
                    self.world, principal, f"{match.params['owner']}/{match.params['repo']}"
                )
            fault = self.faults.take(request.method, request.path, operation_id)
            if fault is not None:
                return fault.response(), principal, operation_id
            ctx = Ctx(request, self.world, match.params, body, principal, base_url)
            response = await route.handler(ctx)
        except HTTPError as exc:
            exc.operation_id = operation_id
            raise
        spec = self.dispatcher.spec
        if self.validate_responses and op is not None and spec is not None:
            self._check_response(spec, request, op, response)
        return response, principal, operation_id

    def _check_response(
        self, spec: Spec, request: web.Request, op: Operation, response: web.StreamResponse
    ) -> None:
        """Hold the fake's own answers to the description (a bug here is the fake's)."""
        text = response.text if isinstance(response, web.Response) else None
        body = json.loads(text) if text and response.content_type == "application/json" else None
        for error in spec.response_errors(op, response.status, body):
            message = f"the fake's {response.status} response breaks the description: {error}"
            self.violations.append(
                Violation(request.method, request.path_qs, op.operation_id, message, "response")
            )

    def _decorate(self, response: web.StreamResponse, principal: Principal, path: str) -> None:
        """Rate-limit and request-id headers on every answer (an injected fault may override)."""
        now = int(self.world.now())
        if now >= self._window + 3600:
            self._window, self._used = now, {}
        resource = "graphql" if path == "/graphql" else "core"
        key = f"{principal.kind}:{principal.installation_id}:{principal.app_id}:{resource}"
        self._used[key] = used = self._used.get(key, 0) + 1
        defaults = {
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(max(RATE_LIMIT - used, 0)),
            "x-ratelimit-reset": str(self._window + 3600),
            "x-ratelimit-used": str(used),
            "x-ratelimit-resource": resource,
            "x-github-request-id": f"{secrets.token_hex(2).upper()}:{secrets.token_hex(3).upper()}"
            f":{secrets.token_hex(4).upper()}:{int(time.time())}",
            "x-github-api-version-selected": "2022-11-28",
        }
        for name, value in defaults.items():
            if name not in response.headers:
                response.headers[name] = value

    def inject(self, fault: Fault) -> Fault:
        return self.faults.add(fault)
