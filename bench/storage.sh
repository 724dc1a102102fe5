#!/usr/bin/env bash
# Storage figures of one batond build: disk bytes per handoff, the size of
# the write-ahead log after HANDOFFS handoffs, and the time a restart takes
# to serve again (after SIGTERM, and after kill -9).
#
#   bash bench/storage.sh                       # this tree's build, 1,000,000 handoffs
#   HANDOFFS=100000 bash bench/storage.sh
#   BATOND=/path/to/old/batond bash bench/storage.sh   # another build, same load generator
#
# Each handoff is one CreateWorkItem and one OfferHandoff (64 in flight,
# durable), driven by baton-loadgen. Environment: BUILD_DIR (default build),
# BATOND, LOADGEN, HANDOFFS, BENCH_TMP (parent of the data directory: put it
# on the disk you want to measure).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
BATOND="${BATOND:-$BUILD_DIR/cmd/batond/batond}"
LOADGEN="${LOADGEN:-$BUILD_DIR/bench/baton-loadgen}"
HANDOFFS="${HANDOFFS:-1000000}"
TIME_LIMIT=900   # the whole load; a run of 10^6 handoffs takes a few minutes here

tmp="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/baton-storage.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

head -c 32 /dev/urandom | base64 | tr -d '\n' >"$tmp/key"

# Starts batond on $tmp/data and sets $started_in to the seconds until it
# serves (its --port_file is written once the port is serving).
start() {
  rm -f "$tmp/port"
  local t0 t1
  t0=$(date +%s.%N)
  "$BATOND" --listen=127.0.0.1:0 --port_file="$tmp/port" --data_dir="$tmp/data" \
    --jwt_key_file="$tmp/key" --log_level=warn --drain_seconds=5 \
    >>"$tmp/batond.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 6000); do
    [[ -s "$tmp/port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/batond.log" >&2; exit 1; }
    sleep 0.005
  done
  t1=$(date +%s.%N)
  started_in=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
}

stop() {  # $1: signal
  kill "-$1" "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

wal_bytes() { find "$tmp/data" -name '*.log' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
data_bytes() { du -sb "$tmp/data" | cut -f1; }

echo "== $BATOND, $HANDOFFS handoffs, data on $(df -PT "$tmp" | awk 'NR == 2 { print $2 }')"
start
timeout "$TIME_LIMIT" "$LOADGEN" --target="127.0.0.1:$(cat "$tmp/port")" --jwt_key_file="$tmp/key" \
  --mode=offer --items="$HANDOFFS" --count="$HANDOFFS" --warmup=0 | grep -E '^(create|offer) '
echo "wal_bytes_while_running $(wal_bytes)"
echo "wal_files_while_running $(find "$tmp/data" -name '*.log' | wc -l)"
stop KILL   # right after the last acknowledged offer: recovery replays the WAL
start
echo "restart_after_kill9_s $started_in"
echo "data_bytes $(data_bytes)"
echo "bytes_per_handoff $(( $(data_bytes) / HANDOFFS ))"
stop TERM
start
echo "restart_after_sigterm_s $started_in"
stop TERM
