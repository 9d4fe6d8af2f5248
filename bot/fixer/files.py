"""Choose the files a fix run may touch: inside PATH, not ignored, not symlinks, not binary."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from bot.core.fixes.catalog import FixEntry
from bot.core.fixes.guards import READS_SOURCE, TEST_DIRS, is_test_module, reads_source
from bot.fixer.report import Skipped
from bot.process import quiet_env

if TYPE_CHECKING:
    import pathspec

#: Never descend into these (tool caches, environments, build output, VCS data).
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "build", "dist",
     "site-packages", "__pypackages__", ".eggs", ".mypy_cache", ".pytest_cache", ".ruff_cache",
     "__pycache__", "_build", "buck-out"}
)  # fmt: skip
#: Test inputs that must stay byte for byte as they are (a test may compare them).
DATA_DIRS = frozenset({"testdata", "test_data", "fixtures", "snapshots", "__snapshots__"})
#: Non-Python text under these may be a test's expected output: text fixers leave it alone.
TEXT_DATA_DIRS = DATA_DIRS | TEST_DIRS | {"data"}
#: Below a test folder, Python files in these folders are inputs or expected outputs.
TEST_INPUT_DIRS = frozenset({"data", "input", "inputs", "expected", "output", "outputs"})
_TEST_INPUT_ENDS = ("_data", "_files", "_inputs", "_samples")
#: (mtime in ns, size, inode) of one file.
Stamp = tuple[int, int, int]


class Listing(NamedTuple):
    """The files under a root, and those among them that are no regular files (symlinks,
    FIFOs...) when the listing knows it (a walk); None: unknown (git)."""

    names: list[str]
    irregular: frozenset[str] | None = None


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files under root, or None outside a git tree."""
    folders = (root, *root.parents)
    if "GIT_DIR" not in os.environ and not any(os.path.lexists(f / ".git") for f in folders):
        return None  # git would find no repository: spare the subprocess
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root, capture_output=True, timeout=60, env=quiet_env(), check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _walk_files(root: Path) -> Listing:
    """Files under root honouring every .gitignore on the way (no git repository).

    Top-down, each folder's files (sorted) before its subfolders (sorted); symlinked
    folders are neither listed nor entered, as ``os.walk`` without ``followlinks``.
    """
    found: list[str] = []
    irregular: set[str] = set()
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []

    def ignored(rel: str, is_dir: bool) -> bool:
        tail = "/" if is_dir else ""
        return any(
            rel.startswith(start) and spec.match_file(rel[len(start) :] + tail)
            for start, spec in specs
        )

    def visit(folder: str, prefix: str) -> None:
        dirs: list[str] = []
        files: list[str] = []
        try:
            with os.scandir(folder) as scan:
                for entry in scan:
                    try:
                        is_dir = entry.is_dir()
                        regular = is_dir or entry.is_file(follow_symlinks=False)
                    except OSError:
                        is_dir = regular = False
                    if not is_dir:
                        files.append(entry.name)
                        if not regular:  # the scan's file type: no lstat later
                            irregular.add(prefix + entry.name)
                    elif entry.name not in SKIP_DIRS and not entry.is_symlink():
                        dirs.append(entry.name)
        except OSError:
            return
        if ".gitignore" in files and not os.path.islink(folder + "/.gitignore"):
            import pathspec  # only trees with .gitignore files outside git pay for it

            with open(folder + "/.gitignore", encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
            specs.append((prefix, pathspec.GitIgnoreSpec.from_lines(lines)))
        if specs:
            dirs = [d for d in dirs if not ignored(prefix + d, True)]
            files = [f for f in files if not ignored(prefix + f, False)]
        found.extend(prefix + name for name in sorted(files))
        for name in sorted(dirs):
            visit(folder + "/" + name, prefix + name + "/")

    visit(str(root), "")
    return Listing(found, frozenset(irregular))


def _inside(root: str, rel: str) -> bool:
    """A regular file, not a symlink (git and the walk never enter symlinked folders)."""
    try:
        return stat.S_ISREG(os.lstat(root + rel).st_mode)
    except OSError:
        return False


def _folder_wanted(folder: str, python: bool, code_folders: set[str]) -> bool:
    """Whether files of one kind (Python or not) in ``folder`` may be changed."""
    parts = folder.split("/") if folder else []
    if any(part in SKIP_DIRS or part in DATA_DIRS for part in parts):
        return False
    if python:
        return not _is_input_folder(parts, code_folders)
    return not any(part in TEXT_DATA_DIRS for part in parts)


def _code_folders(names: Iterable[str]) -> set[str]:
    """Folders holding a package ``__init__.py``, a ``conftest.py`` or a test module."""
    found: set[str] = set()
    for rel in names:
        folder, _, name = rel.rpartition("/")
        if name == "__init__.py" or is_test_module(name):
            found.add(folder)
    return found


def is_test_input(rel: str, code_folders: set[str]) -> bool:
    """True for a Python file below a test folder that tests read rather than import.

    That is one in a folder named like test inputs (``data``, ``*_files``...), or one in a
    folder that is no package and holds no tests (sample files such as
    ``tests/examplefiles/x.py``), so rewriting it changes what the tests compare.
    """
    return _is_input_folder(rel.split("/")[:-1], code_folders)


def _is_input_folder(parts: list[str], code_folders: set[str]) -> bool:
    top = next((i for i, part in enumerate(parts) if part in TEST_DIRS), None)
    if top is None or top == len(parts) - 1:
        return False
    below = parts[top + 1 :]
    if any(p in TEST_INPUT_DIRS or p.endswith(_TEST_INPUT_ENDS) for p in below):
        return True
    return "/".join(parts) not in code_folders


def list_tree(root: Path) -> Listing:
    """Every file under ``root`` (relative, POSIX) that git, or the .gitignore files, keep."""
    listed = _git_files(root)
    return Listing(listed) if listed is not None else _walk_files(root)


def candidate_files(root: Path, entries: Iterable[FixEntry], listing: Listing) -> list[str]:
    """Files of ``listing`` under ``root`` that the chosen entries may change."""
    suffixes = frozenset().union(*(entry.suffixes for entry in entries))
    if ".py" in suffixes:
        suffixes |= {".pyi"}
    base, ends = os.path.join(root, ""), tuple(suffixes)
    code = _code_folders(listing.names)
    folders: dict[tuple[str, bool], bool] = {}  # decided once per folder and kind
    found: list[str] = []
    for rel in listing.names:
        if not rel.endswith(ends):
            continue
        suffix = os.path.splitext(rel)[1]
        if suffix not in suffixes:
            continue
        key = (rel.rpartition("/")[0], suffix in {".py", ".pyi"})
        wanted = folders.get(key)
        if wanted is None:
            wanted = folders[key] = _folder_wanted(*key, code)
        if wanted and (
            _inside(base, rel) if listing.irregular is None else rel not in listing.irregular
        ):
            found.append(rel)
    return found


def _read(path: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its status, from one open file (no pathlib on the hot path)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        status = os.fstat(fd)
        data = os.read(fd, status.st_size + 1)
        if len(data) != status.st_size:  # changed size since fstat, or a short read
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
    finally:
        os.close(fd)
    return data, status


def _decode(data: bytes) -> str | None:
    """UTF-8 text, or None for binaries (a NUL byte) and other encodings."""
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_texts(root: Path, names: Iterable[str]) -> dict[str, str]:
    """Text of each file, skipping binaries (a NUL byte) and files that are not UTF-8."""
    base = os.path.join(root, "")
    texts: dict[str, str] = {}
    for rel in names:
        text = _decode(_read(base + rel)[0])
        if text is not None:
            texts[rel] = text
    return texts


def load_texts(
    root: Path, names: Iterable[str]
) -> tuple[dict[str, str], list[Skipped], dict[str, Stamp]]:
    """Text of each file the fixer may rewrite, the files it leaves alone with why, and the
    status of each file read (taken as it was read: the first snapshot needs no stat pass)."""
    base = os.path.join(root, "")
    texts: dict[str, str] = {}
    skipped: list[Skipped] = []
    stamps: dict[str, Stamp] = {}
    for rel in names:
        data, status = _read(base + rel)
        text = _decode(data)
        if text is None:
            skipped.append(Skipped(rel, "binary or not UTF-8 text"))
        elif not status.st_mode & 0o222:
            skipped.append(Skipped(rel, "read-only file"))
        elif reads_source(rel, text):
            skipped.append(Skipped(rel, READS_SOURCE))
        else:
            texts[rel] = text
            stamps[rel] = (status.st_mtime_ns, status.st_size, status.st_ino)
    return texts, skipped, stamps


def write_texts(root: Path, texts: Iterator[tuple[str, str]] | dict[str, str]) -> None:
    """Write each text back byte for byte (no newline translation)."""
    items = texts.items() if isinstance(texts, dict) else texts
    base = os.path.join(root, "")
    for rel, text in items:
        # As ``Path.write_bytes`` opens the file, without pathlib on the hot path.
        fd = os.open(base + rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data) :]
        finally:
            os.close(fd)
