"""The servers ``webhook_bench.py`` loads: null servers, Probot, and the App on each store.

Each target starts pinned to ``SERVER_CORE``, answers on 127.0.0.1, and stops when its
``with`` block ends. The App's targets also read their store (counts, backlog samples).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.app.local_worker import STARTED as LOCAL_STARTED
from bot.core.signature import sign
from bot.store.db import Database

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench-webhook"
PROBOT_DIR = ROOT / ".cache" / "bench-probot"
SECRET = "bench-webhook-secret"
SERVER_CORE, WORKER_CORE, LOAD_CORE = "1", "0", "0"
POSTGRES = os.environ.get("AUTOPILOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("AUTOPILOT_BENCH_REDIS", "redis://127.0.0.1:6379/3")
#: Server settings for the App's PostgreSQL sessions, e.g. ``-c commit_delay=200``.
PG_OPTIONS = os.environ.get("AUTOPILOT_BENCH_PG_OPTIONS", "")
NULL_SERVER = """require('http').createServer((q, s) => {
  q.resume(); q.on('end', () => { s.writeHead(202, {'content-length': 0}); s.end(); });
}).listen(+process.env.PORT, '127.0.0.1');"""


class Sampler:
    """Samples the App's backlog once a second in a thread until stopped."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if target.stores:
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(self.target.counts()["backlog"])

    def stop(self) -> list[int]:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.samples


@dataclass
class Target:
    name: str
    url: str
    path: str
    server: subprocess.Popen[bytes]
    stores: bool = False
    db: Database | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        assert self.db is not None
        row = self.db.fetchone(
            "SELECT COUNT(*) AS total, "
            "SUM(CASE WHEN due_at IS NOT NULL THEN 1 ELSE 0 END) AS backlog, "
            "SUM(CASE WHEN finished_at IS NOT NULL THEN 1 ELSE 0 END) AS finished, "
            "SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END) AS reclaimed FROM deliveries"
        )
        return {k: int(v or 0) for k, v in (row or {}).items()}

    def stored_ids(self, prefix: str) -> set[str]:
        assert self.db is not None
        rows = self.db.fetchall(
            "SELECT delivery_id FROM deliveries WHERE delivery_id LIKE ?", (f"{prefix}-%",)
        )
        return {str(r["delivery_id"]) for r in rows}

    def in_flight(self) -> set[str]:
        """Ids claimed and not finished."""
        assert self.db is not None
        rows = self.db.fetchall("SELECT delivery_id FROM deliveries WHERE status = 'processing'")
        return {str(r["delivery_id"]) for r in rows}

    def redone(self, ids: set[str]) -> list[float]:
        """When those of ``ids`` that were claimed again finished (epoch seconds)."""
        assert self.db is not None
        rows = self.db.fetchall(
            "SELECT delivery_id, finished_at FROM deliveries WHERE attempts > 1 "
            "AND finished_at IS NOT NULL"
        )
        return [float(r["finished_at"]) for r in rows if r["delivery_id"] in ids]

    def sample_backlog(self) -> Sampler:
        return Sampler(self)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds used so far by the server and by the worker processes."""
        return _cpu([self.server]), _cpu(self.workers)


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(procs: list[subprocess.Popen[bytes]]) -> float:
    total = 0.0
    for proc in procs:
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it exited (a killed worker)
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    return total


def deliveries_file() -> Path:
    """Signed bodies of the real example payloads whose events need no GitHub call."""
    path = CACHE / "deliveries.json"
    if path.exists():
        return path
    from gidgethub import sansio

    from bot.concerns import compose_router
    from bot.fakegh.webhooks import load_examples

    router = compose_router()
    chosen = []
    for example in load_examples():
        event = sansio.Event(example.payload, event=example.event, delivery_id="x")
        if example.event != "ping" and router.fetch(event):
            continue  # a concern would call GitHub for it
        body = json.dumps(example.payload, separators=(",", ":"))
        signature = sign(SECRET, body.encode())
        chosen.append({"event": example.event, "body": body, "signature": signature})
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chosen))
    return path


def wrk_script(prefix: str, *, path: str) -> Path:
    """A wrk Lua script sending the examples round-robin, each with a new delivery id."""
    entries = []
    for d in json.loads(deliveries_file().read_text()):
        level = "=" * 4
        entries.append(f'{{"{d["event"]}", "{d["signature"]}", [{level}[{d["body"]}]{level}]}}')
    script = CACHE / f"wrk-{prefix}.lua"
    script.write_text(
        "local entries = {\n" + ",\n".join(entries) + "\n}\n"
        "local n = 0\nlocal threads = 0\n"
        'function setup(thread) threads = threads + 1; thread:set("tid", threads) end\n'
        "function request()\n  n = n + 1\n  local e = entries[(n % #entries) + 1]\n"
        f'  local id = "{prefix}-" .. tostring(tid) .. "-" .. n\n'
        f'  return wrk.format("POST", "{path}", {{["Content-Type"] = "application/json", '
        '["X-GitHub-Event"] = e[1], ["X-Hub-Signature-256"] = e[2], '
        '["X-GitHub-Delivery"] = id}, e[3])\nend\n'
    )
    return script


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], *, health: str | None = None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if health:
                with urllib.request.urlopen(health, timeout=1) as response:
                    if response.status == 200:
                        return
            else:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start within 60 s")


def _started(log: str) -> int:
    """Worker processes that said they started: arq's, and the local queue's."""
    return log.count("Starting worker for") + log.count(LOCAL_STARTED)


def _wait_started(log: Path, workers: list[subprocess.Popen[bytes]]) -> None:
    """Until every worker process has started (a loaded machine takes seconds to import)."""
    deadline = time.monotonic() + 60
    while _started(log.read_text(errors="replace")) < len(workers):
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            raise RuntimeError("the worker processes did not start")
        time.sleep(0.1)
    time.sleep(1.0)  # each opens its store and sweeps once


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _pinned(core: str, *command: str) -> list[str]:
    return ["taskset", "-c", core, *command]


@contextmanager
def null_target() -> Iterator[Target]:
    port = _free_port()
    proc = subprocess.Popen(
        _pinned(SERVER_CORE, "node", "-e", NULL_SERVER), env={**os.environ, "PORT": str(port)}
    )
    try:
        _wait_listening(port, proc)
        yield Target("null", f"http://127.0.0.1:{port}/webhook", "/webhook", proc)
    finally:
        _stop([proc])


@contextmanager
def aiohttp_target() -> Iterator[Target]:
    """Bare aiohttp answering 202 (``benchmarks/aiohttp_floor.py``): the App's stack, alone."""
    port = _free_port()
    script = str(ROOT / "benchmarks" / "aiohttp_floor.py")
    proc = subprocess.Popen(
        _pinned(SERVER_CORE, str(ROOT / ".venv" / "bin" / "python"), script),
        env={**os.environ, "PORT": str(port)},
    )
    try:
        _wait_listening(port, proc)
        yield Target("aiohttp", f"http://127.0.0.1:{port}/webhook", "/webhook", proc)
    finally:
        _stop([proc])


def _install_probot() -> None:
    if (PROBOT_DIR / "node_modules" / "probot").exists():
        return
    PROBOT_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json", "app.js"):
        shutil.copy(ROOT / "benchmarks" / "probot" / name, PROBOT_DIR / name)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PROBOT_DIR, check=True)


def _private_key() -> Path:
    path = CACHE / "app-key.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
    return path


@contextmanager
def probot_target() -> Iterator[Target]:
    _install_probot()
    shutil.copy(ROOT / "benchmarks" / "probot" / "app.js", PROBOT_DIR / "app.js")
    port = _free_port()
    env = {
        **os.environ,
        "APP_ID": "1",
        "PRIVATE_KEY_PATH": str(_private_key()),
        "WEBHOOK_SECRET": SECRET,
        "PORT": str(port),
        "HOST": "127.0.0.1",
    }
    log = (CACHE / "probot.log").open("wb")
    command = _pinned(SERVER_CORE, "node", "node_modules/probot/bin/probot.js", "run", "./app.js")
    proc = subprocess.Popen(command, cwd=PROBOT_DIR, env=env, stdout=log, stderr=log)
    try:
        _wait_listening(port, proc)
        path = "/api/github/webhooks"
        yield Target("probot", f"http://127.0.0.1:{port}{path}", path, proc)
    finally:
        _stop([proc])
        log.close()


@contextmanager
def app_target(
    backend: str, *, api_url: str = "http://127.0.0.1:9", split: bool = False
) -> Iterator[Target]:
    """``autopilot serve`` on SQLite (local workers) or PostgreSQL + Redis (2 workers).

    ``split`` (SQLite): ``serve --no-workers`` only acknowledges, and one ``autopilot
    worker`` process (its two local workers) processes, pinned beside the load generators.
    """
    port = _free_port()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    if backend == "sqlite":
        db_path = CACHE / f"{schema}.db"
        store, queue = f"sqlite:///{db_path}", "local"
    else:
        import psycopg
        import redis

        with psycopg.connect(POSTGRES, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        store = f"{POSTGRES}?options={quote(f'-csearch_path={schema} {PG_OPTIONS}'.strip())}"
        queue = REDIS
        redis.Redis.from_url(REDIS).flushdb()
    env = {
        **os.environ,
        "AUTOPILOT_WEBHOOK_SECRET": SECRET,
        "AUTOPILOT_APP_ID": "1",
        "AUTOPILOT_PRIVATE_KEY_PATH": str(_private_key()),
        "AUTOPILOT_STORE": store,
        "AUTOPILOT_QUEUE": queue,
        "GITHUB_API_URL": api_url,
    }
    autopilot = str(ROOT / ".venv" / "bin" / "autopilot")
    log = (CACHE / f"app-{backend}.log").open("wb")
    command = _pinned(SERVER_CORE, autopilot, "serve", "--port", str(port))
    if split:
        command.append("--no-workers")
    procs = [subprocess.Popen(command, env=env, stdout=log, stderr=log)]
    db: Database | None = None
    try:
        _wait_listening(port, procs[0], health=f"http://127.0.0.1:{port}/healthz")
        workers = []
        if backend != "sqlite" or split:
            for _ in range(1 if split else 2):
                command = _pinned(WORKER_CORE, autopilot, "worker")
                workers.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
            procs += workers
            _wait_started(CACHE / f"app-{backend}.log", workers)
        db = Database(store)
        yield Target(
            f"app-{backend}{'-split' if split else ''}",
            f"http://127.0.0.1:{port}/webhook",
            "/webhook",
            procs[0],
            stores=True,
            db=db,
            workers=workers,
        )
    finally:
        _stop(procs)
        log.close()
        if db is not None:
            db.close()
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        else:
            import psycopg

            with psycopg.connect(POSTGRES, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def describe(result: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in result.items() if k != "acked_ids"})
