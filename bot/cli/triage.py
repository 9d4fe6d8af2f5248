"""``autopilot triage``: turn CI logs into ranked failures (JSON, text or annotations)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.core.triage.engine import TriageEngine
from bot.core.triage.render import FORMATS, render
from bot.triage_io import open_inputs

DESCRIPTION = """\
Read CI logs (raw tool output or GitHub Actions job logs with timestamps, ##[group]
markers and colours; several files; - for stdin; or the zip of a whole run's logs)
and print the failures found, most important first, each with a category, the file
and line relative to the repository root, the test, a stable fingerprint and whether
a mechanical fixer can address it."""

EPILOG = """\
categories:
  lint, format, import_error, syntax_error, type_error, assertion, runtime_error,
  timeout, flaky, dependency, infrastructure, unknown

formats:
  json    {"failures": [{"category", "file", "line", "message", "test",
                         "fingerprint", "auto_fixable"}]}   (default)
  text    a numbered list for people
  github  ::error file=...,line=...,title=...::message workflow commands

exit codes:
  0  the logs were read (whatever was found; a green log prints no failures)
  2  an input cannot be read (missing file, bad zip)

examples:
  autopilot triage job.log
  gh run download 123 --log > run.log; autopilot triage run.log --format text
  autopilot triage logs_123.zip --format github
  cat job.log | autopilot triage - --root /home/runner/work/app/app
"""


def register(subparsers: Any) -> None:
    """Add the ``triage`` subcommand."""
    parser = subparsers.add_parser(
        "triage",
        help="turn CI logs into ranked failures",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "logs", nargs="+", metavar="LOG", help="a log file, a zip of a run's logs, or - for stdin"
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="json", help="output format (default: json)"
    )
    parser.add_argument(
        "--root",
        metavar="DIR",
        help="the repository's checkout directory as the logs print it; paths under it are "
        "made relative (runner and temporary prefixes are stripped without it)",
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Triage every input into one ranked list and print it."""
    engine = TriageEngine(root=args.root)
    for _label, chunks in open_inputs(args.logs, sys.stdin.buffer):
        engine.add_input(chunks)
    sys.stdout.write(render(engine.result(), args.format))
    return 0
