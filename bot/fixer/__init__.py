"""The fixer edge: walk a tree, run ruff and the pure fixers, validate and back out."""
