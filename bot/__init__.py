"""CI Autopilot: keeps a repository's CI green (triage, fixes, scoring, review queue)."""

__version__ = "0.1.0"
