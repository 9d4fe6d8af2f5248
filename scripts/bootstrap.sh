#!/usr/bin/env bash
# Installs everything CI Autopilot needs on a fresh machine, idempotently:
#   - a virtualenv in .venv with the package and its dev extra
#   - the pinned npm packages of GitHub's descriptions and example payloads in .cache/npm
#   - PostgreSQL and Redis started when they are not running (tests need real servers)
# Usage: scripts/bootstrap.sh [--no-services] [--runtime-only]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SERVICES=1
EXTRA="[dev]"
for arg in "$@"; do
  case "$arg" in
    --no-services) SERVICES=0 ;;
    --runtime-only) EXTRA="" ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
STAMP=".venv/.installed$(echo "$EXTRA" | tr -d '[]')"
if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  say "installing ci-autopilot$EXTRA into .venv"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".$EXTRA"
  touch "$STAMP"
fi

# Pinned npm packages (GitHub's OpenAPI description, webhook examples, workflow parser).
NPM_DIR="$ROOT/.cache/npm"
if command -v npm >/dev/null 2>&1; then
  if [ ! -f "$NPM_DIR/.installed" ] || ! cmp -s testdata/npm/package-lock.json "$NPM_DIR/package-lock.json"; then
    say "installing pinned npm test data into .cache/npm"
    mkdir -p "$NPM_DIR"
    cp testdata/npm/package.json testdata/npm/package-lock.json "$NPM_DIR/"
    (cd "$NPM_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >&2
    touch "$NPM_DIR/.installed"
  fi
else
  say "npm not found: install Node.js 20+ (apt-get install nodejs npm); the fake GitHub needs @octokit/openapi"
  exit 2
fi

start_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing PostgreSQL from Debian packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    say "PostgreSQL is not reachable on 127.0.0.1:5432: start it, or set AUTOPILOT_TEST_POSTGRES"
    return 1
  fi
  psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='test'" 2>/dev/null | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null 2>&1 || true
}

start_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Redis from Debian packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  if command -v redis-server >/dev/null 2>&1; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/autopilot-redis.log
  fi
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Redis is not reachable on 127.0.0.1:6379: start it, or set AUTOPILOT_TEST_REDIS"
    return 1
  fi
}

if [ "$SERVICES" = 1 ]; then
  start_postgres
  start_redis
fi
say "ready"
