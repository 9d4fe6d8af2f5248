"""Regenerates testdata/triage/thirdparty: a third, independent corpus of real tool output.

Other projects than the first two corpora (attrs, packaging, pluggy, iniconfig,
sortedcontainers, pyparsing, wcwidth: pinned sdists from PyPI) and other fault kinds and
styles: fixture, conftest and teardown errors, ``DID NOT RAISE``, ``pytest.fail``, strict
XPASS, doctests, hypothesis, parametrize ids that need quoting, deep tracebacks through
site-packages, ExceptionGroup, circular imports, mypy ``--strict``, ruff ``--statistics`` and
``--show-fixes``, flake8 plugins, colourised pylint, black and isort over many files, pip
hash and build failures, uv resolution, and large green logs; plus jest, tsc and cargo.
Cases reuse the real-world corpus machinery (``make_triage_realworld``): each unpacks a
sdist where CI would have it, makes a throwaway virtualenv with uv (pytest and plugins as
pinned in ``triage_corpus_realworld.TEST_TOOLS``, plus per case: hypothesis, isort,
flake8 with flake8-bugbear, pinned in the case tables), injects faults and runs the tools.
Labels come from the injected faults, never from the triage engine.

Usage: .venv/bin/python scripts/make_triage_thirdparty.py [--out DIR] [--cache DIR] [-k NAME]
"""

from __future__ import annotations

from make_triage_realworld import ROOT, arguments, build, sdists, write_case
from triage_corpus_realworld import RealCase
from triage_corpus_thirdparty import PROJECTS, TEST_CASES
from triage_corpus_thirdparty_checks import CHECK_CASES

CASES: list[RealCase] = [*TEST_CASES, *CHECK_CASES]


def main() -> int:
    args = arguments(ROOT / "testdata" / "triage" / "thirdparty", __doc__)
    archives = sdists(args.cache, PROJECTS)
    for case in CASES:
        if not args.only or args.only in case.name:
            write_case(args.out, case, *build(case, archives[case.project], PROJECTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
