#!/usr/bin/env bash
# Builds batond and baton-loadgen, starts batond on a fresh data directory
# with a throw-away HS256 key, runs every load-generator mode against it in
# one run (health, create, offer, accept, health) and stops the server.
#
#   bash bench/run.sh                      # defaults: 64 in flight, 1 s + 5 s per mode
#   bash bench/run.sh --inflight=16        # extra flags go to baton-loadgen
#
# Environment: BUILD_DIR (default build), BATOND (the server binary; default
# this tree's: point it at another build to compare two builds with the
# same load generator), BENCH_TMP (parent of the temporary data directory;
# default $TMPDIR or /tmp: put it on the disk you want to measure, not on
# tmpfs), LOADGEN (the program in $BUILD_DIR/bench to run; default
# baton-loadgen, which also gets --mode=all --server_pid; bench/watch.sh
# runs baton-watch-latency).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
BATOND="${BATOND:-$BUILD_DIR/cmd/batond/batond}"
LOADGEN="${LOADGEN:-baton-loadgen}"
TIME_LIMIT=150   # seconds for the load generator; the whole run stays < 3 min

echo "== build"
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja >/dev/null
fi
timeout 600 ninja -C "$BUILD_DIR" -j2 batond "$LOADGEN" | tail -n 1

tmp="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/baton-bench.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fs="$(df -PT "$tmp" | awk 'NR == 2 { print $2 }')"
if [[ "$fs" == "tmpfs" || "$fs" == "ramfs" || "$(stat -f -c %T "$tmp")" == "tmpfs" ]]; then
  echo "warning: $tmp is on $fs: fsync costs nothing there, so 'durable' figures are not" >&2
  echo "         durable; set BENCH_TMP to a directory on a real disk" >&2
fi

head -c 32 /dev/urandom | base64 | tr -d '\n' >"$tmp/key"
chmod 600 "$tmp/key"

echo "== start $BATOND (data in $tmp/data, $fs)"
"$BATOND" --listen=127.0.0.1:0 --port_file="$tmp/port" \
  --data_dir="$tmp/data" --jwt_key_file="$tmp/key" --log_level=warn --drain_seconds=5 \
  >"$tmp/batond.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
  [[ -s "$tmp/port" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "batond exited during start-up:" >&2; cat "$tmp/batond.log" >&2; exit 1
  fi
  sleep 0.1
done
[[ -s "$tmp/port" ]] || { echo "batond did not write its port within 20 s" >&2; exit 1; }
port="$(cat "$tmp/port")"

echo "== load ($(nproc) cores, load generator on the same cores as the server)"
status=0
args=(--target="127.0.0.1:$port" --jwt_key_file="$tmp/key")
if [[ "$LOADGEN" == baton-loadgen ]]; then args+=(--mode=all --server_pid="$server_pid"); fi
timeout "$TIME_LIMIT" "$BUILD_DIR/bench/$LOADGEN" "${args[@]}" "$@" || status=$?

echo "== stop batond"
kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
if [[ $server_status -ne 0 ]]; then
  echo "batond exited with $server_status; its log:" >&2
  tail -n 20 "$tmp/batond.log" >&2
  [[ $status -ne 0 ]] || status=$server_status
fi
if [[ $status -eq 124 ]]; then echo "the load generator hit the ${TIME_LIMIT} s limit" >&2; fi
exit $status
