"""What a corpus is (its cases, its folder, how one case is built) and how it is regenerated."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from testdata.corpora.project import Project
from testdata.corpora.runner import ROOT, Built, write_case
from testdata.corpora.toolsets import sdists

#: Where the corpora's logs live; each corpus has a folder below it (the toy corpus: itself).
TRIAGE = ROOT / "testdata" / "triage"


class NamedCase(Protocol):
    """What every corpus's case has: a name and a description."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...


#: The pinned sdists a run downloaded, by project key.
Archives = Mapping[str, Path]


@dataclass(frozen=True)
class Corpus:
    """One corpus: its cases, the folder its logs go to, and how one case is built."""

    name: str
    doc: str | None
    folder: str
    cases: Sequence[Any]
    build: Callable[[Any, Archives], Built]
    #: The pinned sdists its cases unpack, by the key a case names as its ``project``.
    projects: Mapping[str, Project] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return (self.doc or self.name).strip().splitlines()[0]

    @property
    def out(self) -> Path:
        return TRIAGE / self.folder if self.folder else TRIAGE

    def generate(self, out: Path, cache: Path, only: str | None = None) -> int:
        """Rebuild the cases whose name contains ``only`` (all without it) into ``out``."""
        chosen: list[NamedCase] = [c for c in self.cases if not only or only in c.name]
        keys = {getattr(case, "project", None) for case in chosen if self.projects}
        used = sorted(key for key in keys if isinstance(key, str) and key in self.projects)
        archives = sdists(cache, {key: self.projects[key] for key in used})
        out.mkdir(parents=True, exist_ok=True)
        for case in chosen:
            write_case(out, case.name, case.description, self.build(case, archives))
        return len(chosen)
