"""A small DB-API wrapper that runs the same SQL on SQLite and PostgreSQL.

SQL in this project is written once with ``?`` placeholders and portable syntax
(``INSERT ... ON CONFLICT``, ``RETURNING``); ``{serial_pk}`` and ``{blob}`` in DDL
expand per dialect. Connections are guarded by a lock so async code may call in
through ``asyncio.to_thread``.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.config.settings import DEFAULT_STORE_URL
from bot.errors import UsageError

_DDL_TOKENS = {
    "sqlite": {"serial_pk": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"},
    "postgresql": {"serial_pk": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA"},
}
#: PostgreSQL advisory lock taken around DDL: concurrent ``CREATE ... IF NOT EXISTS`` race.
SCHEMA_LOCK = 0x6175746F  # "auto"
_PLACEHOLDER = re.compile(r"\?")

Row = dict[str, Any]


class Database:
    """One connection to SQLite (WAL) or PostgreSQL, with portable helpers."""

    def __init__(self, url: str = DEFAULT_STORE_URL) -> None:
        self.url = url
        parsed = urlparse(url)
        self._lock = threading.RLock()
        self._depth = 0
        #: An in-memory SQLite database: this connection is all of it.
        self.in_memory = False
        if parsed.scheme == "sqlite":
            self.dialect = "sqlite"
            path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
            if path in ("", ":memory:"):
                path = ":memory:"
                self.in_memory = True
            else:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.row_factory = sqlite3.Row
            self._conn: Any = conn
        elif parsed.scheme in ("postgresql", "postgres"):
            import psycopg
            from psycopg.rows import dict_row

            self.dialect = "postgresql"
            try:
                self._conn = psycopg.connect(url, autocommit=True, row_factory=dict_row)
            except psycopg.OperationalError as exc:
                raise UsageError(f"cannot connect to the store {redact(url)}: {exc}") from exc
        else:
            raise UsageError(
                f"unsupported AUTOPILOT_STORE {redact(url)!r}: "
                "use sqlite:///path.db or postgresql://user@host/db"
            )

    # -- SQL helpers -----------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else _PLACEHOLDER.sub("%s", sql)

    def ensure_schema(self, statements: Sequence[str]) -> None:
        """Run idempotent DDL (``CREATE ... IF NOT EXISTS``) with dialect tokens expanded."""
        with self.transaction():
            if self.dialect == "postgresql":  # processes starting together create it once
                self.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
            for ddl in statements:
                self.execute(ddl.format(**_DDL_TOKENS[self.dialect]))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock:
            cur = self._conn.execute(self._sql(sql), tuple(params))
            return int(cur.rowcount or 0)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            cur = self._conn.execute(self._sql(sql), tuple(params))
            return [dict(row) for row in cur.fetchall()]

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            cur = self._conn.execute(self._sql(sql), tuple(params))
            row = cur.fetchone()
            return dict(row) if row is not None else None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement over many rows (psycopg pipelines them: one round trip)."""
        with self._lock:
            if self.dialect == "sqlite":
                self._conn.executemany(sql, [tuple(r) for r in rows])
            else:
                with self._conn.cursor() as cur:
                    cur.executemany(self._sql(sql), [tuple(r) for r in rows])

    def changed_each(self, sql: str, rows: Sequence[Sequence[Any]]) -> list[bool]:
        """Run a write per row (an upsert that may do nothing, a fenced update): which changed."""
        with self._lock:
            if self.dialect == "sqlite":
                return [self._conn.execute(sql, tuple(r)).rowcount == 1 for r in rows]
            with self._conn.cursor() as cur:
                returning = self._sql(sql) + " RETURNING 1"
                cur.executemany(returning, [tuple(r) for r in rows], returning=True)
                new: list[bool] = []
                while True:
                    new.append(cur.fetchone() is not None)
                    if not cur.nextset():
                        return new

    def columns(self, table: str) -> set[str]:
        """The column names of ``table`` (empty when it does not exist)."""
        if self.dialect == "sqlite":
            return {str(r["name"]) for r in self.fetchall(f"PRAGMA table_info({table})")}
        rows = self.fetchall(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_schema = current_schema()",
            (table,),
        )
        return {str(r["column_name"]) for r in rows}

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction; nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
            self._conn.execute(begin)
            self._depth = 1
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def redact(url: str) -> str:
    """Hide a password in a connection URL before it reaches a log or an error."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)
