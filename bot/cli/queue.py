"""``autopilot queue``: add, list, show, approve, reject and measure review queue items."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prometheus_client import generate_latest

from bot.app.review_metrics import metrics_registry
from bot.cli import git_apply
from bot.cli.score import add_scoring_arguments, read_input, score_from_args
from bot.config.repo import PatchLimits, load_repo_config
from bot.config.settings import DEFAULT_STORE_URL
from bot.core import review
from bot.core.patch_safety import check_patch
from bot.core.review import QueueItem, QueueState
from bot.core.scoring import Route, format_score
from bot.errors import AutopilotError, UsageError
from bot.store.db import Database
from bot.store.review_queue import ReviewQueue

EPILOG = """\
examples:
  autopilot queue add --diff fix.patch --signals signals.json --repository octo/app --pr 12
  autopilot queue list --older-than 24h
  autopilot queue show rq-3
  autopilot queue approve rq-3 --repo . --commit --config .github/autopilot.yml
  autopilot queue reject rq-4 --reason "changes a public API"
  autopilot queue stats --format prometheus

The store is --store URL, else $AUTOPILOT_STORE, else sqlite:///autopilot.db.
exit codes: 0 done; 1 refused (item already decided, unsafe patch, patch does not apply,
or stats --fail-on-alert with an aged item); 2 usage error (bad flags, unknown id).
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "queue",
        help="inspect and decide the human review queue",
        description="Patches whose confidence is too low to merge wait here for a person.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", metavar="URL", help="sqlite:///path.db or postgresql://...")
    actions = parser.add_subparsers(dest="queue_command", metavar="ACTION", required=True)

    def add(name: str, handler: Callable[..., int], help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = actions.add_parser(
            name, parents=[common], help=help_text, description=help_text
        )
        sub.set_defaults(func=_with_queue(handler))
        return sub

    p = add("add", cmd_add, "score a patch and queue it when its route is manual_review")
    p.add_argument("--diff", required=True, metavar="FILE", help="unified diff, or - for stdin")
    add_scoring_arguments(p)
    p.add_argument("--fix", action="append", default=[], metavar="ID", help="applied fix id")
    p.add_argument("--repository", default="", metavar="OWNER/NAME")
    p.add_argument("--pr", type=int, metavar="N", help="pull request number")
    p.add_argument("--head-sha", default="", metavar="SHA")
    p.add_argument("--force", action="store_true", help="queue it whatever the route")
    _add_format(p)

    p = add("list", cmd_list, "list queue items, oldest first")
    p.add_argument("--state", choices=[*(s.value for s in QueueState), "all"], default="pending")
    p.add_argument("--older-than", metavar="AGE", help="only items older than AGE (e.g. 24h)")
    p.add_argument("--limit", type=int, metavar="N")
    _add_format(p)

    p = add("show", cmd_show, "show one item with its reasons, signals and diff")
    p.add_argument("id", help="item id, e.g. rq-3")
    _add_format(p)

    p = add("approve", cmd_approve, "check, apply (and optionally commit) a pending patch")
    p.add_argument("id", help="item id, e.g. rq-3")
    p.add_argument("--repo", default=".", metavar="PATH", help="git working tree (default .)")
    p.add_argument("--commit", action="store_true", help="commit the patch after applying it")
    p.add_argument("--allow-workflows", action="store_true", help="allow .github/workflows/")
    p.add_argument(
        "--config", metavar="FILE", help="repository config (.github/autopilot.yml) for `patches`"
    )
    p.add_argument("--actor", help="who approves (default: the current user)")

    p = add("reject", cmd_reject, "reject a pending patch, recording why")
    p.add_argument("id", help="item id, e.g. rq-3")
    p.add_argument("--reason", required=True, help="why it is rejected")
    p.add_argument("--actor", help="who rejects (default: the current user)")

    p = add("stats", cmd_stats, "counts by state and route, confidence buckets, queue age")
    p.add_argument(
        "--alert-after",
        action="append",
        metavar="AGE",
        help="count pending items older than AGE (repeatable; default 24h and 72h)",
    )
    p.add_argument("--fail-on-alert", action="store_true", help="exit 1 if any item is aged")
    _add_format(p, extra=("prometheus",))


def cmd_add(args: argparse.Namespace, queue: ReviewQueue, now: datetime) -> int:
    if args.diff == args.signals == "-":
        raise UsageError("--diff and --signals cannot both read standard input")
    result = score_from_args(args)
    diff = read_input(args.diff)
    if not diff.strip():
        raise UsageError(f"{args.diff}: the diff is empty")
    item = None
    if result.route is Route.MANUAL_REVIEW or args.force:
        item = queue.enqueue(
            result,
            diff=diff,
            now=now,
            repo=args.repository,
            pr_number=args.pr,
            head_sha=args.head_sha,
            fix_ids=tuple(dict.fromkeys([*args.fix, *args.unsafe_fix])),
        )
    if args.format == "json":
        shown = None if item is None else item.to_dict(now)
        _print_json({"enqueued": item is not None, "item": shown, "score": result.to_dict()})
    elif item is not None:
        print(f"queued {item.label} (score {format_score(result.score)}, {result.route.value})")
    else:
        print(f"not queued: score {format_score(result.score)} routes to {result.route.value}")
    return 0


def cmd_list(args: argparse.Namespace, queue: ReviewQueue, now: datetime) -> int:
    states = None if args.state == "all" else (QueueState(args.state),)
    cutoff = now - review.parse_duration(args.older_than) if args.older_than else None
    items = queue.list_items(states=states, created_before=cutoff, limit=args.limit)
    if args.format == "json":
        _print_json({"items": [item.to_dict(now) for item in items]})
    else:
        print(review.render_table(items, now))
    return 0


def cmd_show(args: argparse.Namespace, queue: ReviewQueue, now: datetime) -> int:
    item = queue.get(review.parse_item_id(args.id))
    if args.format == "json":
        _print_json(item.to_dict(now))
    else:
        print(review.render_item(item, now))
    return 0


def cmd_approve(args: argparse.Namespace, queue: ReviewQueue, now: datetime) -> int:
    item = queue.get(review.parse_item_id(args.id))
    if item.state is not QueueState.PENDING:
        return _refuse(f"{item.label} is already {item.state.value}; nothing to approve")
    diff = item.diff or ""
    limits = PatchLimits()
    if args.config:
        limits = load_repo_config(Path(args.config), missing_ok=False).patches
    report = check_patch(
        diff,
        allow_workflows=args.allow_workflows or limits.allow_workflows,
        max_bytes=limits.max_bytes,
        max_files=limits.max_files,
    )
    if not report.ok:
        lines = [f"  - {r.reason} ({r.code})" for r in report.refusals]
        return _refuse("\n".join([f"{item.label} is refused as unsafe:", *lines]))
    root = git_apply.worktree_root(Path(args.repo))
    try:
        git_apply.check_applies(root, diff, index=args.commit)
    except git_apply.ApplyError as exc:
        return _refuse(f"{item.label} does not apply to {root}: {exc}")
    actor = _actor(args)
    item = queue.claim(item.id, actor=actor, now=now)  # AlreadyDecided if someone was first
    try:
        git_apply.apply(root, diff, index=args.commit)
    except git_apply.ApplyError as exc:
        queue.release(item.id, note=f"applying failed: {exc}")
        return _refuse(f"{item.label} could not be applied; it is pending again: {exc}")
    sha = None
    if args.commit:
        try:
            sha = git_apply.commit(root, _commit_message(item, actor))
        except git_apply.ApplyError as exc:
            try:
                git_apply.apply(root, diff, index=True, reverse=True)
            finally:
                queue.release(item.id, note=f"committing failed: {exc}")
            return _refuse(f"{item.label} was rolled back; it is pending again: {exc}")
    item = queue.mark_applied(item.id, now=now, commit_sha=sha)
    where = f" as commit {sha[:12]}" if sha else " (not committed)"
    print(f"{item.label} approved by {actor} and applied to {root}{where}")
    return 0


def cmd_reject(args: argparse.Namespace, queue: ReviewQueue, now: datetime) -> int:
    if not args.reason.strip():
        raise UsageError("--reason must say why the patch is rejected")
    item_id = review.parse_item_id(args.id)
    item = queue.reject(item_id, actor=_actor(args), reason=args.reason.strip(), now=now)
    print(f"{item.label} rejected by {item.actor}: {item.reason}")
    return 0


def cmd_stats(args: argparse.Namespace, queue: ReviewQueue, now: datetime) -> int:
    alert_after = tuple(args.alert_after or review.DEFAULT_ALERT_AFTER)
    stats = review.queue_stats(queue.list_items(states=None), now=now, alert_after=alert_after)
    if args.format == "prometheus":
        sys.stdout.write(generate_latest(metrics_registry(stats)).decode())
    elif args.format == "json":
        _print_json(stats.to_dict())
    else:
        print(review.render_stats(stats))
    aged = any(stats.pending_older_than.values())
    return 1 if args.fail_on_alert and aged else 0


def _with_queue(handler: Callable[[argparse.Namespace, ReviewQueue, datetime], int]) -> Any:
    def run(args: argparse.Namespace) -> int:
        db = Database(args.store or os.environ.get("AUTOPILOT_STORE") or DEFAULT_STORE_URL)
        try:
            return handler(args, ReviewQueue(db), datetime.now(UTC))
        except UsageError:
            raise
        except AutopilotError as exc:  # a refusal such as AlreadyDecided: exit 1
            return _refuse(str(exc))
        finally:
            db.close()

    return run


def _add_format(parser: argparse.ArgumentParser, extra: tuple[str, ...] = ()) -> None:
    parser.add_argument("--format", choices=("text", "json", *extra), default="text")


def _actor(args: argparse.Namespace) -> str:
    if args.actor:
        return str(args.actor)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _commit_message(item: QueueItem, actor: str) -> str:
    fixes = ", ".join(item.fix_ids) or "none recorded"
    return (
        f"autopilot: apply reviewed fix {item.label}\n\n"
        f"Approved by {actor} from the review queue.\n"
        f"Confidence {item.score:.2f} ({item.route.value}); fixes: {fixes}.\n"
    )


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2))


def _refuse(message: str) -> int:
    print(f"autopilot queue: {message}", file=sys.stderr)
    return 1
