#!/usr/bin/env bash
# Installs CI Autopilot and runs `autopilot serve` on the embedded SQLite store.
# With no App credentials in the environment it starts in sandbox mode against the
# built-in fake GitHub and plays a demo delivery through it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --no-services --runtime-only
export AUTOPILOT_NPM_DIR="$PWD/.cache/npm/node_modules"
exec .venv/bin/autopilot serve "$@"
