#!/usr/bin/env bash
# The whole test suite, from a fresh machine: Python packages, PostgreSQL and Chromium included.
source "$(dirname "$0")/_venv.sh"
if [ -z "${ACCORD_TEST_POSTGRES_URL:-}" ]; then
  if pg_env="$(bash scripts/postgres.sh)"; then eval "$pg_env"; else
    echo "warning: no PostgreSQL; the broker tests run on SQLite only" >&2; fi
fi
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
    echo "warning: Chromium could not be installed; browser tests will fail" >&2
fi
bash scripts/npm_tools.sh || echo "warning: the npm tools (pact-js, Ruby pact-broker) could not be installed; tests/interop/test_npm_* will fail" >&2
python -m pytest "$@"
