"""``autopilot score``: score validation signals and print the route as JSON or text."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.core.scoring import ScoreResult, Thresholds, load_signals, score
from bot.errors import InputError

EPILOG = """\
SIGNALS is a JSON object; each key is optional (missing or null: not measured):
  {"tests": 1.0, "lint": true, "types": 0.9, "security": null, "coverage": 0.72}
A number is in [0, 1] (for tests: the pass rate); true/false mean 1/0. The "evidence"
object that `autopilot validate` adds is accepted and carries no weight.

examples:
  autopilot score --signals signals.json
  echo '{"tests": true, "lint": true}' | autopilot score --signals -
  autopilot score --signals s.json --auto-merge-threshold 0.98 --pr-threshold 0.9
  autopilot score --signals s.json --unsafe-fix rename-import --format text
  autopilot score --signals s.json --config .github/autopilot.yml

routes: auto_merge (score >= auto-merge threshold, tests and lint measured and passing,
every fix safe), pull_request (score >= pr threshold), manual_review (anything else;
also failing tests and unsafe fixes, whatever the score). Exit 0 when scored, 2 on bad input.
"""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score a fix's validation signals and route it",
        description="Weigh validation signals into a confidence score and pick a route.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_scoring_arguments(parser)
    parser.add_argument("--format", choices=("json", "text"), default="json")
    parser.set_defaults(func=handler)


def add_scoring_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags shared by ``score`` and ``queue add``."""
    parser.add_argument(
        "--signals", required=True, metavar="FILE", help="signals JSON file, or - for stdin"
    )
    parser.add_argument(
        "--auto-merge-threshold", type=float, default=None, metavar="X", help="default 0.95"
    )
    parser.add_argument(
        "--pr-threshold", type=float, default=None, metavar="X", help="default 0.80"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="repository config (.github/autopilot.yml) for the thresholds; flags override it",
    )
    parser.add_argument(
        "--unsafe-fix",
        action="append",
        default=[],
        metavar="ID",
        help="an applied fix that is not marked safe (repeatable); blocks auto-merge",
    )


def score_from_args(args: argparse.Namespace) -> ScoreResult:
    """Read the signals and thresholds named by the flags and score them."""
    defaults = Thresholds()
    if args.config:
        from bot.config.repo import load_repo_config  # only paid for when asked (start-up)

        defaults = load_repo_config(Path(args.config), missing_ok=False).thresholds
    thresholds = Thresholds(
        auto_merge=_pick(args.auto_merge_threshold, defaults.auto_merge),
        pull_request=_pick(args.pr_threshold, defaults.pull_request),
    )
    signals = load_signals(read_input(args.signals), source=args.signals)
    return score(signals, thresholds=thresholds, unsafe_fixes=tuple(args.unsafe_fix))


def handler(args: argparse.Namespace) -> int:
    result = score_from_args(args)
    if args.format == "text":
        print(render_text(result))
    else:
        print(json.dumps(result.to_dict(), indent=2))
    return 0


def render_text(result: ScoreResult) -> str:
    """A short human summary: score and route, one line per signal, then the reasons."""
    lines = [f"score {result.score:.4f} -> {result.route.value}", ""]
    for s in result.signals:
        shown = f"{s.value:.2f}" if s.value is not None else "not measured"
        lines.append(f"  {s.name:<9} {shown:<13} weight {s.effective_weight:.4f}")
    lines += ["", "reasons:", *(f"  - {reason}" for reason in result.reasons)]
    return "\n".join(lines)


def read_input(path: str) -> str:
    """The text of a file named on the command line, ``-`` meaning standard input."""
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def _pick(flag: float | None, default: float) -> float:
    return default if flag is None else flag
