"""Benchmark ``autopilot fix`` against bare ``ruff check --fix`` + ``ruff format`` on a big sdist.

Usage: python benchmarks/fix_bench.py [--package django==5.1.4] [--runs 5]

Downloads the sdist once (``pip download --no-deps --no-binary :all:``) into ``.cache/``,
compiles the bytecode of ``bot/`` as ``pip install`` does for an installed package (with
``--cold``, runs a copy without bytecode: every run compiles the sources, as a checkout
under ``PYTHONDONTWRITEBYTECODE=1`` does), then, for each run, copies the pristine tree three
times (outside the timing) and times each side on its own copy with the same rule codes and
settings. Prints medians and ratios.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.fixes.catalog import select  # noqa: E402
from bot.core.fixes.ruff import check_args, format_args  # noqa: E402
from bot.fixer.config import read_repo_style  # noqa: E402
from bot.process import ruff_binary  # noqa: E402

# The real ``autopilot`` entry point (it imports every subcommand's module first).
CLI = "import sys; from bot.cli.main import main; sys.exit(main(sys.argv[1:]))"
# The ``fix`` subcommand alone: the same handler without the other subcommands' imports.
FIX_ONLY = """import argparse, sys
from bot.cli import fix
parser = argparse.ArgumentParser(prog="autopilot")
fix.register(parser.add_subparsers(dest="command"))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def fetch(package: str, cache: Path) -> Path:
    """The unpacked sdist of ``package`` (downloaded with pip on first use)."""
    cache.mkdir(parents=True, exist_ok=True)
    name = package.split("==")[0].lower()
    found = [p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(name)]
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "-d", str(cache), package],
            check=True, timeout=600,
        )  # fmt: skip
        found = [p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(name)]
    archive = found[0]
    target = cache / archive.name.removesuffix(".tar.gz")
    if not target.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(cache, filter="data")
    return target


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=False, timeout=1800, capture_output=True)
    return time.perf_counter() - started


def sources(cold: bool, scratch: Path) -> Path:
    """Where the timed processes import ``bot`` from: the checkout with its bytecode compiled
    (as ``pip install`` does), or with ``cold`` a copy without bytecode."""
    if not cold:
        compileall.compile_dir(ROOT / "bot", quiet=1)
        return ROOT
    shutil.copytree(ROOT / "bot", scratch / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    return scratch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="django==5.1.4")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="import bot/ without bytecode")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="fix-bench-"))
    home = sources(args.cold, scratch)
    tree = fetch(args.package, ROOT / ".cache" / "bench")
    style = read_repo_style(tree)
    ruff = ruff_binary()
    check = [ruff, *check_args(select(), style), "."]
    fmt = [ruff, *format_args(style), "."]
    files = sum(1 for _ in tree.rglob("*.py"))
    times: dict[str, list[float]] = {"bare": [], "cli": [], "fix-only": []}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            copies = {name: Path(tmp, name, tree.name) for name in times}
            for copy in copies.values():
                shutil.copytree(tree, copy, symlinks=True)
            times["bare"].append(timed(check, copies["bare"]) + timed(fmt, copies["bare"]))
            for name, code in (("cli", CLI), ("fix-only", FIX_ONLY)):
                times[name].append(
                    timed([sys.executable, "-c", code, "fix", str(copies[name]), "--all"], home)
                )
    shutil.rmtree(scratch)
    medians = {name: statistics.median(values) for name, values in times.items()}
    bytecode = "compiled sources (--cold)" if args.cold else "bytecode compiled"
    print(f"tree: {tree.name} ({files} .py files), runs: {args.runs}, {bytecode}")
    print(f"bare ruff check --fix + ruff format: median {medians['bare']:.2f} s")
    for name, label in (("cli", "autopilot fix (full CLI)"), ("fix-only", "fix subcommand alone")):
        ratio = medians[name] / medians["bare"]
        print(f"{label:<36} median {medians[name]:.2f} s, {ratio:.2f}x (goal <= 1.3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
