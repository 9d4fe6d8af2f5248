"""The third-party corpus: other projects, fault kinds and tools.

Other projects than the first two corpora (attrs, packaging, pluggy, iniconfig,
sortedcontainers, pyparsing, wcwidth: pinned sdists from PyPI) and other fault kinds and
styles: fixture, conftest and teardown errors, ``DID NOT RAISE``, ``pytest.fail``, strict
XPASS, doctests, hypothesis, parametrize ids that need quoting, deep tracebacks through
site-packages, ExceptionGroup, circular imports, mypy ``--strict``, ruff ``--statistics`` and
``--show-fixes``, flake8 plugins, colourised pylint, black and isort over many files, pip
hash and build failures, uv resolution, and large green logs. Cases are built as the
real-world corpus's are: each unpacks a sdist where CI would have it, makes a throwaway
virtualenv with uv (``realworld_tests.TEST_TOOLS``, plus per case: hypothesis, isort, flake8
with flake8-bugbear, pinned in the case tables), injects faults and runs the tools. Labels
come from the injected faults, never from the triage engine.
"""

from __future__ import annotations

from testdata.corpora.corpus import Corpus
from testdata.corpora.realworld import builder
from testdata.corpora.thirdparty_checks import CHECK_CASES
from testdata.corpora.thirdparty_tests import PROJECTS, TEST_CASES

CORPUS = Corpus(
    "thirdparty", __doc__, "thirdparty", [*TEST_CASES, *CHECK_CASES], builder(PROJECTS), PROJECTS
)
