#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what it needs, then runs
# lint (ruff), types (mypy) and pytest against the real PostgreSQL and Redis.
# Extra arguments go to pytest, e.g. scripts/test.sh -k triage
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export AUTOPILOT_NPM_DIR="$PWD/.cache/npm/node_modules"
export AUTOPILOT_TEST_POSTGRES="${AUTOPILOT_TEST_POSTGRES:-postgresql://postgres@127.0.0.1:5432/test}"
export AUTOPILOT_TEST_REDIS="${AUTOPILOT_TEST_REDIS:-redis://127.0.0.1:6379/15}"
echo "==> ruff" >&2
.venv/bin/ruff check bot tests benchmarks testdata/corpora
.venv/bin/ruff format --check bot tests benchmarks testdata/corpora
echo "==> mypy" >&2
.venv/bin/mypy
echo "==> pytest" >&2
exec .venv/bin/python -m pytest -q -ra "$@"
