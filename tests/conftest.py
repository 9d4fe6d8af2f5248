"""Shared test set-up: fixtures live in ``tests/fixtures/`` (one module per area)."""

pytest_plugins = [
    "tests.fixtures.stores",
    "tests.fixtures.github",
    "tests.fixtures.webhooks",
]
