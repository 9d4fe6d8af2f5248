"""The code at a commit, without a clone: the tarball of the SHA, extracted with every guard.

GitHub's tarball has one top folder (``owner-name-sha7/``) that is dropped. Extraction
refuses the whole archive on an absolute path, a ``..`` component, a link leaving the tree
or a cap exceeded, with the reason; links inside the tree and special files are skipped
(the fixers never follow links). Only regular files and folders are written, never with
more than ``0o755``/``0o644`` permissions.
"""

from __future__ import annotations

import asyncio
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from bot.errors import AutopilotError
from bot.github.client import GitHubClient

MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_FILES = 20_000
MAX_TREE_BYTES = 300 * 1024 * 1024
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Archives stay in memory up to this size, then spill to a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024


class SourceRefused(AutopilotError):
    """The code could not be read safely; the message says why, for the user."""


@dataclass(frozen=True)
class SourceLimits:
    """Caps on what one archive may hold."""

    max_archive_bytes: int = MAX_ARCHIVE_BYTES
    max_files: int = MAX_FILES
    max_tree_bytes: int = MAX_TREE_BYTES
    max_file_bytes: int = MAX_FILE_BYTES


@dataclass(frozen=True)
class SourceTree:
    """An extracted tree: where, how many files and bytes, which files are executable,
    and what was skipped (path and reason)."""

    root: Path
    files: int
    size: int
    executable: frozenset[str] = frozenset()
    skipped: tuple[tuple[str, str], ...] = field(default=())


def _member_path(name: str) -> PurePosixPath | None:
    """The member's path below the archive's top folder; None for the top folder itself."""
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise SourceRefused(f"the archive holds an absolute path: {name}")
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        raise SourceRefused(f"the archive holds a path leaving the tree: {name}")
    rest = [p for p in parts[1:] if p not in ("", ".")]
    return PurePosixPath(*rest) if rest else None


def _link_leaves(path: PurePosixPath, target: str) -> bool:
    if target.startswith("/"):
        return True
    depth = len(path.parts) - 1
    for part in PurePosixPath(target).parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return True
    return False


def _extract_member(
    tar: tarfile.TarFile,
    member: tarfile.TarInfo,
    dest: Path,
    limits: SourceLimits,
    skipped: list[tuple[str, str]],
) -> tuple[int, str | None] | None:
    """Write one member; ``(size, path if executable)`` for a file, None for anything else."""
    path = _member_path(member.name)
    if path is None:
        return None
    rel = path.as_posix()
    if member.issym() and _link_leaves(path, member.linkname):
        raise SourceRefused(
            f"the archive holds a link leaving the tree: {rel} -> {member.linkname}"
        )
    if member.islnk():
        _member_path(member.linkname)  # a hard link names a member of the archive
    if member.issym() or member.islnk():
        skipped.append((rel, "a link: links are not fixed"))
        return None
    if member.isdir():
        (dest / path).mkdir(parents=True, exist_ok=True, mode=0o755)
        return None
    if not member.isfile():
        skipped.append((rel, "not a regular file"))
        return None
    if member.size > limits.max_file_bytes:
        skipped.append((rel, f"larger than {limits.max_file_bytes // 2**20} MB"))
        return (member.size, None)
    target = dest / path
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(member)
    if source is None:
        skipped.append((rel, "no content"))
        return None
    with source, open(target, "xb") as out:
        while chunk := source.read(1024 * 1024):
            out.write(chunk)
    executable = bool(member.mode & 0o111)
    os.chmod(target, 0o755 if executable else 0o644)
    return (member.size, rel if executable else None)


def extract_tarball(
    archive: IO[bytes], dest: Path, limits: SourceLimits = SourceLimits()
) -> SourceTree:
    """Extract a GitHub tarball into ``dest`` (an empty folder); ``SourceRefused`` on danger."""
    files = size = 0
    executable: set[str] = set()
    skipped: list[tuple[str, str]] = []
    try:
        with tarfile.open(fileobj=archive, mode="r|*") as tar:
            for member in tar:
                added = _extract_member(tar, member, dest, limits, skipped)
                if added is None:
                    continue
                files += 1
                size += added[0]
                if files > limits.max_files:
                    raise SourceRefused(f"the tree has more than {limits.max_files} files")
                if size > limits.max_tree_bytes:
                    raise SourceRefused(
                        f"the tree is larger than {limits.max_tree_bytes // 2**20} MB"
                    )
                if added[1] is not None:
                    executable.add(added[1])
    except FileExistsError as exc:
        raise SourceRefused(f"the archive holds a path twice: {exc.filename}") from exc
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise SourceRefused(f"the archive cannot be read: {exc}") from exc
    return SourceTree(dest, files, size, frozenset(executable), tuple(skipped))


async def read_commit(
    gh: GitHubClient, repo: str, sha: str, dest: Path, limits: SourceLimits = SourceLimits()
) -> SourceTree:
    """Download the tarball of ``sha`` and extract it into ``dest``."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        download = await gh.download(
            f"/repos/{repo}/tarball/{sha}", spool, max_bytes=limits.max_archive_bytes
        )
        if download.truncated:
            raise SourceRefused(
                f"the archive of {sha[:7]} is larger than {limits.max_archive_bytes // 2**20} MB"
            )
        spool.seek(0)
        return await asyncio.to_thread(extract_tarball, spool, dest, limits)
