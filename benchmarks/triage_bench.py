"""Triage throughput and memory on big realistic logs, side by side with ``grep -cE``.

Generates (once) GitHub Actions style logs of the requested size into benchmarks/data/:

- mostly passing: noise (pip output, ``pytest -v`` PASSED lines, application logging with
  words such as ``error_handling`` and ``0 errors``) with a few real failures from the triage
  corpus spliced in;
- failure-dense: failing job logs one after the other, each a short set-up and test run
  (noise) ending in one of the corpora's real failing logs (every corpus, every tool), its
  test names and files made distinct per job so that every job adds new failures.

Then runs, in turn, ``autopilot triage``, ``grep -ciE`` with the scanner's own trigger words,
and the engine alone (a fresh child timing ``triage_chunks`` with ``time.process_time``) over
the same file, several times each, and prints the medians: MB/s by wall clock and by CPU time
(user + system of each child, from wait4; a shared machine moves the first much more than the
second), peak RSS, and the ratios of triage to grep. The bytecode of ``bot/`` is compiled
first, as ``pip install`` does.

Usage: .venv/bin/python benchmarks/triage_bench.py [--size-mb 100] [--dense-mb 150] [--runs 3]
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
CORPUS = ROOT / "testdata" / "triage"
FAILURES = (
    "assertion_simple",
    "multi_test_categories",
    "lint_ruff_concise_three",
    "type_mypy_return",
)
#: The scanner's own trigger set (see ``bot/core/triage/recognisers``), as one grep pattern.
GREP_PATTERN = (
    r"error|fail|traceback|timeout|rerun|reformat|no space left|no solution found|=====|_____"
    r"|:[0-9]+:[0-9]+[: ]"
)
WORDS = (
    "alpha",
    "beta",
    "gamma",
    "delta",
    "parser",
    "render",
    "config",
    "client",
    "server",
    "cache",
    "store",
    "queue",
)


def _noise_line(rng: random.Random, n: int) -> str:
    pick = rng.random()
    word = rng.choice(WORDS)
    if pick < 0.55:
        name = "error_handling" if n % 97 == 0 else f"{word}_{n % 1000}"
        return f"tests/test_{word}.py::test_{name} PASSED{' ' * 20}[{n % 100:3d}%]"
    if pick < 0.70:
        return (
            f"Requirement already satisfied: {word}>=1.{n % 9} in "
            "/opt/hostedtoolcache/Python/3.12.3/x64/lib/python3.12/site-packages (from app==1.0)"
        )
    if pick < 0.80:
        return f"  Downloading {word}-{n % 7}.2.{n % 3}-py3-none-any.whl (1{n % 90} kB)"
    if pick < 0.995:
        return f"{word}.worker INFO request id={n:08x} took {n % 997} ms status=200"
    if pick < 0.998:
        return f"{word}: checked {n % 50} files, 0 errors"
    return f"  warnings.warn(DeprecationWarning('{word} is deprecated'))  # -W error::Deprecation"


def generate(path: Path, size_mb: int, seed: int = 7) -> None:
    """Write a log of about ``size_mb`` MB with the corpus failures spliced in a few times."""
    rng = random.Random(seed)
    target = size_mb * 1_000_000
    failures = [(CORPUS / f"{name}.log").read_text() for name in FAILURES]
    splice_every = target // (len(failures) * 2 + 1)
    written, n, next_splice, spliced = 0, 0, splice_every, 0
    stamp = "2025-03-04T09:{:02d}:{:02d}.{:07d}Z "
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        while written < target:
            batch = []
            for _ in range(10_000):
                n += 1
                ts = stamp.format(n // 600_000 % 60, n // 10_000 % 60, n % 10_000_000)
                batch.append(ts + _noise_line(rng, n) + "\n")
            if written >= next_splice:
                text = failures[spliced % len(failures)]
                batch.append("".join(ts + line + "\n" for line in text.splitlines()))
                spliced += 1
                next_splice += splice_every
            chunk = "".join(batch)
            out.write(chunk)
            written += len(chunk)


#: Lines of set-up and passing tests before each failing job's own failure: about one line in
#: nine of a failure-dense log is part of a failure report.
DENSE_NOISE_LINES = 80
_TEST_NAME = re.compile(r"\b(test_?\w*|Test\w+)")
_FILE_NAME = re.compile(r"\b([\w-]+)(\.(?:py|go|rs|js|ts|c|java))\b")


def _failing_logs() -> list[str]:
    """Every failing log of every corpus: real tool output of every kind the engine reads."""
    logs = sorted(p for p in CORPUS.rglob("*.log") if not p.name.startswith("green_"))
    return [p.read_text(errors="replace") for p in logs]


def generate_dense(path: Path, size_mb: int, seed: int = 11) -> None:
    """Write about ``size_mb`` MB of failing job logs, each with distinct failures."""
    rng = random.Random(seed)
    target = size_mb * 1_000_000
    failures = _failing_logs()
    written, job, n = 0, 0, 0
    stamp = "2025-03-04T10:{:02d}:{:02d}.{:07d}Z "
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        while written < target:
            job += 1
            tag = f"j{job}"
            lines = [f"##[group]Run pytest -v (job {job})"]
            lines += [_noise_line(rng, n + i) for i in range(DENSE_NOISE_LINES)]
            n += DENSE_NOISE_LINES
            text = failures[job % len(failures)]
            text = _TEST_NAME.sub(rf"\1_{tag}", text)
            text = _FILE_NAME.sub(rf"\1_{tag}\2", text)
            lines += text.splitlines()
            lines.append("##[error]Process completed with exit code 1.")
            ts = stamp.format(job // 60 % 60, job % 60, job % 10_000_000)
            chunk = "".join(ts + line + "\n" for line in lines)
            out.write(chunk)
            written += len(chunk)


def measure(argv: list[str]) -> tuple[float, float, int, bytes]:
    """Wall time, CPU time (user + system, from wait4), peak RSS in bytes, and stdout of one
    child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss * 1024, output  # ru_maxrss is in KiB on Linux


def engine_cpu(path: Path) -> float:
    """CPU seconds of the engine alone on ``path`` (no start-up, imports or output), in this
    process: what ``--engine-only`` prints from a fresh child."""
    from bot.core.triage.engine import triage_chunks

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as log:
            while block := log.read(1 << 20):
                yield block

    start = time.process_time()
    triage_chunks([chunks()])
    return time.process_time() - start


def bench(path: Path, runs: int) -> dict[str, float]:
    size = path.stat().st_size
    triage = [sys.executable, "-m", "bot", "triage", str(path)]
    grep = ["grep", "-ciE", GREP_PATTERN, str(path)]
    engine = [sys.executable, __file__, "--engine-only", str(path)]
    walls: dict[str, list[float]] = {"triage": [], "grep": [], "engine": []}
    cpus: dict[str, list[float]] = {"triage": [], "grep": [], "engine": []}
    rss: dict[str, list[int]] = {"triage": [], "grep": [], "engine": []}
    found = b""
    for _ in range(runs):
        for name, argv in (("triage", triage), ("grep", grep), ("engine", engine)):
            elapsed, used, peak, output = measure(argv)
            walls[name].append(elapsed)
            cpus[name].append(float(output) if name == "engine" else used)
            rss[name].append(peak)
            if name == "triage":
                found = output
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    mb = size / 1e6
    return {
        "size_mb": mb,
        "triage_mb_s": mb / wall["triage"],
        "triage_cpu_mb_s": mb / cpu["triage"],
        "engine_cpu_mb_s": mb / cpu["engine"],
        "triage_rss_mb": statistics.median(rss["triage"]) / 1e6,
        "grep_mb_s": mb / wall["grep"],
        "grep_cpu_mb_s": mb / cpu["grep"],
        "grep_rss_mb": statistics.median(rss["grep"]) / 1e6,
        "ratio": wall["triage"] / wall["grep"],
        "cpu_ratio": cpu["triage"] / cpu["grep"],
        "failures": float(found.count(b'"category"')),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, action="append", help="log size(s), default 100")
    parser.add_argument(
        "--dense-mb", type=int, action="append", help="failure-dense log size(s), default none"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per tool (median reported)")
    parser.add_argument("--engine-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_only:
        print(f"{engine_cpu(args.engine_only):.4f}")
        return 0
    print(
        "| log | runs | triage MB/s (wall) | triage MB/s (CPU) | engine alone MB/s (CPU) "
        "| triage peak RSS | grep -ciE MB/s (wall) | grep MB/s (CPU) | grep RSS "
        "| triage/grep time (wall) | triage/grep time (CPU) | failures |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    sizes = [
        ("mostly passing", size, DATA / f"triage_{size}mb.log", generate)
        for size in (args.size_mb or ([] if args.dense_mb else [100]))
    ]
    sizes += [
        ("failure-dense", size, DATA / f"triage_dense_{size}mb.log", generate_dense)
        for size in args.dense_mb or []
    ]
    # An installed package has its bytecode compiled (``pip install`` does it): so is ``bot/``
    # here, else every run of the CLI would compile the triage modules first.
    compileall.compile_dir(ROOT / "bot", quiet=1)
    for kind, size_mb, path, make in sizes:
        if not path.exists() or abs(path.stat().st_size - size_mb * 1e6) > 1e6:
            make(path, size_mb)
        r = bench(path, args.runs)
        print(
            f"| {r['size_mb']:.0f} MB {kind} | {args.runs} | {r['triage_mb_s']:.0f} "
            f"| {r['triage_cpu_mb_s']:.0f} | {r['engine_cpu_mb_s']:.0f} "
            f"| {r['triage_rss_mb']:.0f} MB | {r['grep_mb_s']:.0f} | {r['grep_cpu_mb_s']:.0f} "
            f"| {r['grep_rss_mb']:.0f} MB | {r['ratio']:.1f}x | {r['cpu_ratio']:.1f}x "
            f"| {r['failures']:.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
