#!/usr/bin/env bash
# The whole test suite, from a fresh machine: Python packages, PostgreSQL and Chromium included.
#
#   bash scripts/test.sh             lint (ruff), types (mypy), then every test, in parallel
#   bash scripts/test.sh --quick     the fast selection (no official tools, browser, PostgreSQL
#                                    or slow tests): under a minute, for the edit-test loop
#   bash scripts/test.sh -- ARGS     extra pytest arguments (e.g. -- tests/model -x)
#
# Environment: ACCORD_TEST_POSTGRES_URL (use your own PostgreSQL; otherwise one is started on
# 127.0.0.1 and stopped at exit), ACCORD_TEST_WORKERS (pytest-xdist workers; default: one per core).
source "$(dirname "$0")/_venv.sh"

quick=0
pytest_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) pytest_args+=("$1") ;;
  esac
  shift
done

step() { printf '== %s\n' "$*"; }

step "ruff"
ruff check -q src tests benchmarks scripts examples
step "mypy"
mypy

if [ "$quick" = 1 ]; then
  step "pytest (quick selection)"
  exec python -m pytest -q -n "${ACCORD_TEST_WORKERS:-auto}" \
    -m "not (interop or postgres or browser or slow)" "${pytest_args[@]}"
fi

if [ -z "${ACCORD_TEST_POSTGRES_URL:-}" ]; then
  step "PostgreSQL"
  pg_env="$(bash scripts/postgres.sh)" || {
    echo "error: no PostgreSQL for the broker tests; install it, or point ACCORD_TEST_POSTGRES_URL" \
         "at a server of your own" >&2; exit 1; }
  eval "$pg_env"
  if [ "${ACCORD_PG_STARTED:-0}" = 1 ]; then
    trap 'bash scripts/postgres.sh stop' EXIT
    trap 'exit 130' INT TERM
  fi
fi

if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  step "Chromium (Debian's package)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || \
    echo "warning: Chromium could not be installed; the browser tests will fail" >&2
fi

step "npm tools (pact-js, the Ruby pact-broker client and verifier)"
bash scripts/npm_tools.sh || echo "warning: the npm tools could not be installed; tests/interop/test_npm_* will fail" >&2

step "pytest"
python -m pytest -n "${ACCORD_TEST_WORKERS:-auto}" "${pytest_args[@]}"
