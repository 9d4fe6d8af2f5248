"""Pinned tools for the corpora: throwaway virtualenvs made by uv, npm packages, sdists."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from testdata.corpora.project import Project
from testdata.corpora.runner import BIN

#: Marks a tool folder whose installation finished, so a later run reuses it.
COMPLETE = ".complete"


def fresh_venv(where: Path, pins: Sequence[str], *, python: str = sys.executable) -> Path:
    """A new virtualenv with ``pins`` installed by uv (from its cache when warm)."""
    uv = str(BIN / "uv")
    subprocess.run([uv, "venv", "-q", "--python", python, str(where)], check=True)
    install = [uv, "pip", "install", "-q", "--python", str(where / "bin" / "python")]
    subprocess.run([*install, *pins], check=True)
    return where


def pinned_venv(where: Path, pins: Sequence[str], *, python: str = "3.11") -> Path:
    """A virtualenv with ``pins``, made once and reused by later runs."""
    if not (where / COMPLETE).exists():
        uv = str(BIN / "uv")
        argv = [uv, "venv", "-q", "--clear", "--python", python, str(where)]
        subprocess.run(argv, check=True)
        install = [uv, "pip", "install", "-q", "--python", str(where / "bin" / "python")]
        subprocess.run([*install, *pins], check=True)
        (where / COMPLETE).write_text("\n".join(pins))
    return where


def node_modules(where: Path, pins: Sequence[str]) -> Path:
    """npm packages at exact versions, installed once into ``where/node_modules``."""
    if not (where / COMPLETE).exists():
        where.mkdir(parents=True, exist_ok=True)
        (where / "package.json").write_text('{"private": true}\n')
        argv = ["npm", "install", "--no-audit", "--no-fund", "--save-exact", *pins]
        subprocess.run(argv, cwd=where, check=True, stdout=subprocess.DEVNULL)
        (where / COMPLETE).write_text("\n".join(pins))
    return where / "node_modules"


def link(venv: Path, targets: Mapping[str, Path]) -> None:
    """Put commands installed elsewhere (npm, Debian packages) into the venv's ``bin``."""
    for name, target in targets.items():
        (venv / "bin" / name).unlink(missing_ok=True)
        (venv / "bin" / name).symlink_to(target)


def sdists(cache: Path, projects: Mapping[str, Project]) -> dict[str, Path]:
    """Download each pinned sdist once (PyPI through pip) and return the archives."""
    cache.mkdir(parents=True, exist_ok=True)
    found: dict[str, Path] = {}
    for key, project in projects.items():
        archive = cache / project.archive
        if not archive.exists():
            pin = f"{project.dist}=={project.version}"
            argv = [str(BIN / "pip"), "download", "-q", "--no-deps", "--no-binary", ":all:"]
            subprocess.run([*argv, "-d", str(cache), pin], check=True)
        found[key] = archive
    return found
