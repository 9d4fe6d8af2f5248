"""``autopilot plan validate | run | status | resume``: multi-phase plans from the terminal."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp

from bot.config.plan import load_plan, parse_plan
from bot.config.settings import load_settings
from bot.core.config_check import ConfigError, render_text
from bot.core.plan.engine import would_run
from bot.core.plan.model import PLAN_PATH, PlanMode
from bot.core.plan.state import PhaseState, PlanRun, RunState
from bot.core.render.plan_issue import render_dry_run, render_status
from bot.errors import UsageError
from bot.github.client import GitHubClient
from bot.plans.runner import PlanRunner
from bot.store import leases
from bot.store.db import Database
from bot.store.leases import Leases
from bot.store.plans import SCHEMA, PlanStore

DESCRIPTION = """\
Plans are phases with dependencies, tasks (workflow dispatches or commands), success
criteria and approvals, written in .github/autopilot/plan.yml (see docs/plans.md). A run is
tracked in one GitHub issue (checklist and status table) and its state is kept in
AUTOPILOT_STORE, so `resume` carries on after a crash without running a phase twice.
"""
EPILOG = """\
exit codes: 0 valid / the run succeeded (or is waiting, with --no-wait); 1 the plan is
invalid (validate) or the run failed; 2 usage or configuration error.
environment: GITHUB_TOKEN, GITHUB_API_URL, AUTOPILOT_STORE, GITHUB_REPOSITORY.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="validate and run multi-phase plans",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    check = verbs.add_parser("validate", help="check a plan file; problems with line and column")
    check.add_argument("file", nargs="?", default=PLAN_PATH)
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    check.set_defaults(func=cmd_validate)
    run = verbs.add_parser("run", help="start a run (dry-run: show what would run, offline)")
    run.add_argument("file", nargs="?", default=PLAN_PATH)
    run.add_argument(
        "--mode",
        choices=list(PlanMode),
        default=None,
        help="auto, manual (every phase waits for approval) or dry-run; "
        "default: the plan's own mode",
    )
    _common(run)
    run.set_defaults(func=cmd_run)
    resume = verbs.add_parser("resume", help="carry on a run from its stored state")
    resume.add_argument("run_id", type=int)
    _common(resume)
    resume.set_defaults(func=cmd_resume)
    status = verbs.add_parser("status", help="runs and their phases, from the store")
    status.add_argument("run_id", type=int, nargs="?")
    status.add_argument("--repo", default=None)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", default=None, help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument("--checkout", default=".", help="where command tasks and criteria run")
    parser.add_argument("--poll", type=float, default=15.0, help="seconds between checks")
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="one pass, then exit (a scheduler or webhook moves it on)",
    )


def _progress(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        plan = load_plan(Path(args.file), file=args.file)
    except ConfigError as exc:
        if args.json:
            print(
                json.dumps({"valid": False, "problems": [vars(p) for p in exc.problems]}, indent=2)
            )
        else:
            sys.stdout.write(render_text(exc.problems, file=exc.file))
        return 1
    order = would_run(plan, plan.mode)
    if args.json:
        print(json.dumps({"valid": True, "phases": [p for p, _ in order]}, indent=2))
    else:
        print(f"{args.file}: valid, {len(plan.phases)} phases: " + ", ".join(p for p, _ in order))
    return 0


def _store(environ: Mapping[str, str]) -> PlanStore:
    db = Database(load_settings(environ).store_url)
    db.ensure_schema(SCHEMA)
    db.ensure_schema(leases.SCHEMA)
    return PlanStore(db)


def _repo(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    repo = args.repo or environ.get("GITHUB_REPOSITORY")
    if not repo or "/" not in repo:
        raise UsageError("name the repository: --repo OWNER/NAME (or set GITHUB_REPOSITORY)")
    return str(repo)


def cmd_run(args: argparse.Namespace) -> int:
    text = _read(args.file)
    try:
        plan = parse_plan(text, file=args.file)
    except ConfigError as exc:
        sys.stderr.write(render_text(exc.problems, file=exc.file))
        return 2
    mode = PlanMode(args.mode) if args.mode else plan.mode
    if mode is PlanMode.DRY_RUN:
        sys.stdout.write(render_dry_run(plan, mode, would_run(plan, mode)))
        return 0
    return asyncio.run(_drive(args, os.environ, start=(text, mode)))


def cmd_resume(args: argparse.Namespace) -> int:
    return asyncio.run(_drive(args, os.environ, run_id=args.run_id))


def _read(file: str) -> str:
    try:
        return Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc


async def _drive(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    *,
    start: tuple[str, PlanMode] | None = None,
    run_id: int | None = None,
) -> int:
    token = environ.get("GITHUB_TOKEN")
    if not token:
        raise UsageError("GITHUB_TOKEN is not set: runs dispatch workflows and keep an issue")
    settings = load_settings(environ)
    store = _store(environ)
    if run_id is not None:
        stored = await store.load(run_id)
        repo = stored.repository
    else:
        repo = _repo(args, environ)
    async with aiohttp.ClientSession() as session:
        gh = GitHubClient(session, base_url=settings.api_url, token=token)
        runner = PlanRunner(
            gh=gh,
            store=store,
            leases=Leases(store.db),
            repository=repo,
            checkout=Path(args.checkout).resolve(),
            progress=_progress,
        )
        if start is not None:
            run = await runner.start(
                start[0], mode=start[1], started_by=environ.get("GITHUB_ACTOR")
            )
        else:
            assert run_id is not None
            run = await runner.advance(run_id)
        _progress(f"tracking issue: #{run.issue_number}")
        said: list[str] = []
        while run.state is RunState.RUNNING and not args.no_wait:
            waiting = [r.phase_id for r in run.phases if r.state is PhaseState.WAITING]
            idle = not any(r.state is PhaseState.RUNNING for r in run.phases)
            if waiting and waiting != said and idle:
                _progress("waiting for approval of " + ", ".join(waiting) + " (tick the boxes)")
                said = waiting
            await asyncio.sleep(args.poll)
            run = await runner.advance(run.id)
    store.db.close()
    plan = parse_plan(run.plan_text)
    sys.stdout.write(render_status(plan, run))
    return 1 if run.state is RunState.FAILED else 0


def cmd_status(args: argparse.Namespace) -> int:
    return asyncio.run(_status(args, os.environ))


async def _status(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    store = _store(environ)
    try:
        runs: list[PlanRun] = (
            [await store.load(args.run_id)]
            if args.run_id is not None
            else await store.runs(repository=args.repo, limit=20)
        )
    finally:
        store.db.close()
    if args.json:
        print(json.dumps([_run_json(r) for r in runs], indent=2))
        return 0
    if not runs:
        print("no plan runs in the store")
    for run in runs:
        print(f"{run.repository}:")
        sys.stdout.write(render_status(parse_plan(run.plan_text), run) + "\n")
    return 0


def _run_json(run: PlanRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "repository": run.repository,
        "plan": run.plan_name,
        "mode": str(run.mode),
        "state": str(run.state),
        "issue": run.issue_number,
        "phases": [
            {
                "id": r.phase_id,
                "state": str(r.state),
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "criteria_met": r.criteria_met,
                "criteria_total": r.criteria_total,
                "note": r.note,
                "runs": list(r.links),
            }
            for r in run.phases
        ],
    }
