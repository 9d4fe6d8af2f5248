"""Generate a small real Python project with lint debt and the traps that break naive fixers."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

CORE = """\
import sys
import os
from typing import List, Optional, Dict


def add(a: int, b: int) -> int:
    return a+b ;


def names(items: List[str], prefix: Optional[str] = None) -> Dict[str, int]:
    result = dict()\x20\x20\x20
    for item in items:
        if (prefix):
            item = "{}{}".format(prefix, item)
        if not item in result:
            result[item] = len(item)
    return result


def label(value):
    if value is 'x':
        return f"fixed"
    return 'value: %s' % value


class Registry(object):
    def __init__(self):
        super(Registry, self).__init__()
        self.items = {}


REGISTRY = {}
def compare(value):
    return value == None"""
PLUGINS = 'from sample.core import REGISTRY\n\nREGISTRY["upper"] = str.upper\n'
APP = """\
import sample.plugins  # registers the "upper" plugin
from sample.core import REGISTRY


def run(name,text):
    return REGISTRY[name](text)
"""
LEGACY = "GREETING = 'hello'\n"
INIT = '''\
"""Sample package."""
from sample.core import add, Registry
from sample.util import slugify

__all__ = ["add", "Registry"]
'''
UTIL = 'def slugify(text):\n    return "-".join(text.lower().split())\n'
TESTS = {
    "tests/test_core.py": """\
from sample.core import add, names, label, compare


def test_add():
    assert add(1, 2) == 3


def test_names():
    assert names(["ab"], prefix="x") == {"xab": 3}


def test_label():
    assert label("y") == "value: y"
    assert compare(None)
""",
    "tests/test_app.py": """\
from sample.app import run


def test_plugin_registered():
    assert run("upper", "a") == "A"
""",
    "tests/test_init.py": """\
import sample


def test_reexport():
    assert sample.slugify("A B") == "a-b"
""",
    "tests/test_source.py": """\
from pathlib import Path

import sample.legacy


def test_legacy_source_is_verbatim():
    text = Path(sample.legacy.__file__).read_text()
    assert "GREETING = 'hello'" in text
""",
}
MESSY = "import os\nx = 1   \n"
PYPROJECT = """\
[project]
name = "sample"
version = "0.1"
requires-python = ">=3.11"

[tool.pytest.ini_options]
pythonpath = ["."]
"""
MARKDOWN = "# Sample   \n\nline one  \nline two\ntrailing \t\n\n\n"
YAML = "name: sample   \nscript: |\n  keep this   \n  text\nlist:\n  - a  \n"


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")


def make_project(root: Path, *, git: bool = True) -> Path:
    """A package, its tests and the traps; ``root/outside`` holds a file outside PATH."""
    project = root / "proj"
    write(
        project,
        {
            "pyproject.toml": PYPROJECT,
            "sample/__init__.py": INIT,
            "sample/core.py": CORE,
            "sample/plugins.py": PLUGINS,
            "sample/app.py": APP,
            "sample/legacy.py": LEGACY,
            "sample/util.py": UTIL,
            **TESTS,
            "tests/fixtures/input_case.py": MESSY,
            "generated/messy.py": MESSY,
            ".gitignore": "generated/\n",
            "README.md": MARKDOWN,
            "config.yml": YAML,
            "sample/blob.py": b"x = 1   \x00\n",
        },
    )
    write(root, {"outside/messy.py": MESSY})
    os.symlink(root / "outside" / "messy.py", project / "sample" / "linked.py")
    if git:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@e",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@e",
        }
        for argv in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "init"]):
            subprocess.run(argv, cwd=project, check=True, env=env, timeout=60)
    return project


def snapshot(root: Path) -> dict[str, bytes]:
    """Bytes of every regular file under root (symlinks read as their target path)."""
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in {".git", "__pycache__", ".pytest_cache"}]
        for name in files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            found[rel] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found
