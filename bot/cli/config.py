"""``autopilot config``: check, show and describe a repository's ``.github/autopilot.yml``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.config.repo import RepoConfig, load_repo_config, schema
from bot.core.config_check import CONFIG_PATH, ConfigError, render_github, render_json
from bot.core.config_check import render_text as render_problems

EPILOG = """\
examples:
  autopilot config check                       checks .github/autopilot.yml
  autopilot config check ci/autopilot.yml --format github
  autopilot config show --format json          the effective configuration, defaults filled in
  autopilot config schema > .github/autopilot.schema.json

Without FILE, .github/autopilot.yml is read, and a missing file means the defaults.
exit codes: 0 valid; 1 invalid (each problem as FILE:LINE:COL: key: message);
2 the file cannot be read.
"""
RENDERERS = {"text": render_problems, "github": render_github, "json": render_json}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="check or show the repository configuration (.github/autopilot.yml)",
        description="Validate the repository configuration and show it with its defaults.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate FILE; print every problem with its line")
    check.add_argument("file", nargs="?", metavar="FILE", help=f"default {CONFIG_PATH}")
    check.add_argument("--format", choices=tuple(RENDERERS), default="text")
    check.set_defaults(func=cmd_check)
    show = actions.add_parser("show", help="print the effective configuration with defaults")
    show.add_argument("file", nargs="?", metavar="FILE", help=f"default {CONFIG_PATH}")
    show.add_argument("--format", choices=("yaml", "json"), default="yaml")
    show.set_defaults(func=cmd_show)
    actions.add_parser("schema", help="print the JSON Schema (for editors)").set_defaults(
        func=cmd_schema
    )


def _load(args: argparse.Namespace) -> tuple[str, RepoConfig, bool]:
    """(the file's name as given, its configuration, whether the file exists).

    An unreadable file is an ``InputError``: ``main`` prints it and exits 2."""
    name = args.file or CONFIG_PATH
    path = Path(name)
    if args.file is None and not path.exists():
        return name, RepoConfig(), False
    return name, load_repo_config(path, file=name, missing_ok=False), True


def cmd_check(args: argparse.Namespace) -> int:
    try:
        name, _, found = _load(args)
    except ConfigError as exc:
        sys.stdout.write(RENDERERS[args.format](exc.problems, file=exc.file))
        return 1
    if args.format != "text":
        sys.stdout.write(RENDERERS[args.format]((), file=name))
    elif found:
        print(f"{name}: valid")
    else:
        print(f"{name}: not found; the defaults apply")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    try:
        _, config, _ = _load(args)
    except ConfigError as exc:
        sys.stderr.write(render_problems(exc.problems, file=exc.file))
        return 1
    data = config.to_dict()
    if args.format == "json":
        print(json.dumps(data, indent=2))
    else:
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema(), indent=2))
    return 0
