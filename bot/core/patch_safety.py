"""Check a patch before it is applied or pushed: every refusal names the file and the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

MAX_BYTES = 1_000_000
MAX_FILES = 200
WORKFLOWS = PurePosixPath(".github/workflows")
_HEADER_PATHS = re.compile(r"^(?:rename|copy) (?:from|to) (.+)$", re.MULTILINE)
_SPECIAL_MODE = re.compile(r"^(?:new|old|deleted|new file|deleted file) mode (120000|160000)$|"
                           r"^index \S+ (120000|160000)$", re.MULTILINE)  # fmt: skip
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:|[\\/]{2})")


@dataclass(frozen=True)
class Refusal:
    """Why a patch cannot be applied: the file, a stable code and a sentence for humans."""

    path: str
    code: str
    reason: str

    @property
    def message(self) -> str:
        """The reason, led by the file it is about (once)."""
        return f"{self.path}: {self.reason}" if self.path else self.reason


@dataclass(frozen=True)
class PatchFile:
    """One file a patch changes, with its line counts."""

    path: str
    status: str
    added: int
    removed: int


@dataclass(frozen=True)
class PatchReport:
    """What a patch changes and every reason to refuse it (none: ``ok``)."""

    files: tuple[PatchFile, ...]
    refusals: tuple[Refusal, ...]
    size: int

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(item.path for item in self.files)


def _strip_prefix(path: str) -> str:
    return path[2:] if path.startswith(("a/", "b/")) else path


def _path_refusal(path: str, allow_workflows: bool) -> Refusal | None:
    if path.startswith("/") or _WINDOWS_ABSOLUTE.match(path):
        return Refusal(path, "absolute-path", "absolute paths are not allowed")
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if ".." in parts:
        return Refusal(path, "escapes-repo", "the path leaves the repository")
    if parts and parts[0] == ".git":
        return Refusal(path, "escapes-repo", "git's own files (.git/) are not part of the tree")
    lowered = PurePosixPath(*parts[:2]).as_posix().lower() if len(parts) > 2 else ""
    if lowered == WORKFLOWS.as_posix() and not allow_workflows:
        return Refusal(
            path,
            "workflow",
            "changes to .github/workflows/ need --allow-workflows "
            "(or `patches: {allow_workflows: true}` in .github/autopilot.yml)",
        )
    return None


def _status(item: object) -> str:
    for attr, name in (("is_added_file", "added"), ("is_removed_file", "deleted")):
        if getattr(item, attr, False):
            return name
    return "renamed" if getattr(item, "is_rename", False) else "modified"


def check_patch(
    diff_text: str,
    *,
    allow_workflows: bool = False,
    max_bytes: int = MAX_BYTES,
    max_files: int = MAX_FILES,
) -> PatchReport:
    """Parse a unified (git) diff and list every reason not to apply it."""
    size = len(diff_text.encode("utf-8", "surrogateescape"))
    if size > max_bytes:
        reason = f"the patch is {size} bytes; the limit is {max_bytes}"
        return PatchReport((), (Refusal("", "too-large", reason),), size)
    try:
        patch = PatchSet(diff_text)
    except (UnidiffParseError, ValueError, IndexError) as exc:
        return PatchReport((), (Refusal("", "unparseable", f"not a unified diff: {exc}"),), size)
    if diff_text.strip() and not len(patch):
        return PatchReport((), (Refusal("", "unparseable", "no file changes found"),), size)
    refusals: list[Refusal] = []
    files: list[PatchFile] = []
    if len(patch) > max_files:
        reason = f"the patch changes {len(patch)} files; the limit is {max_files}"
        refusals.append(Refusal("", "too-large", reason))
    for item in patch:
        info = str(item.patch_info)
        path = _strip_prefix(
            item.target_file if item.is_removed_file is False else item.source_file
        )
        if path == "/dev/null":
            path = _strip_prefix(item.source_file)
        files.append(PatchFile(path, _status(item), item.added, item.removed))
        names = {_strip_prefix(item.source_file), _strip_prefix(item.target_file)}
        names |= set(_HEADER_PATHS.findall(info))
        for name in sorted(names - {"/dev/null", "dev/null"}):
            if (refusal := _path_refusal(name, allow_workflows)) is not None:
                refusals.append(refusal)
        if item.is_symlink or item.is_submodule or _SPECIAL_MODE.search(info):
            what = "a submodule" if item.is_submodule or "160000" in info else "a symlink"
            refusals.append(Refusal(path, "symlink", f"the patch changes {what}"))
        if "Binary files " in info or "GIT binary patch" in info or _is_binary(item):
            refusals.append(Refusal(path, "binary", "binary changes are not allowed"))
    return PatchReport(tuple(files), tuple(dict.fromkeys(refusals)), size)


def _is_binary(item: object) -> bool:
    return bool(getattr(item, "is_binary_file", False))
