"""The real projects of the real-world triage corpus, and the shape of one of its cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from triage_corpus_project import Label, Run


@dataclass(frozen=True)
class Project:
    """A pinned sdist; ``pythonpath`` is where its package lives (``src`` for a src layout)."""

    dist: str
    version: str
    short: str
    pythonpath: str = "."

    @property
    def archive(self) -> str:
        return f"{self.dist}-{self.version}.tar.gz"


@dataclass
class RealCase:
    """One log: a project placed at ``place`` (``runner``, ``srv`` or a temporary directory),
    faults as ``(file, old text, new text)`` (an empty old text writes a new file)."""

    name: str
    description: str
    project: str
    runs: list[Run]
    labels: list[Label]
    faults: list[tuple[str, str, str]] = field(default_factory=list)
    place: str = "tmp"
    gha: bool = False
    venv_inside: bool = False
    extra: tuple[str, ...] = ()


PROJECTS = {
    "toolz": Project("toolz", "1.0.0", "toolz"),
    "tabulate": Project("tabulate", "0.9.0", "tabulate"),
    "more": Project("more-itertools", "10.5.0", "more-itertools"),
    "idna": Project("idna", "3.10", "idna"),
    "click": Project("click", "8.2.1", "click", "src"),
}
#: The test tools every throwaway virtualenv gets; tox and nox cases add theirs.
TEST_TOOLS = (
    "pytest==9.2.0",
    "pytest-timeout==2.4.0",
    "pytest-xdist==3.8.0",
    "pytest-rerunfailures==16.7",
)
WRAPPERS = ("tox==4.67.15", "nox==2026.10.20")
