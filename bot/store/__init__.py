"""Persistence: one schema on SQLite (default) or PostgreSQL, chosen by ``AUTOPILOT_STORE``."""
