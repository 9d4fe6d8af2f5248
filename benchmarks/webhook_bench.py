"""The event path under load: the App (SQLite; PostgreSQL + Redis) side by side with Probot.

``python benchmarks/webhook_bench.py [--runs 3] [--seconds 8] [--kill]`` starts, in turn,
a null server (Node), bare aiohttp answering 202 (the floor of the App's stack), a Probot
app with empty handlers (npm ``probot`` pinned in ``benchmarks/probot/``, installed into
``.cache/bench-probot``), ``autopilot serve`` on SQLite with its in-process workers, the
same with ``serve --no-workers`` and one ``autopilot worker`` process, and ``autopilot
serve`` on PostgreSQL + Redis with two ``autopilot worker`` processes. Each server is
pinned to the same core (``SERVER_CORE``); worker processes and the load generators run
on the other. Loads, on 127.0.0.1 only and bounded in time:

- open loop (``benchmarks/webhook_load.py``) at 300/s and 1,000/s: p50/p99 acknowledgement
  latency from the scheduled send time, timeouts, every acknowledged id checked in the store;
- closed loop: ``wrk`` (Debian) with 50 connections; a Lua script gives each request its
  own delivery id (the signature covers the body only, so each example is signed once).

The bodies are the real ``@octokit/webhooks-examples`` payloads of events no concern
handles (plus ``ping``): processing them needs no GitHub call. For the App it samples the
backlog every second and reports processed/s, backlog growth, lost and re-claimed
deliveries. ``--kill`` adds a PostgreSQL run in which one worker process is killed mid-run.
Runs are interleaved; the report gives medians. Results go to ``.cache/bench-webhook/``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

from benchmarks.webhook_storm import storm_run
from benchmarks.webhook_targets import (
    CACHE,
    LOAD_CORE,
    ROOT,
    Target,
    aiohttp_target,
    app_target,
    deliveries_file,
    null_target,
    probot_target,
    wrk_script,
)

RATES = (300, 1000)
CLOSED_CONNECTIONS = 50
DRAIN_LIMIT = 30.0
LOAD = ["taskset", "-c", LOAD_CORE, sys.executable, str(ROOT / "benchmarks" / "webhook_load.py")]
WRK = ["taskset", "-c", LOAD_CORE, "wrk", "-t1"]


def _open_loop(target: Target, rate: int, seconds: float, prefix: str) -> dict[str, Any]:
    out = subprocess.run(
        [*LOAD, str(deliveries_file()), target.url, str(rate), str(seconds), prefix],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    return dict(json.loads(out.stdout))


def _closed_loop(target: Target, seconds: float, prefix: str) -> dict[str, Any]:
    script = wrk_script(prefix, path=target.path)
    out = subprocess.run(
        [
            *WRK,
            f"-c{CLOSED_CONNECTIONS}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            str(script),
            target.url.rsplit(target.path, 1)[0],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    result: dict[str, Any] = {"non_2xx": 0, "errors": 0}
    for line in out.stdout.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            result["acks_per_s"] = float(words[1])
        elif "requests in" in line:
            result["requests"] = int(words[0])
        elif line.startswith("Non-2xx"):
            result["non_2xx"] = int(words[-1])
        elif line.startswith("Socket errors"):
            result["errors"] = sum(int(w.strip(",")) for w in words[3::2])
        elif words[:1] in (["50%"], ["99%"]):
            result[f"p{words[0].rstrip('%')}_ms"] = _ms(words[1])
    return result


def _ms(text: str) -> float:
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
        if text.endswith(unit):
            return round(float(text[: -len(unit)]) * factor, 3)
    return float(text)


def _phase(target: Target, kind: str, rate: int, seconds: float, run: str) -> dict[str, Any]:
    prefix = f"{run}-{kind}{rate or ''}"
    before = target.counts() if target.stores else {}
    sampler = target.sample_backlog()
    cpu_before = target.cpu()
    started = time.monotonic()
    if kind == "open":
        result = _open_loop(target, rate, seconds, prefix)
    else:
        result = _closed_loop(target, seconds, prefix)
    load_time = time.monotonic() - started
    cpu_after = target.cpu()
    result["kind"], result["rate"] = kind, rate
    acks = result.get("acked") or result.get("requests", 0) - result.get("non_2xx", 0)
    if acks:  # CPU seconds of the server (and worker processes) per acknowledged delivery
        result["server_cpu_ms"] = round((cpu_after[0] - cpu_before[0]) * 1000 / acks, 3)
        if target.workers:
            result["worker_cpu_ms"] = round((cpu_after[1] - cpu_before[1]) * 1000 / acks, 3)
    if target.stores:
        after = target.counts()
        result["processed_per_s"] = round((after["finished"] - before["finished"]) / load_time, 1)
        drain_started = time.monotonic()
        while target.counts()["backlog"] and time.monotonic() - drain_started < DRAIN_LIMIT:
            time.sleep(0.25)
        result["drain_s"] = round(time.monotonic() - drain_started, 2)
        result["backlog"] = sampler.stop()
        end = target.counts()
        result["backlog_left"] = end["backlog"]
        acked = result.pop("acked_ids", None)
        if acked is not None:
            result["lost"] = len(set(acked) - target.stored_ids(prefix))
        else:
            result["lost"] = max(
                0,
                result.get("requests", 0)
                - result.get("non_2xx", 0)
                - (end["total"] - before["total"]),
            )
        result["reclaimed"] = end["reclaimed"] - before["reclaimed"]
    else:
        sampler.stop()
        result.pop("acked_ids", None)
    return result


def _warm_up(target: Target, run: str) -> None:
    """Two seconds at 300/s first: start-up work (JIT, lazy imports, pools) is not measured."""
    _open_loop(target, 300, 2.0, f"{run}-warmup")
    if target.stores:
        deadline = time.monotonic() + DRAIN_LIMIT
        while target.counts()["backlog"] and time.monotonic() < deadline:
            time.sleep(0.25)


def measure(target: Target, seconds: float, run: str) -> list[dict[str, Any]]:
    _warm_up(target, f"{run}-{target.name}")
    phases = [("open", rate) for rate in RATES] + [("closed", 0)]
    if target.name in ("null", "aiohttp"):
        phases = [("open", 1000), ("closed", 0)]
    return [_phase(target, kind, rate, seconds, f"{run}-{target.name}") for kind, rate in phases]


def kill_run(seconds: float) -> dict[str, Any]:
    """PostgreSQL + Redis at 1,000/s; one worker process killed a third of the way in."""
    with app_target("postgresql") as target:
        prefix = f"kill-{uuid.uuid4().hex[:6]}"
        _warm_up(target, prefix)
        load = subprocess.Popen(
            [*LOAD, str(deliveries_file()), target.url, "1000", str(seconds), prefix],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(seconds / 3)
        victim = target.workers[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        stdout, _ = load.communicate(timeout=seconds + 60)
        result = json.loads(stdout)
        started = time.monotonic()
        while target.counts()["backlog"] and time.monotonic() - started < 120:
            time.sleep(0.5)
        counts = target.counts()
        acked = set(result.pop("acked_ids"))
        result.update(
            lost=len(acked - target.stored_ids(prefix)),
            backlog_left=counts["backlog"],
            reclaimed=counts["reclaimed"],
            recovered_after_s=round(time.monotonic() - started, 1),
        )
        return result


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def summarise(runs: list[dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for name in runs[0]:
        for index, phase in enumerate(runs[0][name]):
            key = f"{name}/{phase['kind']}{phase['rate'] or ''}"
            rows = [run[name][index] for run in runs]
            fields = {k for row in rows for k, v in row.items() if isinstance(v, int | float)}
            summary[key] = {f: _median([row.get(f) for row in rows]) for f in sorted(fields)}
            summary[key]["lost_total"] = sum(row.get("lost", 0) for row in rows)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load phase")
    parser.add_argument("--targets", default="null,aiohttp,probot,sqlite,sqlite-split,postgresql")
    parser.add_argument("--kill", action="store_true", help="add the killed-worker run")
    parser.add_argument("--storm", action="store_true", help="add the rate-limit storm runs")
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("taskset") is None:
        print(
            "webhook_bench needs wrk and taskset (apt-get install wrk util-linux)", file=sys.stderr
        )
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    factories = {
        "null": null_target,
        "probot": probot_target,
        "aiohttp": aiohttp_target,
        "sqlite": lambda: app_target("sqlite"),
        "sqlite-split": lambda: app_target("sqlite", split=True),
        "postgresql": lambda: app_target("postgresql"),
    }
    names = args.targets.split(",")
    runs: list[dict[str, list[dict[str, Any]]]] = []
    for n in range(args.runs):  # interleaved: every target once per round
        run: dict[str, list[dict[str, Any]]] = {}
        for name in names:
            with factories[name]() as target:
                run[name] = measure(target, args.seconds, f"r{n}-{uuid.uuid4().hex[:4]}")
            print(f"round {n + 1} {name}: {json.dumps(run[name])}", file=sys.stderr)
        runs.append(run)
    report: dict[str, Any] = {"runs": runs, "median": summarise(runs) if runs else {}}
    if args.kill:
        report["kill"] = kill_run(args.seconds)
    if args.storm:
        report["storm"] = [storm_run(backend, args.seconds) for backend in ("sqlite", "postgresql")]
    (CACHE / "report.json").write_text(json.dumps(report, indent=1))
    shown = {k: report.get(k) for k in ("median", "kill", "storm")}
    print(json.dumps(shown, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
