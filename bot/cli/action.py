"""``autopilot action``: the GitHub Action's entry point, same Event and routers as the App."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gidgethub.routing import Router

from bot.app.dispatch import DispatchResult, dispatch
from bot.app.logging_json import configure_logging
from bot.app.runtime import open_runtime
from bot.concerns import compose_router
from bot.concerns.ports import JobSummary, Workspace
from bot.config.repo import load_repo_config
from bot.config.settings import Settings, load_settings
from bot.core.config_check import CONFIG_PATH, ConfigError, render_github, render_markdown
from bot.core.events import Event, decode_payload
from bot.core.modes import Mode, cautious
from bot.errors import InputError, UsageError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "action",
        help="run inside GitHub Actions on the workflow's event",
        description=(
            "Read GITHUB_EVENT_NAME and GITHUB_EVENT_PATH, dispatch the event through the "
            "same concerns as the App with GITHUB_TOKEN, and write a job summary."
        ),
    )
    parser.add_argument(
        "--mode", choices=list(Mode), default=None, help="auto (default) or dry-run"
    )
    parser.add_argument(
        "--config",
        default=None,
        help="config file, relative to GITHUB_WORKSPACE (default .github/autopilot.yml)",
    )
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(func=run)


def _required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name)
    if not value:
        raise UsageError(f"{name} is not set: `autopilot action` runs inside GitHub Actions")
    return value


def render_summary(
    event: Event, result: DispatchResult, mode: str, summary: JobSummary | None = None
) -> str:
    """The job summary (Markdown): what the concerns found and decided (the triage report,
    rendered as in the sticky comment), then each handler; errors shown, never tokens."""
    lines = [
        "## CI Autopilot",
        "",
        f"Event `{event.label}` on `{event.repository or 'unknown repository'}`, mode `{mode}`.",
        "",
    ]
    for section in summary.sections if summary else ():
        lines += [section.rstrip("\n"), ""]
    if not result.handlers:
        lines.append("No concern handles this event: nothing to do.")
    failed, refused = dict(result.failures), dict(result.refusals)
    for name in result.handlers:
        short = name.rsplit(".", 2)[-2:]
        mark = f"failed: {failed[name]}" if name in failed else "done"
        mark = f"ignored: {refused[name]}" if name in refused else mark
        lines.append(f"- `{'.'.join(short)}`: {mark}")
    return "\n".join(lines) + "\n"


def render_outputs(result: DispatchResult, summary: JobSummary, status: str | None = None) -> str:
    """``$GITHUB_OUTPUT``: counts, status, the decisions taken and the failures found."""
    status = status or ("failed" if result.failures else "ok")
    decision = ",".join(summary.decisions) or "none"
    return (
        f"handlers={len(result.handlers)}\nfailures={len(result.failures)}\nstatus={status}\n"
        f"decision={decision}\nfindings={summary.findings}\n"
    )


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def run(args: argparse.Namespace) -> int:
    return run_action(args, os.environ, compose_router())


def run_action(args: argparse.Namespace, environ: Mapping[str, str], router: Router) -> int:
    """The Action on ``environ``'s event, dispatched through ``router``."""
    token = environ.get("GITHUB_TOKEN") or environ.get("INPUT_GITHUB-TOKEN") or ""
    if token:
        print(f"::add-mask::{token}", flush=True)  # before anything else can print it
    event_name = _required(environ, "GITHUB_EVENT_NAME")
    event_path = _required(environ, "GITHUB_EVENT_PATH")
    if not token:
        raise UsageError("GITHUB_TOKEN is not set: pass `github-token` to the action")
    settings = load_settings(environ)
    configure_logging(args.log_level, secrets=(*settings.secrets(), token))
    try:
        payload = decode_payload(Path(event_path).read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read GITHUB_EVENT_PATH {event_path}: {exc}") from exc
    run_id = environ.get("GITHUB_RUN_ID")
    delivery = f"actions-{run_id}-{environ.get('GITHUB_RUN_ATTEMPT', '1')}" if run_id else None
    event = Event.from_payload(event_name, delivery or f"actions-{uuid.uuid4()}", payload)
    config_file = args.config or CONFIG_PATH
    try:
        workspace = Path(environ.get("GITHUB_WORKSPACE") or ".")
        repo_config = load_repo_config(workspace / config_file, file=config_file)
    except ConfigError as exc:
        return _invalid_config(exc, environ)
    requested = args.mode or environ.get("INPUT_MODE") or settings.mode
    if requested not in set(Mode):
        raise UsageError(f"mode must be one of {', '.join(Mode)}, got {requested!r}")
    mode = cautious(requested, repo_config.mode)  # the more cautious of input and file wins
    # A re-run of this job sees the same event again; its first run's writes are on GitHub.
    seen_before = environ.get("GITHUB_RUN_ATTEMPT", "1") not in ("", "1")
    summary = JobSummary()
    checkout = Workspace(path=workspace, validate_in_job=_validate_in_job(environ))
    # A plan's state outlives the job only in a store the workflow names (AUTOPILOT_STORE);
    # otherwise the handlers get a throw-away SQLite file.
    keep = bool(environ.get("AUTOPILOT_STORE"))
    result = asyncio.run(
        _dispatch(
            event,
            settings,
            router,
            token=token,
            mode=mode,
            summary=summary,
            seen_before=seen_before,
            workspace=checkout,
            keep=keep,
        )
    )
    _append(environ.get("GITHUB_STEP_SUMMARY"), render_summary(event, result, mode, summary))
    outputs = render_outputs(result, summary)
    # The fix journey's outputs: route, score and fix-pull-request when it got that far.
    outputs += "".join(f"{name}={value}\n" for name, value in sorted(checkout.outputs.items()))
    _append(environ.get("GITHUB_OUTPUT"), outputs)
    for command in summary.commands:  # the failures found, as annotations of this job
        print(command)
    for name, error in result.failures:
        print(f"::error title=autopilot: {name.rsplit('.', 1)[-1]} failed::{error}")
    return 1 if result.failures else 0


def _validate_in_job(environ: Mapping[str, str]) -> bool:
    """``validate-in-job``: true (default) when the token's pushes start no workflow."""
    value = environ.get("AUTOPILOT_VALIDATE_IN_JOB") or environ.get("INPUT_VALIDATE-IN-JOB")
    if value is None or value == "":
        return True
    if value.lower() not in ("true", "false"):
        raise UsageError(f"validate-in-job must be true or false, got {value!r}")
    return value.lower() == "true"


def _invalid_config(exc: ConfigError, environ: Mapping[str, str]) -> int:
    """Annotate the file, explain it in the job summary, and stop before acting: exit 2."""
    print(render_github(exc.problems, file=exc.file), end="", flush=True)
    problems = render_markdown(exc.problems, file=exc.file)
    _append(environ.get("GITHUB_STEP_SUMMARY"), f"## CI Autopilot\n\n{problems}")
    outputs = render_outputs(DispatchResult((), ()), JobSummary(), status="invalid-config")
    _append(environ.get("GITHUB_OUTPUT"), outputs)
    return 2


async def _dispatch(
    event: Event,
    settings: Settings,
    router: Router,
    *,
    token: str,
    mode: Mode,
    summary: JobSummary,
    seen_before: bool,
    workspace: Workspace,
    keep: bool = False,
) -> DispatchResult:
    # The Action keeps no state between runs: a throw-away SQLite store serves the handlers,
    # unless the workflow names one (AUTOPILOT_STORE) for plans that span jobs.
    with tempfile.TemporaryDirectory(prefix="autopilot-") as tmp:
        settings = dataclasses.replace(
            settings,
            store_url=settings.store_url if keep else f"sqlite:///{tmp}/action.db",
            mode=mode,
            app_id=None,
            private_key=None,
        )
        async with open_runtime(settings, token=token, router=router) as runtime:
            ports = dataclasses.replace(
                runtime.processor.ports(event),
                stateless=True,
                seen_before=seen_before,
                summary=summary,
                workspace=workspace,
            )
            return await dispatch(router, event, ports)
