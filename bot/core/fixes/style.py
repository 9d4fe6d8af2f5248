"""Which conventions a repository's own tooling sets: linters' rules, formatter, import
sorter, pylint, pre-commit hooks and their reach.

Pure: takes the text of the repository's configuration files (``pyproject.toml``,
``ruff.toml``, ``setup.cfg``, ``tox.ini``, ``.flake8``, ``.isort.cfg``, ``.pylintrc``,
``.pre-commit-config.yaml``) and returns what it found. ``bot/core/fixes/families.py``
decides from it which fix families run.
"""

from __future__ import annotations

import configparser
import enum
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

#: The files read, by name at the repository root.
CONFIG_FILES = (
    "pyproject.toml", "ruff.toml", ".ruff.toml", "setup.cfg", "tox.ini", ".flake8",
    ".isort.cfg", ".pylintrc", "pylintrc", ".pre-commit-config.yaml",
)  # fmt: skip
#: What ``ruff check`` enforces with no configuration (its documented default selection).
RUFF_DEFAULT_SELECT = ("E4", "E7", "E9", "F")
#: flake8's defaults: pycodestyle, pyflakes and mccabe, less its default ignore list.
FLAKE8_SELECT = ("E", "F", "W", "C90")
FLAKE8_IGNORE = ("E121", "E123", "E126", "E226", "E24", "E704", "W503", "W504")
#: pre-commit hooks that do what a catalog family does, by hook id.
_TEXT_WHITESPACE = ("yaml-whitespace", "markdown-whitespace", "toml-whitespace")
_PYUPGRADE = ("pyupgrade-typing", "pyupgrade-syntax", "pyupgrade-aliases", "fstring-conversion")
HOOK_FAMILIES: Mapping[str, tuple[str, ...]] = {
    "trailing-whitespace": ("trailing-whitespace", *_TEXT_WHITESPACE),
    "end-of-file-fixer": ("eof-newline", *_TEXT_WHITESPACE),
    "mixed-line-ending": ("mixed-line-endings",),
    "autoflake": ("unused-imports",),
    "pycln": ("unused-imports",),
    "pyupgrade": _PYUPGRADE,
}
_LINT_HOOKS = {"ruff": "ruff", "ruff-check": "ruff", "flake8": "flake8", "pylint": "pylint"}


class Formatter(enum.StrEnum):
    """The code formatter a repository uses."""

    RUFF = "ruff format"
    BLACK = "black"


@dataclass(frozen=True, kw_only=True)
class Convention:
    """One piece of tooling found: which tool, where it is configured, what it sets."""

    tool: str
    where: str
    detail: str = ""

    def describe(self) -> str:
        return f"{self.tool} ({self.where})" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True, kw_only=True)
class RuleSet:
    """A linter's rule selection: selectors on, selectors off (longest prefix decides)."""

    select: tuple[str, ...]
    ignore: tuple[str, ...] = ()
    unfixable: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        on = _longest(code, self.select)
        off = _longest(code, self.ignore)
        fixable = _longest(code, self.unfixable) is None
        return on is not None and (off is None or on > off) and fixable


def _longest(code: str, selectors: Iterable[str]) -> int | None:
    lengths = [0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)]
    return max(lengths) if lengths else None


@dataclass(frozen=True, kw_only=True)
class PathFilter:
    """A pre-commit hook's reach: ``files`` and ``exclude`` regexes (``re.search`` on the
    path, as pre-commit applies them)."""

    files: str = ""
    exclude: str = "^$"

    def admits(self, path: str) -> bool:
        try:
            return bool(re.search(self.files, path)) and not re.search(self.exclude, path)
        except re.error:
            return False  # a pattern pre-commit would reject: touch nothing it covers


@dataclass(frozen=True, kw_only=True)
class Conventions:
    """What a repository's tooling asks for."""

    found: tuple[Convention, ...]
    #: Linters' rule selections (ruff, flake8), each with the tool's name.
    linters: tuple[tuple[str, RuleSet], ...] = ()
    formatter: Formatter | None = None
    #: "ruff" or "isort" (None: imports are not sorted by any tool).
    import_sorter: str | None = None
    hooks: frozenset[str] = frozenset()
    #: Each hook's reach (its own ``files``/``exclude`` and the configuration's global ones).
    hook_filters: Mapping[str, tuple[PathFilter, ...]] = field(default_factory=dict)
    #: pylint's disabled messages, when pylint is used (None: not used).
    pylint_disabled: tuple[str, ...] | None = None
    #: True when no lint or format configuration was found (ruff's defaults stand in).
    defaults_only: bool = False


def _toml(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _ini(text: str | None) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    if text:
        try:
            parser.read_string(text)
        except configparser.Error:
            return configparser.ConfigParser(interpolation=None)
    return parser


def _codes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, list):
        return ()
    return tuple(str(item).strip().upper() for item in value if str(item).strip())


def ruff_rules(table: Mapping[str, Any]) -> RuleSet:
    """The rule selection of a (merged) ruff settings table."""
    lint = table.get("lint") if isinstance(table.get("lint"), dict) else {}
    assert isinstance(lint, dict)

    def key(name: str) -> object:
        return lint.get(name, table.get(name))

    select = _codes(key("select")) if key("select") is not None else RUFF_DEFAULT_SELECT
    return RuleSet(
        select=(*select, *_codes(key("extend-select"))),
        ignore=(*_codes(key("ignore")), *_codes(key("extend-ignore"))),
        unfixable=_codes(key("unfixable")),
    )


def _flake8_rules(section: configparser.SectionProxy) -> RuleSet:
    select = _codes(section.get("select")) or FLAKE8_SELECT
    ignore = _codes(section.get("ignore")) if section.get("ignore") else FLAKE8_IGNORE
    return RuleSet(
        select=(*select, *_codes(section.get("extend-select", ""))),
        ignore=(*ignore, *_codes(section.get("extend-ignore", ""))),
    )


def _hooks(text: str | None) -> tuple[list[dict[str, Any]], PathFilter]:
    """The hooks of a ``.pre-commit-config.yaml`` (an unreadable file has none), and the
    configuration's global ``files``/``exclude``."""
    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError:
        return [], PathFilter()
    if not isinstance(data, dict):
        return [], PathFilter()
    repos = data.get("repos", [])
    hooks = [
        hook
        for repo in (repos if isinstance(repos, list) else [])
        if isinstance(repo, dict)
        for hook in repo.get("hooks", []) or []
        if isinstance(hook, dict) and isinstance(hook.get("id"), str)
    ]
    return hooks, _filter(data)


def _filter(table: Mapping[str, Any]) -> PathFilter:
    files, exclude = table.get("files", ""), table.get("exclude", "^$")
    return PathFilter(
        files=files if isinstance(files, str) else "",
        exclude=exclude if isinstance(exclude, str) else "^$",
    )


def detect(files: Mapping[str, str], *, ruff_table: Mapping[str, Any] | None = None) -> Conventions:
    """The conventions set by these configuration files (name -> text).

    ``ruff_table``: ruff's settings already resolved (``extend`` followed) by the caller;
    without it the ``[tool.ruff]`` table or ``ruff.toml`` among ``files`` is used.
    """
    found: list[Convention] = []
    linters: list[tuple[str, RuleSet]] = []
    pyproject = _toml(files.get("pyproject.toml"))
    tool = pyproject.get("tool", {}) if isinstance(pyproject.get("tool"), dict) else {}
    hooks, everywhere = _hooks(files.get(".pre-commit-config.yaml"))
    hook_ids = frozenset(hook["id"] for hook in hooks)
    hook_filters: dict[str, tuple[PathFilter, ...]] = {}
    for hook in hooks:
        own = tuple(f for f in (everywhere, _filter(hook)) if f != PathFilter())
        hook_filters[hook["id"]] = hook_filters.get(hook["id"], ()) + own
    ruff_where = next((n for n in ("ruff.toml", ".ruff.toml") if n in files), None)
    if ruff_table is None:
        ruff_table = _toml(files.get(ruff_where)) if ruff_where else tool.get("ruff")
    if ruff_where is None and ruff_table is not None:
        ruff_where = "pyproject.toml [tool.ruff]" if "ruff" in tool else "ruff settings"
    ruff_hook = next((h for h in _LINT_HOOKS if _LINT_HOOKS[h] == "ruff" and h in hook_ids), None)
    if ruff_table is not None or ruff_hook:
        rules = ruff_rules(ruff_table or {})
        where = ruff_where or "ruff settings"
        if ruff_hook:
            where += f"; pre-commit hook {ruff_hook}" if ruff_table is not None else ""
            where = where if ruff_table is not None else f"pre-commit hook {ruff_hook}"
        found.append(Convention(tool="ruff", where=where, detail=_rules_text(rules)))
        linters.append(("ruff", rules))
    ini = {name: _ini(files.get(name)) for name in ("setup.cfg", "tox.ini", ".flake8")}
    flake8 = next(
        (n for n in (".flake8", "setup.cfg", "tox.ini") if ini[n].has_section("flake8")), None
    )
    if flake8 is not None or "flake8" in hook_ids:
        section = ini[flake8]["flake8"] if flake8 else _ini("[flake8]\n")["flake8"]
        rules = _flake8_rules(section)
        where = f"{flake8} [flake8]" if flake8 else "pre-commit hook flake8"
        found.append(Convention(tool="flake8", where=where, detail=_rules_text(rules)))
        linters.append(("flake8", rules))
    formatter, where = _formatter(tool, ruff_table or {}, hook_ids, bool(ruff_table))
    if formatter is not None:
        found.append(Convention(tool=formatter.value, where=where))
    sorter = _import_sorter(tool, files, ini, hook_ids, linters)
    if sorter is not None and sorter[0] != "ruff":  # ruff's own line already shows its rules
        found.append(Convention(tool=sorter[0], where=sorter[1], detail="import sorting"))
    pylint = _pylint(tool, files, hook_ids)
    if pylint is not None:
        found.append(Convention(tool="pylint", where=pylint[0]))
    for hook in sorted(hook_ids & HOOK_FAMILIES.keys()):
        found.append(Convention(tool=f"pre-commit hook {hook}", where=".pre-commit-config.yaml"))
    defaults = not linters and formatter is None and sorter is None and not found
    if defaults:
        rules = RuleSet(select=RUFF_DEFAULT_SELECT)
        found.append(
            Convention(
                tool="ruff (its defaults)",
                where="no lint or format configuration found",
                detail=_rules_text(rules),
            )
        )
        linters.append(("ruff's defaults", rules))
    return Conventions(
        found=tuple(found),
        linters=tuple(linters),
        formatter=formatter,
        import_sorter=None if sorter is None else sorter[0],
        hooks=hook_ids,
        hook_filters=hook_filters,
        pylint_disabled=None if pylint is None else pylint[1],
        defaults_only=defaults,
    )


def _rules_text(rules: RuleSet) -> str:
    text = "select " + ", ".join(rules.select)
    return text + (f"; ignore {', '.join(rules.ignore)}" if rules.ignore else "")


def _formatter(
    tool: Mapping[str, Any], ruff: Mapping[str, Any], hooks: frozenset[str], has_ruff: bool
) -> tuple[Formatter | None, str]:
    if "ruff-format" in hooks:
        return Formatter.RUFF, "pre-commit hook ruff-format"
    if "black" in hooks or "black-jupyter" in hooks:
        return Formatter.BLACK, "pre-commit hook black"
    if isinstance(tool.get("black"), dict):
        return Formatter.BLACK, "pyproject.toml [tool.black]"
    if has_ruff and isinstance(ruff.get("format"), dict):
        return Formatter.RUFF, "ruff settings [format]"
    return None, ""


def _import_sorter(
    tool: Mapping[str, Any],
    files: Mapping[str, str],
    ini: Mapping[str, configparser.ConfigParser],
    hooks: frozenset[str],
    linters: Sequence[tuple[str, RuleSet]],
) -> tuple[str, str] | None:
    if any(name == "ruff" and rules.enabled("I001") for name, rules in linters):
        return "ruff", "ruff rule I001 selected"
    if "isort" in hooks:
        return "isort", "pre-commit hook isort"
    if isinstance(tool.get("isort"), dict):
        return "isort", "pyproject.toml [tool.isort]"
    if ".isort.cfg" in files:
        return "isort", ".isort.cfg"
    for name in ("setup.cfg", "tox.ini"):
        if ini[name].has_section("isort") or ini[name].has_section("tool:isort"):
            return "isort", f"{name} [isort]"
    return None


def _pylint(
    tool: Mapping[str, Any], files: Mapping[str, str], hooks: frozenset[str]
) -> tuple[str, tuple[str, ...]] | None:
    for name in (".pylintrc", "pylintrc"):
        if name in files:
            parser = _ini(files[name])
            disabled = parser.get("MESSAGES CONTROL", "disable", fallback="")
            return name, _codes(disabled)
    table = tool.get("pylint")
    if isinstance(table, dict):
        control = table.get("messages_control", {})
        disabled = control.get("disable", []) if isinstance(control, dict) else []
        return "pyproject.toml [tool.pylint]", _codes(disabled)
    if "pylint" in hooks:
        return "pre-commit hook pylint", ()
    return None
