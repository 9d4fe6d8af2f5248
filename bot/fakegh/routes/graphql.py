"""The GraphQL endpoint, for the auto-merge mutations only (GraphQL is not in the REST spec)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bot.fakegh.http import Ctx, json_response
from bot.fakegh.state import PullRequest, iso

MUTATIONS = ("enablePullRequestAutoMerge", "disablePullRequestAutoMerge")
MERGE_METHODS = ("MERGE", "SQUASH", "REBASE")
_HEADER = re.compile(r"^\s*(query|mutation)\b\s*(\w+)?\s*(?:\(([^)]*)\))?\s*\{\s*(\w+)", re.S)
_DECLARED = re.compile(r"\$(\w+)\s*:\s*([\w\[\]]+)(!?)")
_USED = re.compile(r"\$(\w+)")
_ARG = r"{name}\s*:\s*(\$\w+|\"[^\"]*\"|\w+)"


def _parse(body: Any) -> tuple[str, str, dict[str, Any], str]:
    """(operation kind, first field, variables, selection text) of a request body."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise ValueError("A query attribute must be specified and must be a string.")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        raise ValueError("variables must be an object")
    query = body["query"]
    m = _HEADER.match(query)
    if m is None:
        raise ValueError("Parse error: expected 'query' or 'mutation' and a selection")
    kind, _, declared, field = m.groups()
    declared_names = set()
    for name, _type, required in _DECLARED.findall(declared or ""):
        declared_names.add(name)
        if required and variables.get(name) is None:
            raise ValueError(f"Variable ${name} of type {_type}! was provided invalid value")
    body_text = query[m.end(4) :]
    for name in _USED.findall(body_text):
        if name not in declared_names:
            raise ValueError(f"Variable ${name} is used by {field} but not declared")
    return kind, field, variables, body_text


def problem(body: Any) -> str | None:
    """Why the fake cannot take this GraphQL request (None when it can)."""
    try:
        kind, field, _, _ = _parse(body)
    except ValueError as exc:
        return str(exc)
    if kind != "mutation" or field not in MUTATIONS:
        return f"GraphQL {kind} {field} is not supported by the fake (only {', '.join(MUTATIONS)})"
    return None


def _argument(selection: str, variables: dict[str, Any], name: str) -> Any:
    """An input field, given inline, through its own variable, or inside ``input: $var``."""
    m = re.search(_ARG.format(name=name), selection)
    if m:
        raw = m.group(1)
        if raw.startswith("$"):
            return variables.get(raw[1:])
        return raw.strip('"')
    for value in variables.values():
        if isinstance(value, dict) and name in value:
            return value[name]
    return None


async def serve(ctx: Ctx) -> web.StreamResponse:
    _, field, variables, selection = _parse(ctx.body)
    node = _argument(selection, variables, "pullRequestId")
    pull = next((p for p in ctx.world.pulls.values() if p.node_id == node), None)
    if pull is None:
        return json_response(
            {
                "data": {field: None},
                "errors": [
                    {
                        "type": "NOT_FOUND",
                        "path": [field],
                        "message": f"Could not resolve to a node with the global id of '{node}'",
                    }
                ],
            }
        )
    if field == "disablePullRequestAutoMerge":
        pull.auto_merge = None
        return json_response({"data": {field: {"pullRequest": _pull(pull)}}})
    method = str(_argument(selection, variables, "mergeMethod") or "MERGE")
    if method not in MERGE_METHODS:
        return json_response({"errors": [{"message": f"Invalid mergeMethod {method!r}"}]})
    pull.auto_merge = {
        "enabled_by": ctx.principal.login,
        "merge_method": method.lower(),
        "commit_title": _argument(selection, variables, "commitHeadline") or "",
        "commit_message": _argument(selection, variables, "commitBody") or "",
        "enabled_at": iso(ctx.world.now()),
    }
    return json_response({"data": {field: {"clientMutationId": None, "pullRequest": _pull(pull)}}})


def _pull(pull: PullRequest) -> dict[str, Any]:
    request = None
    if pull.auto_merge:
        request = {
            "enabledAt": pull.auto_merge["enabled_at"],
            "mergeMethod": pull.auto_merge["merge_method"].upper(),
        }
    return {"id": pull.node_id, "number": pull.number, "autoMergeRequest": request}
