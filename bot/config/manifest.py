"""The App manifest (``app-manifest.yml``): what the App asks GitHub for, read and checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.errors import UsageError

MANIFEST_NAME = "app-manifest.yml"
#: The project's own copy, next to the ``bot`` package in a checkout or editable install.
PROJECT_MANIFEST = Path(__file__).resolve().parents[2] / MANIFEST_NAME


@dataclass(frozen=True)
class Manifest:
    """The manifest as GitHub's manifest flow takes it, and the parts doctor compares."""

    data: Mapping[str, Any]
    path: Path

    @property
    def permissions(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.data.get("default_permissions") or {}).items()}

    @property
    def events(self) -> list[str]:
        return [str(e) for e in self.data.get("default_events") or []]


def find_manifest(explicit: str | None) -> Path:
    """``explicit``, else ``./app-manifest.yml``, else the project's own copy."""
    if explicit:
        return Path(explicit)
    local = Path(MANIFEST_NAME)
    return local if local.is_file() else PROJECT_MANIFEST


def load_manifest(path: Path) -> Manifest:
    """Read and check a manifest; problems are ``UsageError`` (exit 2)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the App manifest {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path}: an App manifest is a mapping")
    problems = [key for key in ("name", "url", "hook_attributes") if not data.get(key)]
    if problems:
        raise UsageError(f"{path}: missing {', '.join(problems)}")
    if not isinstance(data.get("default_permissions") or {}, dict):
        raise UsageError(f"{path}: default_permissions must map a permission to read or write")
    if not isinstance(data.get("default_events") or [], list):
        raise UsageError(f"{path}: default_events must be a list of event names")
    return Manifest(data, path)
