"""Validation: run a repository's own checks on a patched tree and measure the five signals."""
