#!/usr/bin/env bash
# Stops the throwaway PostgreSQL of scripts/start-postgres.sh and removes its data.
set -euo pipefail
port=${SAFEGATE_PG_PORT:-5499}
dir=${SAFEGATE_PG_DIR:-/tmp/safegate-pg-$port}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -n "$bin" ] && [ -f "$dir/PG_VERSION" ]; then
  as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
fi
rm -rf "$dir" "$dir.initdb.log"
