"""Fifth triage corpus: Django's test runner, tox with two envs and whole job logs."""

from __future__ import annotations

from testdata.corpora.ci_cases import CiCase
from testdata.corpora.project import Run, at

T = "tests/test_core.py"
POLLS = "polls/tests.py"
DJANGO_TESTS = '''"""Tests of the polls app."""

from django.test import TestCase


class QuestionTests(TestCase):
    def test_title(self):
        self.assertEqual("poll".title(), "Poll")

    def test_count(self):
        self.assertEqual(len([1, 2]), 2)

    def test_lookup(self):
        self.assertIn("a", {"a": 1})
'''
TOX_INI = """[tox]
envlist = py, lint
skipsdist = true

[testenv]
deps = pytest==9.2.0
commands = pytest -q -p no:cacheprovider

[testenv:lint]
deps = flake8==7.5.0
commands = flake8 calc tests
"""
INSTALL = Run(["python", "-m", "venv", ".venv"], gate=False)
PIP = Run([".venv/bin/pip", "install", "-e", ".[test]"])
LIST = Run([".venv/bin/pip", "list"])
PYTEST = Run([".venv/bin/pytest", "--cov=calc"])
DJANGO = ["python", "manage.py", "test", "-v", "2"]

JOB_CASES: list[CiCase] = [
    CiCase(
        "green_full_job_install_test",
        "a whole job: venv, pip install -e .[test] from PyPI, pip list, pytest --cov",
        "calc",
        [INSTALL, PIP, LIST, PYTEST],
        [],
        gha=True,
    ),
    CiCase(
        "assertion_full_job_install_test",
        "a whole job whose pytest step fails after hundreds of lines of pip output",
        "calc",
        [INSTALL, PIP, LIST, PYTEST],
        [at(T, 'assert label(-1) == "positive"', "assertion", T + "::test_label")],
        [(T, 'assert label(-1) == "negative"', 'assert label(-1) == "positive"')],
        gha=True,
    ),
    CiCase(
        "green_django_ok",
        "Django's manage.py test, all passing, verbose",
        "django",
        [Run(DJANGO)],
        [],
        [(POLLS, "", DJANGO_TESTS)],
    ),
    CiCase(
        "assertion_django_fail_error_gha",
        "Django's manage.py test with a FAIL and an ERROR, in a job log",
        "django",
        [Run(DJANGO)],
        [
            at(POLLS, '"Poll!")', "assertion", "polls.tests.QuestionTests.test_title"),
            at(POLLS, '{"a": 1}["b"]', "runtime_error", "polls.tests.QuestionTests.test_lookup"),
        ],
        [
            (POLLS, "", DJANGO_TESTS),
            (POLLS, '"Poll")', '"Poll!")'),
            (POLLS, 'self.assertIn("a", {"a": 1})', 'self.assertIn("a", {"a": 1}["b"])'),
        ],
        gha=True,
    ),
    CiCase(
        "import_django_missing_module",
        "Django's test runner cannot import a test module",
        "django",
        [Run(["python", "manage.py", "test"])],
        [at(POLLS, "import polls.missing_helpers", "import_error")],
        [
            (POLLS, "", DJANGO_TESTS),
            (POLLS, "from django.test", "import polls.missing_helpers  # noqa\nfrom django.test"),
        ],
    ),
    CiCase(
        "green_tox_two_envs",
        "tox with a test env and a lint env, both OK",
        "calc",
        [Run(["tox", "-e", "py,lint"])],
        [],
        [("tox.ini", "", TOX_INI)],
    ),
    CiCase(
        "lint_tox_one_env_fails_gha",
        "tox: py passes, lint fails on flake8 findings, in a job log",
        "calc",
        [Run(["tox", "-e", "py,lint"])],
        [at("calc/core.py", "import os", "lint")],
        [
            ("tox.ini", "", TOX_INI),
            (
                "calc/core.py",
                '"""Small arithmetic helpers."""\n',
                '"""Small arithmetic helpers."""\nimport os\n',
            ),
        ],
        gha=True,
    ),
]
