"""The repository's ``.github/autopilot.yml``: parsed, validated and defaulted (``RepoConfig``)."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from yaml.nodes import Node

from bot.config.repo_yaml import (
    MAX_CONFIG_BYTES,
    FatalProblem,
    compose,
    decode,
    node_at,
    problem_at,
    to_data,
)
from bot.core.checks import Checks
from bot.core.config_check import CONFIG_PATH, ConfigError, ConfigProblem
from bot.core.fix_plan import AutofixPolicy, MergeChecks, ShipMode
from bot.core.fixes.catalog import CATALOG, by_id
from bot.core.modes import Mode
from bot.core.patch_safety import MAX_BYTES, MAX_FILES
from bot.core.schedule import ScheduleConfig
from bot.core.scoring import Thresholds
from bot.errors import InputError, UsageError

SCHEMA_FILE = "autopilot.schema.json"
_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string",
               "number": "a number", "integer": "a whole number", "boolean": "true or false",
               "null": "null"}  # fmt: skip
#: Config keys whose name differs from the field they fill.
_CHECKS_FIELDS = {"timeout_seconds": "timeout"}


@dataclass(frozen=True)
class FixesConfig:
    """Which catalog fixes run: ``select`` None means every safe fix; ``unsafe`` opts in."""

    select: tuple[str, ...] | None = None
    unsafe: tuple[str, ...] = ()


@dataclass(frozen=True)
class PatchLimits:
    """The limits ``check_patch`` enforces on every patch."""

    allow_workflows: bool = False
    max_bytes: int = MAX_BYTES
    max_files: int = MAX_FILES


@dataclass(frozen=True)
class FixSelection:
    """What to pass the fixer: ``select`` ids (None: every safe fix) and the unsafe opt-in."""

    select: tuple[str, ...] | None
    unsafe: bool


@dataclass(frozen=True)
class RepoConfig:
    """A repository's configuration, every key filled in (defaults for what the file omits)."""

    version: int = 1
    mode: Mode = Mode.AUTO
    thresholds: Thresholds = field(default_factory=Thresholds)
    fixes: FixesConfig = field(default_factory=FixesConfig)
    validation: Checks = field(default_factory=Checks)
    patches: PatchLimits = field(default_factory=PatchLimits)
    autofix: AutofixPolicy = field(default_factory=AutofixPolicy)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)

    def to_dict(self) -> dict[str, Any]:
        """The effective configuration in the file's own shape (``autopilot config show``)."""
        checks = dataclasses.asdict(self.validation)
        checks["timeout_seconds"] = checks.pop("timeout")
        select = self.fixes.select
        return {
            "version": self.version,
            "mode": str(self.mode),
            "scoring": {
                "auto_merge_threshold": self.thresholds.auto_merge,
                "pr_threshold": self.thresholds.pull_request,
            },
            "fixes": {
                "select": None if select is None else list(select),
                "unsafe": list(self.fixes.unsafe),
            },
            "validation": checks,
            "patches": dataclasses.asdict(self.patches),
            "autofix": _autofix_dict(self.autofix),
            "schedule": dataclasses.asdict(self.schedule),
        }


@functools.cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema (Draft 2020-12) shipped in ``bot/config``, also for editors."""
    text = resources.files("bot.config").joinpath(name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema() -> dict[str, Any]:
    """The JSON Schema of ``.github/autopilot.yml``."""
    return packaged_schema(SCHEMA_FILE)


def parse_repo_config(source: str | bytes, *, file: str = CONFIG_PATH) -> RepoConfig:
    """Parse the file's content (no disk). An empty file gives the defaults; anything wrong
    raises ``ConfigError`` listing every problem with its key path, line and column."""
    try:
        root = compose(decode(source))
    except FatalProblem as exc:
        raise ConfigError([exc.problem], file=file) from None
    if root is None:
        return RepoConfig()
    problems: list[ConfigProblem] = []
    data = to_data(root, problems)
    problems += schema_problems(data, root)
    if isinstance(data, dict):
        checked = {p.path.split(".")[0].split("[")[0] for p in problems}
        problems += _meaning_problems(data, root, skip=checked)
    if problems:
        ordered = sorted(set(problems), key=lambda p: (p.line, p.column, p.path, p.message))
        raise ConfigError(ordered, file=file)
    return _build(data)


def load_repo_config(path: Path, *, file: str | None = None, missing_ok: bool = True) -> RepoConfig:
    """Read and parse ``path`` (only its first 256 KiB and a byte are ever read). A missing
    file gives the defaults when ``missing_ok``; an unreadable one is an ``InputError``."""
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        if missing_ok:
            return RepoConfig()
        raise InputError(f"cannot read {path}: no such file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_repo_config(content, file=str(path) if file is None else file)


def checks_from_config(config: RepoConfig) -> Checks:
    """The validation runner's checks (``validate_tree(tree, changed, checks)``)."""
    return config.validation


def fix_selection(config: RepoConfig) -> FixSelection:
    """The fixer's selection: the selected safe fixes (all by default) plus the unsafe ones
    the repository opted into, in catalog order."""
    fixes = config.fixes
    if not fixes.unsafe:
        return FixSelection(fixes.select, unsafe=False)
    chosen = set(fixes.unsafe) | set(
        fixes.select if fixes.select is not None else (e.id for e in CATALOG if e.safe)
    )
    return FixSelection(tuple(e.id for e in CATALOG if e.id in chosen), unsafe=True)


def _hint(word: object, choices: Sequence[str], *, list_all: bool = True) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (known: {', '.join(choices)})" if list_all else ""


def _shown(value: object) -> str:
    text = json.dumps(value) if isinstance(value, (bool, int, float, str)) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _described(value: object) -> str:
    words = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}  # fmt: skip
    kind = words.get(type(value), f"a {type(value).__name__}")
    return kind if isinstance(value, (dict, list, type(None))) else f"{kind} ({_shown(value)})"


def _message(error: ValidationError) -> str:
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        if "object" in wanted:  # an empty section reads as null and is fine; say the main thing
            wanted.remove("null")
        return f"expected {' or '.join(_TYPE_WORDS[t] for t in wanted)}, got {_described(value)}"
    if keyword == "enum":
        hint = _hint(value, expected, list_all=False) if isinstance(value, str) else ""
        return f"must be one of {', '.join(map(str, expected))}, got {_shown(value)}{hint}"
    bounds = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than"}
    if keyword in bounds:
        return f"must be {bounds[str(keyword)]} {expected}, got {_shown(value)}"
    if keyword == "const":
        return f"must be {_shown(expected)}, got {_shown(value)}"
    if keyword == "minLength":
        return "must not be empty (use null to leave it unset)"
    if keyword == "uniqueItems":
        return "lists the same item more than once"
    if keyword == "oneOf":  # a choice of shapes, each naming its required key
        keys = [k for option in expected for k in option.get("required", ())]
        return f"needs exactly one of {', '.join(keys)}"
    if keyword in ("minProperties", "maxProperties") and isinstance(value, dict):
        return f"needs exactly one of {', '.join(error.schema.get('properties', {}))}"
    return str(error.message)


def schema_problems(
    data: Any, root: Node, against: dict[str, Any] | None = None
) -> list[ConfigProblem]:
    problems = []
    for error in Draft202012Validator(against or schema()).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = sorted(error.schema.get("properties", {}))
            for key in (k for k in error.instance if k not in known):
                _, key_node = node_at(root, (*path, key))
                message = f"unknown key {key!r}{_hint(key, known)}"
                problems.append(problem_at(key_node, (*path, key), message))
        else:
            problems.append(problem_at(node_at(root, path)[0], path, _message(error)))
    return problems


def _meaning_problems(data: dict[str, Any], root: Node, *, skip: set[str]) -> list[ConfigProblem]:
    """What the schema cannot say: the threshold order and the fix ids in the catalog
    (sections in ``skip`` already have problems of their own)."""
    problems = []
    scoring = {} if "scoring" in skip else data.get("scoring") or {}
    try:
        _thresholds(scoring)
    except UsageError as exc:
        key = "pr_threshold" if "pr_threshold" in scoring else "auto_merge_threshold"
        path: tuple[str | int, ...] = ("scoring", key)
        problems.append(problem_at(node_at(root, path)[0], path, str(exc)))
    fixes = {} if "fixes" in skip else data.get("fixes") or {}
    known = [entry.id for entry in CATALOG]
    for section in ("select", "unsafe"):
        for index, fix_id in enumerate(fixes.get(section) or ()):
            if fix_id not in known:
                message = f"unknown fix id {fix_id!r}{_hint(fix_id, known, list_all=False)}"
            elif section == "select" and not by_id(fix_id).safe:
                message = f"{fix_id!r} is an unsafe fix: list it under fixes.unsafe to opt in"
            elif section == "unsafe" and by_id(fix_id).safe:
                message = f"{fix_id!r} is a safe fix: it belongs under fixes.select"
            else:
                continue
            path = ("fixes", section, index)
            problems.append(problem_at(node_at(root, path)[0], path, message))
    return problems


def _thresholds(scoring: dict[str, Any]) -> Thresholds:
    default = Thresholds()
    return Thresholds(
        auto_merge=scoring.get("auto_merge_threshold", default.auto_merge),
        pull_request=scoring.get("pr_threshold", default.pull_request),
    )


def _autofix_dict(policy: AutofixPolicy) -> dict[str, Any]:
    checks = dataclasses.asdict(policy.checks)
    return {
        "enabled": policy.enabled,
        "ship": str(policy.ship),
        "max_bot_commits": policy.max_bot_commits,
        "push_to_forks": policy.push_to_forks,
        "merge_method": policy.merge_method,
        "checks": {k: None if v is None else list(v) for k, v in checks.items()},
    }


def _autofix(data: dict[str, Any]) -> AutofixPolicy:
    default = AutofixPolicy()
    checks = data.get("checks") or {}
    names = {k: None if checks.get(k) is None else tuple(checks[k]) for k in checks}
    return AutofixPolicy(
        enabled=data.get("enabled", default.enabled),
        ship=ShipMode(data.get("ship", default.ship)),
        max_bot_commits=int(data.get("max_bot_commits", default.max_bot_commits)),
        push_to_forks=data.get("push_to_forks", default.push_to_forks),
        merge_method=data.get("merge_method", default.merge_method),
        checks=MergeChecks(**names),
    )


def _build(data: Any) -> RepoConfig:
    if not isinstance(data, dict):  # an empty document: a bare scalar is refused by the schema
        return RepoConfig()
    fixes = data.get("fixes") or {}
    select = fixes.get("select")
    validation = {_CHECKS_FIELDS.get(k, k): v for k, v in (data.get("validation") or {}).items()}
    if "timeout" in validation:
        validation["timeout"] = float(validation["timeout"])
    patches = data.get("patches") or {}
    limits = PatchLimits()
    return RepoConfig(
        version=data.get("version", 1),
        mode=Mode(data.get("mode", "auto")),
        thresholds=_thresholds(data.get("scoring") or {}),
        fixes=FixesConfig(
            select=None if select is None else tuple(select),
            unsafe=tuple(fixes.get("unsafe") or ()),
        ),
        validation=dataclasses.replace(Checks(), **validation),
        patches=PatchLimits(
            allow_workflows=patches.get("allow_workflows", limits.allow_workflows),
            max_bytes=int(patches.get("max_bytes", limits.max_bytes)),
            max_files=int(patches.get("max_files", limits.max_files)),
        ),
        autofix=_autofix(data.get("autofix") or {}),
        schedule=ScheduleConfig(**(data.get("schedule") or {})),
    )
