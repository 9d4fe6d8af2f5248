"""``ping``: GitHub's hello when a webhook is created; logged so operators see it arrive."""

from __future__ import annotations

import logging

from gidgethub.routing import Router

from bot.config.settings import Settings
from bot.core.events import Event
from bot.github.client import GitHubClient
from bot.store.deliveries import Store

log = logging.getLogger(__name__)
router = Router()


@router.register("ping")
async def on_ping(event: Event, gh: GitHubClient, *, store: Store, config: Settings) -> None:
    hook_id = event.data.get("hook_id")
    zen = event.data.get("zen")
    log.info(f"pong: hook {hook_id} says {zen!r}", extra={"delivery": event.delivery_id})
