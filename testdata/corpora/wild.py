"""Wild-corpus generator: real tools (pytest, python 2.7/3.13, gcc, javac, cargo, mypy, ruff,
node) run on small injected faults, their output reshaped as other CI systems show it.

Writes only ``testdata/triage/wild/<case>.log``; the labels (``.expected.json``) are written by
hand from the log text, and ``SOURCES`` says where each log comes from. A case whose tool is
not installed is skipped. Usage: ``python testdata/corpora/wild.py [CASE...]``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "testdata" / "triage" / "wild"
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "-p",
    "no:cacheprovider",
    "-p",
    "no:asyncio",
    "-p",
    "no:aiohttp",
]


def _python(version: str) -> str | None:
    found = sorted(PYENV.glob(f"{version}*/bin/python"))
    return str(found[-1]) if found else shutil.which(f"python{version}")


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    merged = {**os.environ, "NO_COLOR": "1", "PY_COLORS": "0", "COLUMNS": "100", **(env or {})}
    done = subprocess.run(
        argv,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=merged,
        check=False,
        timeout=300,
    )
    return done.stdout


def _write(tree: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _prefix(text: str, prefix: Callable[[int], str]) -> str:
    return "".join(prefix(n) + line + "\n" for n, line in enumerate(text.splitlines()))


CALC = {
    "calc.py": "def add(a, b):\n    return a + b\n\n\ndef ratio(a, b):\n    return a / b\n",
    "tests/__init__.py": "",
    "tests/test_calc.py": (
        "from calc import add, ratio\n\n\ndef test_add():\n    assert add(1, 2) == 4\n\n\n"
        "def test_ratio():\n    assert ratio(4, 2) == 2\n\n\ndef test_error_handling():\n"
        "    assert add(0, 0) == 0\n"
    ),
}


def _pytest(tree: Path, *args: str) -> str:
    _write(tree, CALC)
    return _run([*PYTEST, *args], tree)


def syntax_python_script_no_traceback(tree: Path) -> str:
    _write(tree, {"tools/report.py": "import sys\n\nprint('total:', len(sys.argv)\n"})
    return "$ python tools/report.py\n" + _run([sys.executable, "tools/report.py"], tree)


def assertion_pytest_tb_line(tree: Path) -> str:
    return _pytest(tree, "--tb=line", "tests")


def multi_pytest_then_unittest(tree: Path) -> str:
    first = _pytest(tree, "-q", "tests")
    _write(
        tree,
        {
            "legacy/__init__.py": "",
            "legacy/test_legacy.py": (
                "import unittest\n\n\nclass Legacy(unittest.TestCase):\n"
                "    def test_upper(self):\n        self.assertEqual('a'.upper(), 'B')\n"
            ),
        },
    )
    second = _run([sys.executable, "-m", "unittest", "legacy.test_legacy"], tree)
    return f"$ pytest -q tests\n{first}$ python -m unittest legacy.test_legacy\n{second}"


def runtime_script_after_pytest_tb_short(tree: Path) -> str:
    first = _pytest(tree, "--tb=short", "tests")
    _write(
        tree, {"scripts/check_config.py": "CONFIG = {'name': 'calc'}\nprint(CONFIG['version'])\n"}
    )
    second = _run([sys.executable, "scripts/check_config.py"], tree)
    return f"$ pytest --tb=short tests\n{first}$ python scripts/check_config.py\n{second}"


def runtime_script_after_pytest_quiet(tree: Path) -> str:
    first = _pytest(tree, "-q", "--tb=short", "tests")
    _write(
        tree, {"scripts/check_config.py": "CONFIG = {'name': 'calc'}\nprint(CONFIG['version'])\n"}
    )
    second = _run([sys.executable, "scripts/check_config.py"], tree)
    return f"$ pytest -q --tb=short tests\n{first}$ python scripts/check_config.py\n{second}"


def unknown_gha_step_exit(tree: Path) -> str:
    _write(tree, {"deploy.sh": "echo 'uploading site'\necho 'upload refused by remote'\nexit 3\n"})
    out = _run(["sh", "deploy.sh"], tree)
    stamp = "2025-03-04T09:00:{:02d}.0000000Z "
    lines = [
        "##[group]Run sh deploy.sh",
        "sh deploy.sh",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
    ]
    lines += [*out.splitlines(), "##[error]Process completed with exit code 3."]
    return "".join(stamp.format(n) + line + "\n" for n, line in enumerate(lines))


def runtime_python313_jenkins_timestamps(tree: Path) -> str:
    python = _python("3.13")
    assert python, "python 3.13"
    _write(
        tree, {"app/stats.py": "def mean(xs):\n    return sum(xs) / len(xs)\n\n\nprint(mean([]))\n"}
    )
    out = "[Pipeline] sh\n+ python3.13 app/stats.py\n" + _run([python, "app/stats.py"], tree)
    out += "[Pipeline] }\nERROR: script returned exit code 1\nFinished: FAILURE\n"
    return _prefix(out, lambda n: f"[2025-03-04T09:00:{n:02d}.412Z] ")


def runtime_python27_indented_paste(tree: Path) -> str:
    python = _python("2.7")
    assert python, "python 2.7"
    _write(
        tree,
        {
            "lib/settings.py": (
                "DEFAULTS = {'port': 80}\n\n\ndef get(key):\n    return DEFAULTS[key]\n"
            ),
            "run.py": (
                "import sys\nsys.path.insert(0, 'lib')\nimport settings\n"
                "print settings.get('host')\n"
            ),
        },
    )
    return _prefix(_run([python, "run.py"], tree), lambda n: "    ")


def import_python313_script_tox(tree: Path) -> str:
    python = _python("3.13")
    assert python, "python 3.13"
    _write(tree, {"src/calc/__init__.py": "", "src/calc/cli.py": "import yamlx\n\nprint(yamlx)\n"})
    out = _run([python, "src/calc/cli.py"], tree)
    head = "py313: commands[0]> python src/calc/cli.py\n"
    tail = "py313: exit 1 (0.05 seconds) /work> python src/calc/cli.py pid=4242\n"
    tail += "  py313: FAIL code 1 (0.40=setup[0.35]+cmd[0.05] seconds)\n"
    tail += "  evaluation failed :( (0.47 seconds)\n"
    return head + _prefix(out, lambda n: "py313: ") + tail


def syntax_compileall_py313_python2_code(tree: Path) -> str:
    python = _python("3.13")
    assert python, "python 3.13"
    _write(
        tree,
        {"src/legacy.py": "def hello(name):\n    print 'hello', name\n", "src/ok.py": "X = 1\n"},
    )
    return "+ python3 -m compileall -q src\n" + _run(
        [python, "-m", "compileall", "-q", "src"], tree
    )


def assertion_pytest_tox_prefixed(tree: Path) -> str:
    out = _pytest(tree, "-q", "tests")
    return _prefix(out, lambda n: "py311: ") + "py311: exit 1 (0.61 seconds)\n"


def assertion_pytest_buildkit(tree: Path) -> str:
    out = _pytest(tree, "tests")
    body = _prefix(out, lambda n: f"#12 {1.2 + n * 0.01:.2f} ")
    return (
        "#11 [6/7] COPY . .\n#11 DONE 0.1s\n\n#12 [7/7] RUN python -m pytest tests\n"
        + body
        + '#12 ERROR: process "/bin/sh -c python -m pytest tests" did not complete successfully:'
        " exit code: 1\n------\n > [7/7] RUN python -m pytest tests:\n------\n"
        'ERROR: failed to solve: process "/bin/sh -c python -m pytest tests" did not complete'
        " successfully: exit code: 1\n"
    )


def assertion_pytest_gitlab_sections(tree: Path) -> str:
    out = _pytest(tree, "-q", "tests")
    esc = "\x1b[0K"
    return (
        f'section_start:1741078800:step_script\r{esc}\x1b[0;m\x1b[0KExecuting "step_script" stage\n'
        f"\x1b[32;1m$ python -m pytest -q tests\x1b[0;m\n{out}"
        f"section_end:1741078803:step_script\r{esc}\n"
        f"\x1b[31;1mERROR: Job failed: exit code 1\n\x1b[0;m\n"
    )


def assertion_pytest_windows_paths(tree: Path) -> str:
    out = _pytest(tree, "--tb=short", "tests")
    return out.replace("tests/test_calc.py", "tests\\test_calc.py")


def assertion_pytest_indented_paste(tree: Path) -> str:
    return _prefix(_pytest(tree, "tests"), lambda n: "    ")


def timeout_pytest_timeout_fragment(tree: Path) -> str:
    _write(
        tree,
        {
            "tests/test_slow.py": (
                "import time\n\n\ndef test_fast():\n    assert True\n\n\ndef test_sleepy():\n"
                "    time.sleep(5)\n"
            )
        },
    )
    out = _run([*PYTEST, "-p", "no:rerunfailures", "-q", "--timeout=1", "tests/test_slow.py"], tree)
    # A paste of the part that matters: from the failure section on.
    start = out.find("___")
    return out[start:] if start > 0 else out


def flaky_pytest_rerun_fragment(tree: Path) -> str:
    _write(
        tree,
        {
            "tests/test_net.py": (
                "import os\n\n\ndef test_fetch(tmp_path_factory):\n"
                "    marker = os.path.join(os.environ['FLAKE_DIR'], 'seen')\n"
                "    if not os.path.exists(marker):\n        open(marker, 'w').close()\n"
                "        raise ConnectionResetError('peer reset')\n"
            )
        },
    )
    flake = tree / "flake"
    flake.mkdir()
    out = _run(
        [*PYTEST, "-v", "--reruns", "1", "tests/test_net.py"], tree, {"FLAKE_DIR": str(flake)}
    )
    return "\n".join(line for line in out.splitlines() if "::" in line or " passed" in line) + "\n"


def runtime_pytest_internalerror_conftest_hook(tree: Path) -> str:
    hook = "def pytest_collection_modifyitems(items):\n    raise KeyError('slow')\n"
    _write(tree, {"conftest.py": hook})
    return _pytest(tree, "tests")


def runtime_pytest_fixture_not_found(tree: Path) -> str:
    _write(tree, {"tests/test_mock.py": "def test_patch(mocker):\n    assert mocker\n"})
    return _pytest(tree, "tests/test_mock.py")


def runtime_pytest_segfault_faulthandler(tree: Path) -> str:
    crash = "import ctypes\n\n\ndef test_read_null():\n    assert ctypes.string_at(0)\n"
    _write(tree, {"tests/test_native.py": crash})
    return _pytest(tree, "tests/test_native.py")


def runtime_pytest_xdist_worker_crashed(tree: Path) -> str:
    crash = "import ctypes\n\n\ndef test_read_null():\n    assert ctypes.string_at(0)\n"
    _write(tree, {"tests/test_native.py": crash})
    return _pytest(tree, "-p", "xdist", "-n", "2", "tests/test_native.py")


def assertion_pytest_doctest_summary_only(tree: Path) -> str:
    units = 'def double(x):\n    """\n    >>> double(2)\n    5\n    """\n    return x * 2\n'
    _write(tree, {"src/units.py": units})
    out = _pytest(tree, "--doctest-modules", "src")
    # An issue quoting the short summary only; doctest failures give no reason there.
    return out[out.rfind("\n", 0, out.find("short test summary")) + 1 :]


def assertion_pytest_last_line_only(tree: Path) -> str:
    # An issue quoting only the session's last line.
    return _pytest(tree, "tests").strip().splitlines()[-1] + "\n"


def assertion_unittest_counts_only(tree: Path) -> str:
    case = (
        "import unittest\n\n\nclass Units(unittest.TestCase):\n"
        "    def test_upper(self):\n        self.assertEqual('a'.upper(), 'B')\n"
    )
    _write(tree, {"legacy/__init__.py": "", "legacy/test_units.py": case})
    out = _run([sys.executable, "-m", "unittest", "legacy.test_units"], tree)
    # An issue quoting the run's tail, after its failure blocks.
    return "\n".join(out.splitlines()[-3:]) + "\n"


def multi_doctest_module_cli(tree: Path) -> str:
    units = (
        'def double(x):\n    """\n    >>> double(2)\n    5\n    """\n    return x * 2\n\n\n'
        'def inverse(x):\n    """\n    >>> inverse(0)\n    0\n    """\n    return 1 / x\n'
    )
    _write(tree, {"src/units.py": units})
    return "$ python -m doctest src/units.py\n" + _run(
        [sys.executable, "-m", "doctest", "src/units.py"], tree
    )


def green_pip_resolver_note_conflicts(tree: Path) -> str:
    """pip's resolver note after a successful install lists conflicts that did not fail it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from testdata.corpora.project import _wheel

    wheels = tree / "wheels"
    _wheel(wheels, "calc-base", "1.0")
    _wheel(wheels, "calc-base", "2.0")
    _wheel(wheels, "calc-extra", "1.0")
    _wheel(wheels, "calc-plugin", "1.0", ("calc-base==1.0", "calc-extra"))
    _run([sys.executable, "-m", "venv", "venv"], tree)
    pip = [str(tree / "venv" / "bin" / "pip"), "--disable-pip-version-check"]
    _run([*pip, "install", "-q", "--no-index", "--find-links", "wheels", "calc-plugin"], tree)
    _run([*pip, "uninstall", "-y", "-q", "calc-extra"], tree)
    command = [*pip[:1], "install", "--no-index", "--find-links", "wheels", "calc-base==2.0"]
    return "$ pip install calc-base==2.0\n" + _run(command, tree)


LOGGED = (
    "import logging\nimport traceback\nimport unittest\n\n\nclass Lookup(unittest.TestCase):\n"
    "    def test_falls_back(self):\n        try:\n            {}['missing']\n"
    "        except KeyError:\n            logging.exception('lookup failed, using default')\n"
    "            traceback.print_exc()\n        self.assertTrue(True)\n"
)


def green_unittest_logged_exception(tree: Path) -> str:
    _write(tree, {"legacy/__init__.py": "", "legacy/test_lookup.py": LOGGED})
    return _run([sys.executable, "-m", "unittest", "-v", "legacy.test_lookup"], tree)


def green_pytest_quiet_printed_traceback(tree: Path) -> str:
    _write(tree, {"tests/test_lookup.py": LOGGED})
    return _pytest(tree, "-q", "-s", "tests/test_lookup.py")


def infrastructure_python39_socket_timeout(tree: Path) -> str:
    python = _python("3.9")
    assert python, "python 3.9"
    fetch = (
        "import socket\n\nserver = socket.create_server(('127.0.0.1', 0))\n"
        "client = socket.create_connection(server.getsockname(), timeout=0.5)\n"
        "print(client.recv(1024))\n"
    )
    _write(tree, {"scripts/fetch_index.py": fetch})
    return "+ python3.9 scripts/fetch_index.py\n" + _run([python, "scripts/fetch_index.py"], tree)


SETUP_NEEDS_NUMPY = (
    'from setuptools import setup\nimport numpy\nsetup(name="calc-ext", version="1.0")\n'
)


def _old_pip(tree: Path, python: str, pip: str | None = None) -> str:
    """``pip install ./calc_ext`` whose ``setup.py`` imports what is not installed."""
    _write(tree, {"calc_ext/setup.py": SETUP_NEEDS_NUMPY})
    _run([python, "-m", "venv", "venv"], tree)
    venv_pip = str(tree / "venv" / "bin" / "pip")
    if pip:  # an older pip than the interpreter bundles, pinned
        _run([venv_pip, "install", "-q", f"pip=={pip}"], tree)
    out = _run([venv_pip, "install", "--no-index", "./calc_ext"], tree)
    return "$ pip install ./calc_ext\n" + out


def dependency_pip18_setup_py_egg_info(tree: Path) -> str:
    python = _python("3.6")
    assert python, "python 3.6"
    return _old_pip(tree, python)


def dependency_pip21_command_errored_out(tree: Path) -> str:
    python = _python("3.8")
    assert python, "python 3.8"
    return _old_pip(tree, python, "21.1.3")


def _gcc(tree: Path, source: str, *flags: str) -> str:
    _write(tree, {"src/calc.c": source})
    return "+ gcc -c src/calc.c\n" + _run(["gcc", *flags, "-c", "src/calc.c", "-o", "calc.o"], tree)


def syntax_gcc_missing_semicolon_make(tree: Path) -> str:
    out = _gcc(tree, "int add(int a, int b)\n{\n    int c = a + b\n    return c;\n}\n", "-Wall")
    return out + "make: *** [Makefile:4: calc.o] Error 1\n"


def type_gcc_too_few_arguments_ctest(tree: Path) -> str:
    src = "int add(int a, int b) { return a + b; }\nint twice(int a) { return add(a); }\n"
    out = _gcc(tree, src, "-Wall")
    return _prefix(out, lambda n: "3: ")


def lint_gcc_werror_real(tree: Path) -> str:
    src = "int add(int a, int b)\n{\n    int unused = 0;\n    return a + b;\n}\n"
    return _gcc(tree, src, "-Wall", "-Werror")


def green_gcc_warning_only(tree: Path) -> str:
    src = "int add(int a, int b)\n{\n    int unused = 0;\n    return a + b;\n}\n"
    return _gcc(tree, src, "-Wall") + "+ ar rcs libcalc.a calc.o\nBuild finished: 0 errors\n"


def _javac(tree: Path, source: str) -> str:
    _write(tree, {"src/main/java/calc/Calc.java": source})
    return _run(["javac", "-d", "out", "src/main/java/calc/Calc.java"], tree)


def type_javac_cannot_find_symbol(tree: Path) -> str:
    src = (
        "package calc;\n\npublic class Calc {\n    public int add(int a, int b) {\n"
        "        return a + c;\n    }\n}\n"
    )
    return "[INFO] --- compiler:3.11.0:compile ---\n" + _javac(tree, src)


def syntax_javac_expected(tree: Path) -> str:
    src = "package calc;\n\npublic class Calc {\n    int x = 1\n}\n"
    return _javac(tree, src)


def _cargo(tree: Path, lib: str, *argv: str) -> str:
    _write(
        tree,
        {
            "Cargo.toml": '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n',
            "src/lib.rs": lib,
        },
    )
    env = {"CARGO_TARGET_DIR": str(tree / "target"), "CARGO_TERM_COLOR": "never"}
    return _run(["cargo", argv[0], "--offline", *argv[1:]], tree, env)


RUST_TEST = (
    "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n"
    "    use super::*;\n\n    #[test]\n    fn adds() {\n"
    "        assert_eq!(add(2, 2), 5);\n    }\n\n"
    "    #[test]\n    fn error_path_ok() {\n        assert_eq!(add(0, 0), 0);\n    }\n}\n"
)


def assertion_cargo_test_obs_prefix(tree: Path) -> str:
    out = _cargo(tree, RUST_TEST, "test")
    return _prefix(out, lambda n: f"[{7 + n // 10:5d}s] ")


def type_rustc_mismatched(tree: Path) -> str:
    return _cargo(tree, 'pub fn add(a: i32, b: i32) -> i32 {\n    "sum"\n}\n', "build")


def dependency_cargo_missing_crate(tree: Path) -> str:
    _write(
        tree,
        {
            "Cargo.toml": (
                '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n\n'
                '[dependencies]\nnonexistent-crate-zz = "9.9"\n'
            ),
            "src/lib.rs": "pub fn a() {}\n",
        },
    )
    env = {"CARGO_TARGET_DIR": str(tree / "target"), "CARGO_TERM_COLOR": "never"}
    return "+ cargo build --offline\n" + _run(["cargo", "build", "--offline"], tree, env)


def lint_clippy_deny_warnings(tree: Path) -> str:
    lib = "pub fn check(v: &Vec<i32>) -> bool {\n    v.len() == 0\n}\n"
    return _cargo(tree, lib, "clippy", "--", "-D", "warnings")


def green_cargo_test(tree: Path) -> str:
    lib = RUST_TEST.replace("assert_eq!(add(2, 2), 5)", "assert_eq!(add(2, 2), 4)")
    return _cargo(tree, lib, "test")


def type_mypy_jenkins_clock(tree: Path) -> str:
    _write(
        tree,
        {
            "calc/__init__.py": "",
            "calc/core.py": "def add(a: int, b: int) -> int:\n    return str(a + b)\n",
        },
    )
    out = _run([sys.executable, "-m", "mypy", "--no-incremental", "calc"], tree)
    return _prefix(
        "+ mypy calc\n" + out + "script returned exit code 1\n", lambda n: f"09:41:{n:02d}  "
    )


def lint_ruff_indented_paste(tree: Path) -> str:
    _write(
        tree,
        {
            "pkg/__init__.py": "",
            "pkg/util.py": "import os\nimport sys\n\n\ndef f():\n    return sys.argv\n",
        },
    )
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    out = _run(
        [ruff, "check", "--no-cache", "--output-format", "concise", "--select", "F", "pkg"], tree
    )
    return _prefix(out, lambda n: "    ")


def format_black_check_gitlab(tree: Path) -> str:
    _write(
        tree,
        {"app/__init__.py": "", "app/views.py": "def index( request ):\n    return {'ok':True}\n"},
    )
    black = str(Path(sys.executable).with_name("black"))
    out = _run([black, "--check", "app"], tree)
    failed = "\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m\n"
    return f"\x1b[32;1m$ black --check app\x1b[0;m\n{out}{failed}"


def format_ruff_format_diff_docker(tree: Path) -> str:
    _write(tree, {"pkg/__init__.py": "", "pkg/util.py": "x = [1,2,\n  3]\n"})
    ruff = str(Path(sys.executable).with_name("ruff"))
    out = _run([ruff, "format", "--no-cache", "--diff", "pkg"], tree)
    return "#9 [5/5] RUN ruff format --diff pkg\n" + _prefix(
        out, lambda n: f"#9 {0.4 + n * 0.01:.2f} "
    )


def format_cargo_fmt_check(tree: Path) -> str:
    lib = "pub fn add(a:i32,b:i32)->i32{a+b}\n"
    _write(
        tree,
        {
            "Cargo.toml": '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n',
            "src/lib.rs": lib,
        },
    )
    return "+ cargo fmt --all -- --check\n" + _run(["cargo", "fmt", "--all", "--", "--check"], tree)


def green_pytest_jenkins(tree: Path) -> str:
    out = _pytest(tree, "-v", "tests", "-k", "not test_add")
    return _prefix(out, lambda n: f"[2025-03-04T10:00:{n:02d}.000Z] ") + "Finished: SUCCESS\n"


def type_node_script_typeerror(tree: Path) -> str:
    node = shutil.which("node")
    assert node, "node"
    _write(tree, {"scripts/build.js": "const cfg = undefined;\n\nconsole.log(cfg.outDir);\n"})
    return "> node scripts/build.js\n" + _run([node, "scripts/build.js"], tree)


def _node(tree: Path, script: str, source: str) -> str:
    node = shutil.which("node")
    assert node, "node"
    _write(tree, {script: source})
    return _run([node, script], tree)


def syntax_node_esm_caret_gha(tree: Path) -> str:
    # An ES module that does not parse: node prints ``file:///…:3``, the line and a caret.
    out = _node(tree, "scripts/release.mjs", "const tag = 'v1';\n\nconsole.log(tag;\n")
    return _prefix(out, lambda n: f"2025-03-04T10:00:{n:02d}.0000000Z ")


def runtime_node_rejection_error_stack(tree: Path) -> str:
    # An async main rejects with an Error: node 15+ dies with its stack.
    source = (
        "async function publish(tag) {\n"
        "  throw new Error(`no release notes for ${tag}`);\n"
        "}\n\n"
        "publish('v1').then(() => console.log('done'));\n"
    )
    return "$ node scripts/publish.js\n" + _node(tree, "scripts/publish.js", source)


def runtime_node_rejection_not_an_error(tree: Path) -> str:
    # A promise rejected with a string: no stack, ``ERR_UNHANDLED_REJECTION``.
    source = "Promise.reject('registry said no').then(() => console.log('done'));\n"
    return "$ node scripts/upload.js\n" + _node(tree, "scripts/upload.js", source)


def _node_modules(tree: Path, tool: str) -> None:
    """``WILD_NODE_MODULES``: a node_modules with vitest 1.6.1 (and its vite), webpack 5.94.0,
    webpack-cli 5.1.4, mocha 10.7.3, @playwright/test 1.47.2, ts-node 10.9.2, typescript
    5.4.5, @types/node 20.14.10, @yarnpkg/cli-dist 4.5.0, jest 29.7.0, ts-jest 29.2.5 and
    @types/jest 29.5.12 installed, copied into the checkout."""
    modules = os.environ.get("WILD_NODE_MODULES")
    assert modules and Path(modules, ".bin", tool).exists(), tool
    shutil.copytree(modules, tree / "node_modules", symlinks=True)


def import_webpack5_cannot_resolve_gha(tree: Path) -> str:
    # webpack 5: ``ERROR in ./src/index.js 1:0-35`` and ``Module not found: … in '/…/src'``.
    _node_modules(tree, "webpack")
    _write(
        tree,
        {
            "src/index.js": 'import { total } from "./prices.js";\n\nconsole.log(total([1]));\n',
            "src/app/main.js": 'import { format } from "../format";\n\nformat(1);\n',
        },
    )
    webpack = str(tree / "node_modules" / ".bin" / "webpack")
    argv = [
        webpack,
        "--mode",
        "production",
        "--entry",
        "./src/index.js",
        "--entry",
        "./src/app/main.js",
    ]
    out = "$ npx webpack --mode production\n" + _run(argv, tree)
    return _prefix(out, lambda n: f"2025-03-04T10:00:{n:02d}.0000000Z ")


def import_node_esm_package_not_found_gitlab(tree: Path) -> str:
    # An ES module imports a package that is not installed: node's loader frames only.
    source = 'import { marked } from "marked";\n\nconsole.log(marked("# hi"));\n'
    out = "$ node scripts/docs.mjs\n" + _node(tree, "scripts/docs.mjs", source)
    return out.replace("/home/runner/work/calc/calc", "/builds/tools/calc").replace(
        str(tree), "/builds/tools/calc"
    )


def multi_mocha_spec_timeout_and_assert(tree: Path) -> str:
    # mocha 10 (spec reporter): a strict-equal assertion and a test that exceeds its timeout.
    _node_modules(tree, "mocha")
    _write(
        tree,
        {
            "lib/cart.js": "exports.total = (items) => items.reduce((a, b) => a + b, 0);\n",
            "test/cart.test.js": (
                'const assert = require("node:assert");\n'
                'const { total } = require("../lib/cart");\n\n'
                'describe("cart", function () {\n  it("adds prices", function () {\n'
                "    assert.strictEqual(total([2, 2]), 5);\n  });\n\n"
                '  it("loads the catalogue", function (done) {\n    this.timeout(50);\n'
                "    setTimeout(done, 500);\n  });\n});\n"
            ),
        },
    )
    mocha = str(tree / "node_modules" / ".bin" / "mocha")
    return "$ npm test\n\n> calc@1.0.0 test\n> mocha\n\n" + _run([mocha, "--no-colors"], tree)


def multi_playwright_assert_timeout_flaky_gha(tree: Path) -> str:
    # Playwright Test 1.47 (no browser needed): a failed expect, a test over its timeout on
    # both attempts, and a test that fails once and passes on its retry (flaky).
    _node_modules(tree, "playwright")
    _write(
        tree,
        {
            "package.json": '{"name": "calc", "private": true}\n',
            "playwright.config.ts": (
                'import { defineConfig } from "@playwright/test";\n\n'
                'export default defineConfig({ testDir: "./tests", retries: 1 });\n'
            ),
            "tests/cart.spec.ts": (
                'import { test, expect } from "@playwright/test";\n\n'
                "function total(items: number[]): number {\n"
                "  return items.reduce((a, b) => a + b, 0);\n}\n\n"
                'test.describe("cart", () => {\n  test("adds prices", async () => {\n'
                "    expect(total([2, 2])).toBe(5);\n  });\n\n"
                '  test("loads the catalogue", async () => {\n    test.setTimeout(100);\n'
                "    await new Promise((resolve) => setTimeout(resolve, 1000));\n  });\n});\n"
            ),
            "tests/feed.spec.ts": (
                'import { test, expect } from "@playwright/test";\n\n'
                'test("reads the feed", async ({}, testInfo) => {\n'
                "  expect(testInfo.retry).toBe(1);\n});\n"
            ),
        },
    )
    playwright = str(tree / "node_modules" / ".bin" / "playwright")
    argv = [playwright, "test", "--reporter=list", "--workers=1"]
    out = "$ npx playwright test\n" + _run(argv, tree, {"CI": "1", "FORCE_COLOR": "0"})
    return _prefix(out, lambda n: f"2025-03-04T10:{n // 60:02d}:{n % 60:02d}.0000000Z ")


def type_ts_node_script_tserror(tree: Path) -> str:
    # ts-node 10.9: a script that does not type-check; TSError, then tsc's diagnostic.
    _node_modules(tree, "ts-node")
    _write(
        tree,
        {
            "tsconfig.json": '{"compilerOptions": {"strict": true, "types": ["node"]}}\n',
            "scripts/release.ts": (
                "function tag(version: number): string {\n  return `v${version}`;\n}\n\n"
                'console.log(tag("1.2.0"));\n'
            ),
        },
    )
    ts_node = str(tree / "node_modules" / ".bin" / "ts-node")
    return "$ npx ts-node scripts/release.ts\n" + _run([ts_node, "scripts/release.ts"], tree)


def _yarn4(tree: Path, dependencies: str, *args: str) -> str:
    """yarn 4 installing against the npm registry (the one network use of this file)."""
    _node_modules(tree, "yarn")
    yarn = str(tree / "node_modules" / "@yarnpkg" / "cli-dist" / "bin" / "yarn.js")
    _write(
        tree,
        {
            "package.json": (
                f'{{"name": "calc", "private": true, "dependencies": {dependencies}}}\n'
            ),
            ".yarnrc.yml": (
                'npmRegistryServer: "https://registry.npmjs.org"\nenableTelemetry: false\n'
            ),
            "yarn.lock": "",
        },
    )
    node = shutil.which("node")
    assert node, "node"
    return _run([node, yarn, "install", *args], tree, {"CI": "true"})


def dependency_yarn4_no_candidates(tree: Path) -> str:
    # yarn 4: no version of left-pad matches ^99 (YN0082).
    return "$ yarn install\n" + _yarn4(tree, '{"left-pad": "^99.0.0"}')


def dependency_yarn4_immutable_lockfile_gha(tree: Path) -> str:
    # yarn 4 --immutable: the lockfile would change (YN0028, after the lockfile's diff).
    out = "$ yarn install --immutable\n" + _yarn4(tree, '{"left-pad": "^1.3.0"}', "--immutable")
    return _prefix(out, lambda n: f"2025-03-04T10:00:{n:02d}.0000000Z ")


def multi_jest_suite_failed_to_run_and_timeout(tree: Path) -> str:
    # jest 29.7: a test file requires a module that does not exist (``Test suite failed to
    # run``), another has a test over its timeout.
    _node_modules(tree, "jest")
    _write(
        tree,
        {
            "package.json": '{"name": "calc", "private": true}\n',
            "src/cart.js": "exports.total = (items) => items.reduce((a, b) => a + b, 0);\n",
            "tests/cart.test.js": (
                'const { total } = require("../src/cart");\n'
                'const { fmt } = require("../src/format");\n\n'
                'test("formats a total", () => {\n  expect(fmt(total([1]))).toBe("1.00");\n});\n'
            ),
            "tests/feed.test.js": (
                'test("loads the feed", async () => {\n'
                "  await new Promise((resolve) => setTimeout(resolve, 1000));\n}, 50);\n"
            ),
        },
    )
    jest = str(tree / "node_modules" / ".bin" / "jest")
    return "$ npx jest --ci\n" + _run([jest, "--ci"], tree, {"CI": "true"})


def _vite_build(tree: Path, main: str) -> str:
    _node_modules(tree, "vite")
    _write(
        tree,
        {
            "package.json": '{"name": "calc", "private": true, "type": "module"}\n',
            "index.html": '<script type="module" src="/src/main.js"></script>\n',
            "src/main.js": main,
        },
    )
    vite = str(tree / "node_modules" / "vite" / "bin" / "vite.js")
    node = shutil.which("node")
    assert node, "node"
    return "$ npm run build\n\n> calc@1.0.0 build\n> vite build\n\n" + _run(
        [node, vite, "build"], tree
    )


def import_vite_build_could_not_resolve(tree: Path) -> str:
    # vite 5 (rollup): a relative import of a file that does not exist.
    main = 'import { fmt } from "./format.js";\n\nconsole.log(fmt(1));\n'
    return _vite_build(tree, main)


def syntax_vite_build_parse_error_gha(tree: Path) -> str:
    # vite 5: the entry does not parse (import analysis fails), in a job log.
    out = _vite_build(tree, "const prices = [1, 2];\nconst cart = {;\nconsole.log(prices, cart);\n")
    return _prefix(out, lambda n: f"2025-03-04T10:00:{n:02d}.0000000Z ")


def type_ts_jest_suite_failed_to_run(tree: Path) -> str:
    # jest 29.7 with ts-jest: a test file does not type-check, so its suite fails to run.
    _node_modules(tree, "jest")
    _write(
        tree,
        {
            "package.json": (
                '{"name": "calc", "private": true,'
                ' "jest": {"preset": "ts-jest", "testEnvironment": "node"}}\n'
            ),
            "tsconfig.json": '{"compilerOptions": {"strict": true, "types": ["jest"]}}\n',
            "src/cart.ts": (
                "export function total(items: number[]): number {\n"
                "  return items.reduce((a, b) => a + b, 0);\n}\n"
            ),
            "src/cart.test.ts": (
                'import { total } from "./cart";\n\ntest("adds", () => {\n'
                '  const sum: string = total([1, 2]);\n  expect(sum).toBe("3");\n});\n'
            ),
        },
    )
    jest = str(tree / "node_modules" / ".bin" / "jest")
    out = "$ npx jest --ci\n" + _run([jest, "--ci"], tree, {"CI": "true"})
    return _prefix(out, lambda n: f"2025-03-04T10:00:{n:02d}.0000000Z ")


def assertion_vitest_three_kinds(tree: Path) -> str:
    # vitest 1.6: a failed expectation, a TypeError in the source, a test timeout and a
    # missing import.
    _node_modules(tree, "vitest")
    _write(
        tree,
        {
            "package.json": '{"name": "calc", "private": true, "type": "module"}\n',
            "src/prices.js": (
                "export function total(items) {\n  return items.reduce((a, b) => a + b, 0);\n}\n"
                "\nexport function unitOf(item) {\n  return item.unit.name;\n}\n"
            ),
            "test/prices.test.js": (
                'import { describe, expect, test } from "vitest";\n'
                'import { total, unitOf } from "../src/prices.js";\n\n'
                'describe("total", () => {\n  test("adds prices", () => {\n'
                "    expect(total([2, 2])).toBe(5);\n  });\n});\n\n"
                'test("reads a unit", () => {\n  expect(unitOf({})).toBe("kg");\n});\n\n'
                'test("waits", async () => {\n'
                "  await new Promise((resolve) => setTimeout(resolve, 500));\n}, 50);\n"
            ),
            "test/missing.test.js": (
                'import { test } from "vitest";\nimport { nothing } from "../src/nothing.js";\n\n'
                'test("uses nothing", () => {\n  nothing();\n});\n'
            ),
        },
    )
    out = _run([str(tree / "node_modules" / ".bin" / "vitest"), "run"], tree, {"CI": "true"})
    return "$ npx vitest run\n" + out


CART = {
    "lib/cart.rb": (
        "class Cart\n  def initialize(items)\n    @items = items\n  end\n\n"
        "  def total\n    @items.sum { |item| item[:price] }\n  end\n\n"
        "  def owner_name\n    @owner.name\n  end\nend\n"
    ),
}


def _ruby(tree: Path, *argv: str) -> str:
    ruby = shutil.which("ruby")
    assert ruby, "ruby"
    return _run([ruby, *argv], tree)


def runtime_ruby_uncaught_nomethoderror_jenkins(tree: Path) -> str:
    # A rake-less script dies of a NoMethodError: ``path:line:in `m': … (NoMethodError)``.
    _write(
        tree,
        {
            **CART,
            "bin/report": (
                'require_relative "../lib/cart"\n\ncart = Cart.new([{ price: 3 }])\n'
                'puts "total #{cart.total}"\nputs "owner #{cart.owner_name}"\n'
            ),
        },
    )
    out = "+ ruby bin/report\n" + _ruby(tree, "bin/report")
    return _prefix(out, lambda n: f"[2025-03-04T10:00:{n:02d}.000Z] ") + "Finished: FAILURE\n"


def runtime_rake_aborted_nameerror(tree: Path) -> str:
    # rake 13: a task calls a constant that does not exist; ``rake aborted!`` and its report.
    rake = shutil.which("rake")
    assert rake, "rake"
    _write(
        tree,
        {
            "Rakefile": 'Dir.glob("lib/tasks/*.rake").each { |f| load f }\n',
            "lib/tasks/db.rake": (
                'namespace :db do\n  desc "seed"\n  task :seed do\n    Seeder.run\n  end\nend\n'
            ),
        },
    )
    return "$ bundle exec rake db:seed\n" + _run([rake, "db:seed"], tree)


def multi_minitest_verbose_skip(tree: Path) -> str:
    # minitest 5 with --verbose: a failure, an error in the library and a skip (not a failure).
    _write(
        tree,
        {
            **CART,
            "test/test_cart.rb": (
                'require "minitest/autorun"\nrequire_relative "../lib/cart"\n\n'
                "class TestCart < Minitest::Test\n"
                "  def test_total\n    assert_equal 5, Cart.new([{ price: 3 }]).total\n  end\n\n"
                '  def test_owner\n    assert_equal "ann", Cart.new([]).owner_name\n  end\n\n'
                '  def test_later\n    skip "not yet"\n  end\nend\n'
            ),
        },
    )
    return "$ ruby -Ilib test/test_cart.rb --verbose\n" + _ruby(
        tree, "-Ilib", "test/test_cart.rb", "--verbose", "--seed", "1"
    )


CART_SPEC = (
    'require_relative "../lib/cart"\n\nRSpec.describe Cart do\n'
    '  it "adds prices" do\n    expect(Cart.new([{ price: 3 }]).total).to eq(5)\n'
    '  end\n\n  it "names its owner" do\n'
    '    expect(Cart.new([]).owner_name).to eq("ann")\n  end\nend\n'
)


def lint_rubocop_offenses_and_syntax_gha(tree: Path) -> str:
    # rubocop 1.39: two layout offenses, a style offense and a file that does not parse.
    rubocop = shutil.which("rubocop")
    assert rubocop, "rubocop"
    _write(
        tree,
        {
            "app/models/cart.rb": (
                "# frozen_string_literal: true\n\n# A cart.\nclass Cart\n"
                "  def total(items )\n    items.sum\n  end\nend\n"
            ),
            "app/models/user.rb": (
                "# frozen_string_literal: true\n\n# A user.\nclass User\n"
                "  def broken(a\n    a\n  end\nend\n"
            ),
        },
    )
    out = "$ bundle exec rubocop\n" + _run([rubocop, "--no-color"], tree)
    return _prefix(out, lambda n: f"2025-03-04T10:00:{n:02d}.0000000Z ")


def _rspec(tree: Path) -> str:
    rspec = shutil.which("rspec")
    assert rspec, "rspec"
    return "$ bundle exec rspec\n" + _run([rspec, "--no-color", "--seed", "1"], tree)


def multi_rspec_expectation_and_nomethoderror(tree: Path) -> str:
    # rspec 3: a failed expectation, and a NoMethodError raised in the library.
    _write(tree, {**CART, "spec/cart_spec.rb": CART_SPEC})
    return _rspec(tree)


def syntax_rspec_load_error_in_library(tree: Path) -> str:
    # rspec 3: the library a spec requires does not parse (a missing ``end``).
    broken = CART["lib/cart.rb"].replace("  def owner_name\n", "  def owner_name\n    if @owner\n")
    _write(tree, {"lib/cart.rb": broken, "spec/cart_spec.rb": CART_SPEC})
    return _rspec(tree)


def import_rspec_load_error_outside_examples(tree: Path) -> str:
    # rspec 3: a spec file requires a file that does not exist; no example runs.
    _write(
        tree,
        {
            **CART,
            "spec/tax_spec.rb": 'require_relative "../lib/tax"\n\nRSpec.describe "tax" do\nend\n',
        },
    )
    return _rspec(tree)


CASES: dict[str, Callable[[Path], str]] = {
    name: value
    for name, value in globals().items()
    if callable(value)
    and name.split("_", 1)[0]
    in {
        "syntax",
        "assertion",
        "multi",
        "runtime",
        "import",
        "timeout",
        "flaky",
        "type",
        "lint",
        "green",
        "format",
        "unknown",
        "dependency",
        "infrastructure",
    }
}


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in argv or list(CASES):
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "calc"
            tree.mkdir()
            try:
                text = CASES[name](tree)
            except (AssertionError, FileNotFoundError) as missing:
                print(f"skip {name}: {missing} not installed", file=sys.stderr)
                continue
            text = text.replace(str(tree), "/home/runner/work/calc/calc")
            text = text.replace(sys.prefix, "/opt/venv").replace(str(Path.home()), "/home/ci")
        (OUT / f"{name}.log").write_text(text)
        print(f"wrote {name}.log ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
