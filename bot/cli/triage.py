"""``autopilot triage``: turn CI logs into ranked failures (JSON, text or annotations)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from bot.core.triage.engine import TriageEngine
from bot.core.triage.render import FORMATS, render
from bot.errors import InputError
from bot.triage_io import open_inputs

#: Bytes looked at to tell a text log from binary data.
SNIFF = 8192

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
  0  the logs were read and no failure was found (a green log prints no failures)
  1  the logs were read and failures were found (printed)
  2  an input cannot be read (missing file, bad zip) or is not text (binary data)

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


def is_binary(head: bytes) -> bool:
    """True when the first bytes of an input are not text (NUL bytes outside UTF-16)."""
    sample = head[:SNIFF]
    return b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff"))


def _text_only(label: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The input's blocks, or an InputError when the first one is binary data."""
    first = next(chunks, b"")
    if is_binary(first):
        raise InputError(f"{label}: not a text log (binary data); nothing was triaged")
    yield first
    yield from chunks


def handle(args: argparse.Namespace) -> int:
    """Triage every input into one ranked list and print it (exit 1 when failures are found)."""
    engine = TriageEngine(root=args.root)
    for label, chunks in open_inputs(args.logs, sys.stdin.buffer):
        engine.add_input(_text_only(label, chunks))
    failures = engine.result()
    sys.stdout.write(render(failures, args.format))
    return 1 if failures else 0
