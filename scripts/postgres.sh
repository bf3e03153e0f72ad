#!/usr/bin/env bash
# Make a PostgreSQL server available on 127.0.0.1 for the broker tests and print
# `export ACCORD_TEST_POSTGRES_URL=...`. Installs Debian's package when run as root.
set -euo pipefail
port="${ACCORD_PG_PORT:-54329}"
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
  else
    echo "PostgreSQL is not installed and cannot be installed here" >&2; exit 1
  fi
fi
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
data="${ACCORD_PG_DATA:-/tmp/accord-pg-$port}"
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); fi
if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  "${run_as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
fi
if ! "${run_as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  "${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k /tmp -c fsync=off -c max_connections=200" start >/dev/null
fi
"$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='accord_test'" \
  | grep -q 1 || "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres accord_test
echo "export ACCORD_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$port/accord_test"
