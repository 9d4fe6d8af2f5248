"""A patch as review suggestions: each block of changed lines replaces the lines it removes."""

from __future__ import annotations

from dataclasses import dataclass

from unidiff.patch import PatchSet


@dataclass(frozen=True)
class Suggestion:
    """Replace lines ``start..end`` (1-based, inclusive) of ``path`` with ``lines``."""

    path: str
    start: int
    end: int
    lines: tuple[str, ...]


def suggestions(patch: str) -> list[Suggestion]:
    """One suggestion per block of consecutive removed/added lines of ``patch``.

    Line numbers are the old file's: the pull request's head, which the failed run tested.
    A pure insertion takes the line before it along, since a suggestion replaces lines.
    """
    found: list[Suggestion] = []
    for item in PatchSet(patch):
        path = item.path
        for hunk in item:
            removed: list[int] = []
            added: list[str] = []
            previous: tuple[int, str] | None = None  # the last context line seen
            for line in [*hunk, None]:
                if line is not None and (line.is_removed or line.is_added):
                    if line.is_removed:
                        removed.append(int(line.source_line_no))
                    else:
                        added.append(line.value.rstrip("\r\n"))
                    continue
                if removed or added:
                    following = None
                    if line is not None and line.is_context:
                        following = (int(line.source_line_no), line.value.rstrip("\r\n"))
                    found.append(_block(path, removed, added, previous, following))
                    removed, added = [], []
                if line is not None and line.is_context:
                    previous = (int(line.source_line_no), line.value.rstrip("\r\n"))
    return found


def _block(
    path: str,
    removed: list[int],
    added: list[str],
    previous: tuple[int, str] | None,
    following: tuple[int, str] | None,
) -> Suggestion:
    if removed:
        return Suggestion(path, removed[0], removed[-1], tuple(added))
    if previous is not None:
        return Suggestion(path, previous[0], previous[0], (previous[1], *added))
    if following is not None:  # an insertion at the very top: the line after it comes along
        return Suggestion(path, following[0], following[0], (*added, following[1]))
    return Suggestion(path, 1, 1, tuple(added))  # a new file's content
