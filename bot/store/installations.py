"""The App's installations and the repositories each one covers, as the webhooks report them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.store.db import Database

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS installations (
        installation_id BIGINT PRIMARY KEY, account TEXT, account_type TEXT,
        status TEXT NOT NULL, repository_selection TEXT, updated_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS installation_repositories (
        installation_id BIGINT NOT NULL, full_name TEXT NOT NULL,
        PRIMARY KEY (installation_id, full_name))""",
)


@dataclass(frozen=True)
class Installation:
    installation_id: int
    account: str | None
    account_type: str | None
    status: str
    repository_selection: str | None
    repositories: tuple[str, ...]


class InstallationRecords:
    """Installations on ``self.db``; mixed into the App's ``Store``."""

    db: Database
    clock: Callable[[], float]

    async def save_installation(
        self,
        installation_id: int,
        *,
        status: str,
        account: str | None = None,
        account_type: str | None = None,
        repository_selection: str | None = None,
    ) -> None:
        """Insert or update; ``None`` fields keep what is stored (idempotent replays)."""
        await asyncio.to_thread(
            self.db.execute,
            "INSERT INTO installations (installation_id, account, account_type, status, "
            "repository_selection, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (installation_id) DO UPDATE SET status = excluded.status, "
            "account = COALESCE(excluded.account, installations.account), "
            "account_type = COALESCE(excluded.account_type, installations.account_type), "
            "repository_selection = COALESCE(excluded.repository_selection, "
            "installations.repository_selection), updated_at = excluded.updated_at",
            (installation_id, account, account_type, status, repository_selection, self.clock()),
        )

    def _change_repositories(
        self, installation_id: int, added: Iterable[str], removed: Iterable[str], replace: bool
    ) -> None:
        with self.db.transaction():
            if replace:
                self.db.execute(
                    "DELETE FROM installation_repositories WHERE installation_id = ?",
                    (installation_id,),
                )
            for name in removed:
                self.db.execute(
                    "DELETE FROM installation_repositories "
                    "WHERE installation_id = ? AND full_name = ?",
                    (installation_id, name),
                )
            for name in added:
                self.db.execute(
                    "INSERT INTO installation_repositories (installation_id, full_name) "
                    "VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (installation_id, name),
                )

    async def change_repositories(
        self,
        installation_id: int,
        *,
        added: Iterable[str] = (),
        removed: Iterable[str] = (),
        replace: bool = False,
    ) -> None:
        """Add/remove repositories; ``replace`` first forgets the stored list."""
        await asyncio.to_thread(
            self._change_repositories, installation_id, list(added), list(removed), replace
        )

    async def installation(self, installation_id: int) -> Installation | None:
        row = await asyncio.to_thread(
            self.db.fetchone,
            "SELECT installation_id, account, account_type, status, repository_selection "
            "FROM installations WHERE installation_id = ?",
            (installation_id,),
        )
        if row is None:
            return None
        repos = await asyncio.to_thread(
            self.db.fetchall,
            "SELECT full_name FROM installation_repositories WHERE installation_id = ? "
            "ORDER BY full_name",
            (installation_id,),
        )
        return Installation(**row, repositories=tuple(r["full_name"] for r in repos))
