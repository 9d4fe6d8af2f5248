"""One module per concern, each exporting ``router``; ``compose_router`` joins them once."""

from __future__ import annotations

from gidgethub.routing import Router


def compose_router() -> Router:
    """The App's and the Action's router: every concern, in one place."""
    from bot.concerns import (
        autofix,
        check_buttons,
        ci_failure,
        ci_recovery,
        commands,
        installation,
        ping,
        plans,
        schedule,
    )

    return Router(
        ci_failure.router,
        ci_recovery.router,
        installation.router,
        ping.router,
        # people steering the bot: slash-commands and check-run buttons
        commands.router,
        check_buttons.router,
        autofix.router,  # journey 2: fix, validate, route
        # plans and the schedule
        plans.router,
        schedule.router,
    )
