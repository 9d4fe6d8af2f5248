"""The fake's REST routes, one module per area of the API; ``ROUTERS`` composes them."""

from bot.fakegh.routes import (
    actions,
    apps,
    archives,
    checks,
    contents,
    git,
    issues,
    manifest,
    pulls,
    reactions,
    repos,
    reviews,
    workflows,
)

ROUTERS = (
    apps.router,
    repos.router,
    git.router,
    contents.router,
    issues.router,
    reactions.router,
    pulls.router,
    checks.router,
    actions.router,
    workflows.router,
    manifest.router,
    # The fix journey: source archives, commit listings, reviews.
    archives.router,
    reviews.router,
)
