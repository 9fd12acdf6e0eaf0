# Sourced by proxy.sh, proxy_cost.sh and proxy_instructions.sh: the set-up they
# measure. Starts the mock model server (one thread) and `safegate serve` in front of it (the demo
# policy, SQLite on disk in $work, DURABILITY and WORKERS from the
# environment) and waits for both. Needs bin, mock, root, work and the pids
# array; sets mpid, mport, key, spid and port.
start_proxy_stack() {
  "$mock" --port 0 --threads 1 >"$work/mock.out" 2>&1 &
  mpid=$!
  pids+=($mpid)
  for _ in $(seq 100); do grep -q PORT "$work/mock.out" && break; sleep 0.1; done
  mport=$(awk '/PORT/ {print $2}' "$work/mock.out")
  key=$("$bin" serve keys create --db "sqlite:$work/serve.db" --name bench --role client)
  cat >"$work/serve.yaml" <<YAML
schema: safegate.serve/1
policy: $root/examples/demo/policy.yaml
durability: ${DURABILITY:-disk}
workers: ${WORKERS:-64}
upstream:
  url: http://127.0.0.1:$mport/v1
YAML
  # SERVE_WRAPPER: a command the server runs under (proxy_instructions.sh: valgrind).
  # shellcheck disable=SC2086
  ${SERVE_WRAPPER:-} "$bin" serve -c "$work/serve.yaml" --db "sqlite:$work/serve.db" --listen 127.0.0.1:0 \
    --port-file "$work/port" 2>"$work/server.log" &
  spid=$!
  pids+=($spid)
  # A first start compiles the keyword bank (tens of seconds on a loaded
  # machine; minutes under valgrind: START_SECONDS).
  for _ in $(seq $((${START_SECONDS:-60} * 10))); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "safegate serve did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  port=$(cat "$work/port")
}
