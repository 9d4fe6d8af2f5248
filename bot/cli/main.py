"""Composes the ``autopilot`` subcommands and maps outcomes to exit codes 0/1/2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot import __version__
from bot.errors import UsageError

#: Subcommand modules, in the order ``--help`` lists them. Each exposes
#: ``register(subparsers)`` which adds its parser and sets ``func=handler``;
#: the handler takes the parsed namespace and returns an exit code.
SUBCOMMANDS: tuple[str, ...] = (
    "triage",
    "fix",
    "validate",
    "score",
    "queue",
    "serve",
    "worker",
    "action",
    "config",
    # operators' tools
    "doctor",
    "app",
    "replay",
    # plans and the schedule
    "plan",
    "report",
    "health",
)

EPILOG = """\
exit codes:
  0  success (for triage and fix --exit-code: nothing found)
  1  findings or a failure you asked about
  2  usage or configuration error

environment (serve):
  AUTOPILOT_WEBHOOK_SECRET, AUTOPILOT_APP_ID, AUTOPILOT_PRIVATE_KEY(_PATH),
  AUTOPILOT_STORE (sqlite:///path.db | postgresql://...),
  AUTOPILOT_QUEUE (local | redis://...), GITHUB_API_URL
"""


def build_parser(only: Sequence[str] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autopilot",
        description=(
            "CI Autopilot keeps a repository's CI green: it triages failed CI logs, "
            "applies safe mechanical fixes, scores its confidence and routes each fix "
            "to auto-merge, a pull request or a human review queue."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"autopilot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in only or SUBCOMMANDS:
        module = importlib.import_module(f"bot.cli.{name}")
        module.register(subparsers)
    return parser


def _chosen_command(argv: Sequence[str]) -> tuple[str, ...]:
    """The subcommand named on the command line, so only its module is imported.

    Start-up time matters for ``fix`` and ``triage`` in hooks and CI; ``--help`` and
    unknown commands still load every subcommand.
    """
    for arg in argv:
        if not arg.startswith("-"):
            return (arg,) if arg in SUBCOMMANDS else ()
        if arg in ("-h", "--help", "--version"):
            return ()
    return ()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_chosen_command(args_list))
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"autopilot {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
