"""Read the repository's own tooling settings (ruff, black, isort, pre-commit...) for a fix run.

The decisions are pure (``bot/core/fixes/style.py``); this edge only finds and reads files.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

from bot.core.fixes.guards import lower_bound
from bot.core.fixes.ruff import RepoStyle
from bot.core.fixes.style import CONFIG_FILES, Conventions, detect

_SETUP_PY = re.compile(r"python_requires\s*=\s*(?:[\"']([^\"']+)[\"']|([A-Za-z_]\w*))")
_TARGET = re.compile(r"py(\d)(\d+)")

_RUFF_FILES = (".ruff.toml", "ruff.toml")


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def find_ruff_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The nearest ruff settings at or above ``start``: (file, its ruff table)."""
    for folder in (start, *start.parents):
        for name in _RUFF_FILES:
            if (folder / name).is_file():
                return folder / name, _load(folder / name)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _load(pyproject).get("tool", {})
            if "ruff" in tool:
                return pyproject, dict(tool["ruff"])
    return None, {}


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


def _black_overrides(start: Path) -> tuple[str, ...]:
    """Translate a ``[tool.black]`` table into ruff CLI settings (for repos without ruff)."""
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            black = _load(pyproject).get("tool", {}).get("black")
            if not isinstance(black, dict):
                return ()
            args: list[str] = []
            if isinstance(black.get("line-length"), int):
                args += ["--line-length", str(black["line-length"])]
            if black.get("skip-string-normalization"):
                args += ["--config", "format.quote-style = 'preserve'"]
            if black.get("skip-magic-trailing-comma"):
                args += ["--config", "format.skip-magic-trailing-comma = true"]
            return tuple(args)
    return ()


def _setup_requires_python(folder: Path) -> str | None:
    """``python_requires`` from setup.cfg or setup.py, which ruff does not read."""
    import configparser  # most runs stop at pyproject.toml

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(folder / "setup.cfg", encoding="utf-8")
        value = parser.get("options", "python_requires", fallback=None)
        if value is None and (folder / "setup.py").is_file():
            value = _setup_py_requires((folder / "setup.py").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error):
        return None
    return value


def _setup_py_requires(text: str) -> str | None:
    """``python_requires`` in a setup.py: a string, or a module-level name bound to one."""
    found = _SETUP_PY.search(text)
    if found is None or found[1] is not None:
        return None if found is None else found[1]
    bound = re.search(rf"^{found[2]}\s*=\s*[\"']([^\"']+)[\"']", text, re.MULTILINE)
    return bound[1] if bound else None


def _min_python(start: Path, ruff: dict[str, Any]) -> tuple[tuple[int, int] | None, bool]:
    """(oldest supported Python, whether ruff knows it on its own) for files under start."""
    target = ruff.get("target-version")
    if isinstance(target, str) and (found := _TARGET.fullmatch(target)):
        return (int(found[1]), int(found[2])), True
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        spec = _load(pyproject).get("project", {}).get("requires-python")
        if isinstance(spec, str):
            return lower_bound(spec), True
        spec = _setup_requires_python(folder)
        if spec is not None:
            return lower_bound(spec), False
        if pyproject.is_file() or (folder / "setup.py").is_file() or (folder / ".git").exists():
            break
    return None, True


def read_repo_style(start: Path) -> RepoStyle:
    """The repository style for files under ``start`` (follows ruff's ``extend`` chain)."""
    style = _read_ruff_style(start)
    ruff = find_ruff_config(start)[1]
    oldest, known = _min_python(start, ruff)
    overrides = style.overrides
    if oldest is not None and not known and oldest >= (3, 7):
        overrides += ("--target-version", f"py{oldest[0]}{oldest[1]}")
    return dataclasses.replace(style, min_python=oldest, overrides=overrides)


def resolved_ruff(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The nearest ruff settings file and its table, with its ``extend`` chain merged in."""
    first, table = find_ruff_config(start)
    path = first
    merged: dict[str, Any] = {}
    seen: set[Path] = set()
    while path is not None and path not in seen:
        seen.add(path)
        for key, value in table.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**value, **merged[key]}
            else:
                merged.setdefault(key, value)
        extend = table.get("extend")
        path = (path.parent / extend).resolve() if isinstance(extend, str) else None
        if path is not None:
            raw = _load(path)
            table = raw.get("tool", {}).get("ruff", {}) if path.name == "pyproject.toml" else raw
    return first, merged


def config_texts(start: Path) -> dict[str, str]:
    """The repository's tooling files (nearest first, up to the git root) by name."""
    files: dict[str, str] = {}
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            if name not in files and (folder / name).is_file():
                try:
                    files[name] = (folder / name).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
        if (folder / ".git").exists():
            break
    return files


def read_conventions(start: Path) -> Conventions:
    """What the tooling of the repository holding ``start`` asks for (see ``detect``)."""
    path, merged = resolved_ruff(start)
    return detect(config_texts(start), ruff_table=merged if path is not None else None)


def black_line_length(start: Path) -> tuple[str, ...]:
    """black's line length (its own default, 88, unless ``[tool.black]`` sets one)."""
    found = [arg for arg in _black_overrides(start) if arg != "--line-length"]
    length = next((arg for arg in found if arg.isdigit()), "88")
    return ("--line-length", length)


def _read_ruff_style(start: Path) -> RepoStyle:
    path, merged = resolved_ruff(start)
    if path is None:
        overrides = _black_overrides(start)
        quote = "preserve" if "format.quote-style = 'preserve'" in overrides else None
        return RepoStyle(quote_style=quote, overrides=overrides)
    lint = merged.get("lint", {}) if isinstance(merged.get("lint"), dict) else {}
    fmt = merged.get("format", {}) if isinstance(merged.get("format"), dict) else {}
    ignore = [*_strings(lint.get("ignore", merged.get("ignore")))]
    ignore += _strings(lint.get("extend-ignore", merged.get("extend-ignore")))
    quote = fmt.get("quote-style")
    return RepoStyle(
        ignore=tuple(ignore),
        extend_safe_fixes=_strings(lint.get("extend-safe-fixes")),
        quote_style=quote if isinstance(quote, str) else None,
        lint_quotes_configured="flake8-quotes" in lint or "flake8-quotes" in merged,
    )
