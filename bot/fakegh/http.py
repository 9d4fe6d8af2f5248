"""HTTP plumbing shared by the fake's routes: GitHub's error shape, route table, pagination."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

from aiohttp import web

from bot.fakegh.state import Repo, World

DOCS_URL = "https://docs.github.com/rest"
AuthKind = Literal["jwt", "installation", "token", "none"]
Auth = Literal["app", "repo", "public"]
T = TypeVar("T")


class HTTPError(Exception):
    """Raised by a route to answer with GitHub's JSON error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: Sequence[Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors) if errors else None
        self.headers = headers or {}
        #: Set by the server when a route raised it, so the call log names the operation.
        self.operation_id: str | None = None

    def response(self) -> web.Response:
        return error_response(self.status, self.message, errors=self.errors, headers=self.headers)


def error_response(
    status: int,
    message: str,
    *,
    errors: Sequence[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """``{"message", "documentation_url", "status"}`` as GitHub answers errors."""
    body: dict[str, Any] = {
        "message": message,
        "documentation_url": DOCS_URL,
        "status": str(status),
    }
    if errors:
        body["errors"] = list(errors)
    return json_response(body, status=status, headers=headers)


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(data),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass(frozen=True)
class Principal:
    """Who is calling: an App (JWT), an installation token, a static token, or nobody."""

    kind: AuthKind
    app_id: int | None = None
    installation_id: int | None = None
    login: str = "autopilot[bot]"


@dataclass
class Ctx:
    """What a route handler gets: the request, the world, path params and the JSON body."""

    request: web.Request
    world: World
    params: dict[str, str]
    body: Any
    principal: Principal
    base_url: str

    def repo(self) -> Repo:
        """The ``{owner}/{repo}`` of the path, or GitHub's 404."""
        repo = self.world.repo(f"{self.params['owner']}/{self.params['repo']}")
        if repo is None:
            raise HTTPError(404, "Not Found")
        return repo

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise HTTPError(404, "Not Found") from None

    def field(self, name: str, default: Any = None) -> Any:
        """A member of the JSON body (None-safe when there is no body)."""
        return self.body.get(name, default) if isinstance(self.body, dict) else default

    def api(self, path: str) -> str:
        """An absolute API URL on this server."""
        return f"{self.base_url}{path}"


Handler = Callable[[Ctx], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    auth: Auth


@dataclass
class Router:
    """A module's routes, keyed by method and OpenAPI path template."""

    routes: list[Route] = field(default_factory=list)

    def route(
        self, method: str, template: str, *, auth: Auth = "repo"
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method.lower(), template, handler, auth))
            return handler

        return register


def paginate(ctx: Ctx, items: Sequence[T]) -> tuple[list[T], dict[str, str]]:
    """One page of ``items`` per ``per_page``/``page``, and RFC 5988 ``Link`` headers."""
    query = ctx.request.query
    try:
        per_page = min(max(int(query.get("per_page", "30")), 1), 100)
        page = max(int(query.get("page", "1")), 1)
    except ValueError:
        raise HTTPError(422, "Invalid pagination parameters") from None
    last = max((len(items) + per_page - 1) // per_page, 1)
    start = (page - 1) * per_page
    url = ctx.request.url
    base = f"{ctx.base_url}{url.path}"

    def link(n: int, rel: str) -> str:
        params = {**dict(query), "per_page": str(per_page), "page": str(n)}
        return f'<{base}?{urlencode(params)}>; rel="{rel}"'

    links = []
    if page > 1:
        links += [link(page - 1, "prev"), link(1, "first")]
    if page < last:
        links += [link(page + 1, "next"), link(last, "last")]
    headers = {"Link": ", ".join(links)} if links else {}
    return list(items[start : start + per_page]), headers
