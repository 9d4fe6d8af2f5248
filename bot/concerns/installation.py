"""Installations: who installed the App, on which repositories, and whether it is suspended."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core.events import Event
from bot.store.deliveries import Store

log = logging.getLogger(__name__)
router = Router()

#: ``installation`` actions and the status each one leaves the installation in.
STATUS = {
    "created": "active",
    "new_permissions_accepted": "active",
    "unsuspend": "active",
    "suspend": "suspended",
    "deleted": "deleted",
}
#: Actions after which the API's list of repositories is the truth to reconcile with.
RECONCILE = frozenset({"created", "new_permissions_accepted", "unsuspend"})


def _names(repositories: Any) -> list[str]:
    if not isinstance(repositories, list):
        return []
    return [
        str(repo["full_name"])
        for repo in repositories
        if isinstance(repo, Mapping) and isinstance(repo.get("full_name"), str)
    ]


def _account(installation: Mapping[str, Any]) -> tuple[str | None, str | None]:
    account = installation.get("account")
    if not isinstance(account, Mapping):
        return None, None
    login = account.get("login") or account.get("slug") or account.get("name")
    kind = account.get("type")
    return (str(login) if login else None, str(kind) if kind else None)


async def _save(event: Event, store: Store, status: str) -> int | None:
    installation = event.data.get("installation")
    if event.installation_id is None or not isinstance(installation, Mapping):
        log.warning(
            "installation event without an installation id", extra={"delivery": event.delivery_id}
        )
        return None
    account, account_type = _account(installation)
    selection = installation.get("repository_selection") or event.data.get("repository_selection")
    await store.save_installation(
        event.installation_id,
        status=status,
        account=account,
        account_type=account_type,
        repository_selection=str(selection) if selection else None,
    )
    return event.installation_id


@router.register("installation")
async def on_installation(event: Event, ports: Ports) -> None:
    store, gh = ports.stores.deliveries, ports.gh
    status = STATUS.get(event.action or "")
    if status is None:
        log.info(
            "installation action not tracked",
            extra={"delivery": event.delivery_id, "action": event.action},
        )
        return
    installation_id = await _save(event, store, status)
    if installation_id is None:
        return
    repos = _names(event.data.get("repositories"))
    if event.action == "deleted" or (event.action == "created" and repos):
        # A deleted installation reaches nothing any more; "created" lists what it reaches.
        added = repos if event.action == "created" else []
        await store.change_repositories(installation_id, added=added, replace=True)
    log.info(
        f"installation {status}",
        extra={"delivery": event.delivery_id, "installation": installation_id, "status": status},
    )
    # The payload's list is a snapshot; the API is the truth (and covers unsuspend, which
    # carries none). Only an App client acting as this installation can ask.
    if event.action in RECONCILE and gh.installation_id == installation_id:
        names = [
            str(repo["full_name"])
            async for repo in gh.getiter("/installation/repositories", iterable_key="repositories")
        ]
        await store.change_repositories(installation_id, added=names, replace=True)


@router.register("installation_repositories")
async def on_installation_repositories(event: Event, ports: Ports) -> None:
    store = ports.stores.deliveries
    installation_id = await _save(event, store, "active")
    if installation_id is None:
        return
    added = _names(event.data.get("repositories_added"))
    removed = _names(event.data.get("repositories_removed"))
    await store.change_repositories(installation_id, added=added, removed=removed)
    log.info(
        f"installation repositories: +{len(added)} -{len(removed)}",
        extra={"delivery": event.delivery_id, "installation": installation_id},
    )
