"""Fourth triage corpus: older checkers and installers, runner-level failures, green logs."""

from __future__ import annotations

from typing import Any

from testdata.corpora.project import Label, Run, at, in_file
from testdata.corpora.realworld_checks import FLAKE8, MYPY, PYLINT
from testdata.corpora.versions_tests import VersionCase

IDNA = "idna/core.py"
RUFF = ["ruff", "check", "--no-cache", "--isolated", "--select", "F,E9"]
LINT_FAULTS = [
    (IDNA, "import unicodedata\n", "import unicodedata\nimport os\n"),
    (IDNA, '"NFC", label) != label:', '"NFC", label) != lable:'),
]
LINT_LABELS = [at(IDNA, "import os", "lint"), at(IDNA, "!= lable:", "lint")]
SYNTAX_FAULT = [(IDNA, "def check_nfc(label: str) -> None:", "def check_nfc(label: str) -> None")]
SYNTAX_LABEL = [at(IDNA, "def check_nfc(label: str) -> None", "syntax_error")]
TYPE_FAULTS = [
    (IDNA, 'return s.encode("punycode")', "return s  # str, not bytes"),
    (IDNA, 'return "U+{:04X}".format(s)', "return s + 1"),
]
TYPE_LABELS = [at(IDNA, "# str, not bytes", "type_error"), at(IDNA, "return s + 1", "type_error")]
#: black reformats a long line of idna 3.10's core.py by itself, so format faults go elsewhere.
RANGES = "idna/intranges.py"
FORMAT_FAULT = [(RANGES, "return (start << 32) | end", "return ( start<<32 )|end")]
#: mypy 1.5's typeshed rejects a line of idna 3.10 that later releases accept: the project
#: silences it (its own fix, not a fault), and mypy checks the module the faults go into.
MYPY15_BASELINE = (IDNA, "replacement = uts46row[2]", "replacement = uts46row[2]  # type: ignore")
MYPY15 = [*MYPY, IDNA]
#: pip's own, pinned per tool set; local wheels (``wheels/``) give real resolution errors.
PIP = ["pip", "install", "--no-cache-dir", "--target", "{ws}/site"]
LOCAL = [*PIP, "--no-index", "--find-links", "{ws}/wheels"]
DEAD_INDEX = ["--index-url", "http://127.0.0.1:9/simple", "--retries", "1", "--timeout", "1"]
SHELL = ["bash", "-c"]


def _case(
    name: str,
    description: str,
    project: str,
    runs: list[Run],
    labels: list[Label],
    faults: list[tuple[str, str, str]] | None = None,
    *,
    tools: str = "old",
    job: bool = False,
    place: str = "tmp",
) -> VersionCase:
    """A case run with one tool set; ``job`` keeps it as a job log at the runner's path."""
    where = "runner" if job else place
    return VersionCase(
        name, description, project, runs, labels, faults or [], where, job, tools=tools
    )


def _lint(name: str, description: str, argv: list[str], **kw: Any) -> VersionCase:
    """The same two lint faults in idna, seen by one linter release."""
    return _case(name, description, "idna", [Run([*argv, "idna"])], LINT_LABELS, LINT_FAULTS, **kw)


def _shell(name: str, description: str, argv: list[str], category: str, **kw: Any) -> VersionCase:
    """One command in an empty checkout (local wheels in ``wheels/``); no file to point at."""
    return _case(name, description, "shell", [Run(argv)], [in_file(None, category)], **kw)


CHECK_CASES: list[VersionCase] = [
    _lint(
        "lint_ruff01_default",
        "ruff 0.1.15's default text output (path:line:col: CODE message)",
        RUFF,
    ),
    _lint(
        "lint_ruff01_show_source_gha",
        "ruff 0.1.15 --show-source in a job log",
        [*RUFF, "--show-source"],
        job=True,
    ),
    _lint(
        "lint_ruff04_default",
        "ruff 0.4.10's default output (concise, fix hint)",
        RUFF,
        place="srv",
        tools="mid",
    ),
    _lint("lint_flake8_5_py312", "flake8 5.0.4 on Python 3.12", FLAKE8),
    _lint(
        "lint_flake8_6_show_source",
        "flake8 6.1.0 --show-source on Python 3.13",
        [*FLAKE8, "--show-source"],
        tools="mid",
    ),
    _lint("lint_pylint_217_py311", "pylint 2.17.7 on Python 3.11", PYLINT, tools="py311"),
    _lint(
        "lint_pylint_30_gha",
        "pylint 3.0.4 on Python 3.13, in a job log",
        PYLINT,
        job=True,
        tools="mid",
    ),
    _case(
        "syntax_old_checkers",
        "a missing colon seen by ruff 0.1.15, flake8 5.0.4 and mypy 1.5.1",
        "idna",
        [Run([*RUFF, "idna"], gate=False), Run([*FLAKE8, "idna"], gate=False), Run(MYPY15)],
        SYNTAX_LABEL,
        SYNTAX_FAULT,
    ),
    _case(
        "type_mypy15",
        "mypy 1.5.1: a wrong return type and a wrong operand",
        "idna",
        [Run(MYPY15)],
        TYPE_LABELS,
        [*TYPE_FAULTS, MYPY15_BASELINE],
    ),
    _case(
        "type_mypy110_pretty_gha",
        "mypy 1.10.1 --pretty on Python 3.13, in a job log",
        "idna",
        [Run([*MYPY, "--pretty", "idna"])],
        TYPE_LABELS,
        TYPE_FAULTS,
        job=True,
        tools="mid",
    ),
    _case(
        "import_mypy15_missing_stub",
        "mypy 1.5.1: a module with no stubs (its code was [import] then, import-not-found now)",
        "idna",
        [Run(MYPY15)],
        [at(IDNA, "import yaml", "import_error")],
        [(IDNA, "import unicodedata\n", "import unicodedata\n\nimport yaml\n"), MYPY15_BASELINE],
    ),
    _case(
        "format_black23_check",
        "black 23.12.1 --check",
        "idna",
        [Run(["black", "--check", RANGES])],
        [in_file(RANGES, "format")],
        FORMAT_FAULT,
    ),
    _case(
        "format_black24_diff",
        "black 24.4.2 --check --diff on Python 3.13",
        "idna",
        [Run(["black", "--check", "--diff", RANGES])],
        [in_file(RANGES, "format")],
        FORMAT_FAULT,
        tools="mid",
    ),
    _shell(
        "dependency_pip23_no_version",
        "pip 23.3.2: no version satisfies the requirement (local wheels only)",
        [*LOCAL, "calc-base==3.0"],
        "dependency",
    ),
    _shell(
        "dependency_pip24_resolution_impossible_gha",
        "pip 24.0: ResolutionImpossible between pinned local wheels, in a job log",
        [*LOCAL, "calc-plugin==1.0"],
        "dependency",
        job=True,
        tools="mid",
    ),
    _shell(
        "dependency_pip231_resolution_impossible",
        "pip 23.1.2 on Python 3.11: ResolutionImpossible",
        [*LOCAL, "calc-plugin==1.0", "calc-base==1.0"],
        "dependency",
        tools="py311",
    ),
    _shell(
        "infrastructure_pip23_dead_index",
        "pip 23.3.2 against an index on a closed port",
        [*PIP, *DEAD_INDEX, "toolz"],
        "infrastructure",
    ),
    _shell(
        "infrastructure_pip24_dead_index_gha",
        "pip 24.0 against an index on a closed port, in a job log",
        [*PIP, *DEAD_INDEX, "toolz==1.0.0"],
        "infrastructure",
        job=True,
        tools="mid",
    ),
    _shell(
        "infrastructure_uv_dead_index",
        "uv pip install against an index on a closed port",
        ["uv", "pip", "install", "--target", "{ws}/site", *DEAD_INDEX[:2], "toolz"],
        "infrastructure",
    ),
    _shell(
        "infrastructure_shell_disk_full_gha",
        "a step's shell writes to /dev/full (bash: write error: No space left on device)",
        [*SHELL, "echo building; echo report > /dev/full"],
        "infrastructure",
        job=True,
    ),
    _shell(
        "infrastructure_shell_killed_gha",
        "a step's command is SIGKILLed; bash reports Killed and exits 137",
        [
            *SHELL,
            'echo "linking"; python -c "import os, signal; '
            'os.kill(os.getpid(), signal.SIGKILL)"; exit $?',
        ],
        "infrastructure",
        job=True,
    ),
    _shell(
        "unknown_shell_exit3_gha",
        "a release script exits 3 with its own message; the runner's exit line is all",
        [*SHELL, 'echo "release notes for 1.0.1 not found in CHANGES"; exit 3'],
        "unknown",
        job=True,
    ),
    _case(
        "green_old_checkers_gha",
        "ruff 0.1.15, flake8 5.0.4, mypy 1.5.1 and black 23.12.1 pass, in a job log",
        "idna",
        [
            Run([*RUFF, "idna"]),
            Run([*FLAKE8, "idna"]),
            Run(MYPY15),
            Run(["black", "--check", RANGES, "idna/codec.py"]),
        ],
        [],
        [MYPY15_BASELINE],
        job=True,
    ),
    _case(
        "green_mid_checkers",
        "ruff 0.4.10, pylint 3.0.4, mypy 1.10.1 and pip 24.0 pass on Python 3.13",
        "idna",
        [
            Run([*RUFF, "idna"]),
            Run([*PYLINT, "idna"]),
            Run([*MYPY, "idna"]),
            Run(["pip", "--version"]),
        ],
        [],
        tools="mid",
    ),
]
