#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests (idempotent)
# and prints its URL. Data lives under /tmp; fsync is off (test data only).
#   usage: scripts/start-postgres.sh   -> postgresql://postgres@127.0.0.1:5499/postgres
# Env: SAFEGATE_PG_PORT (5499), SAFEGATE_PG_DIR (/tmp/safegate-pg-$PORT).
set -euo pipefail
port=${SAFEGATE_PG_PORT:-5499}
dir=${SAFEGATE_PG_DIR:-/tmp/safegate-pg-$port}
url="postgresql://postgres@127.0.0.1:$port/postgres"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "start-postgres: no PostgreSQL server installed (apt-get install postgresql)" >&2
  exit 1
fi
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  echo "$url"
  exit 0
fi
if [ ! -f "$dir/PG_VERSION" ]; then
  rm -rf "$dir"
  if [ "$(id -u)" = 0 ]; then install -d -o postgres -g postgres "$dir"; else mkdir -p "$dir"; fi
  as_pg "$bin/initdb" -D "$dir" -A trust -U postgres --no-sync -E UTF8 >"$dir.initdb.log" 2>&1 || {
    cat "$dir.initdb.log" >&2
    exit 1
  }
fi
as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
  start >/dev/null || {
  cat "$dir/server.log" >&2
  exit 1
}
echo "$url"
