"""``ping``: GitHub's hello when a webhook is created; logged so operators see it arrive."""

from __future__ import annotations

import logging

from gidgethub.routing import Router

from bot.concerns.ports import Ports
from bot.core.events import Event

log = logging.getLogger(__name__)
router = Router()


@router.register("ping")
async def on_ping(event: Event, ports: Ports) -> None:
    hook_id = event.data.get("hook_id")
    zen = event.data.get("zen")
    log.info(f"pong: hook {hook_id} says {zen!r}", extra={"delivery": event.delivery_id})
