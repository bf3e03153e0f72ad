#!/usr/bin/env bash
# A PostgreSQL server on 127.0.0.1 for the broker tests (Debian's package, installed when run as root).
#   bash scripts/postgres.sh         start it (if needed); prints `export ACCORD_TEST_POSTGRES_URL=...`,
#                                    and `export ACCORD_PG_STARTED=1` when this call started it
#   bash scripts/postgres.sh stop    stop the server in its data directory
set -euo pipefail
port="${ACCORD_PG_PORT:-54329}"
data="${ACCORD_PG_DATA:-/tmp/accord-pg-$port}"
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ "${1:-start}" = stop ]; then
  bin="$(bin_dir)"
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] && "${run_as[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1
  exit 0
fi

if [ -z "$(bin_dir)" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing PostgreSQL (Debian's package)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1
  else
    echo "PostgreSQL is not installed and cannot be installed here (not root, or no apt-get)" >&2; exit 1
  fi
fi
bin="$(bin_dir)"
if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  "${run_as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
fi
if ! "${run_as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "starting PostgreSQL on 127.0.0.1:$port ($data)" >&2
  "${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c max_connections=200" start >/dev/null
  echo "export ACCORD_PG_STARTED=1"
fi
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='accord_test'" \
  | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres accord_test
echo "export ACCORD_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/accord_test"
