#!/usr/bin/env bash
# The rating service's benchmarks (issue 8), each measured side by side in
# one run:
#   scoreboard  GetDepartmentScoreboard (200 teams, 30-day window) at 1 call
#               in flight against a 10^4- and a 10^7-handoff history
#               (baton-scoreboard-bench; extra flags go to it);
#   apply       the rating consumer's apply rate against the handoff
#               service's write rate under full load (batond, baton-loadgen
#               --mode=accept, sampled by baton-consumer-probe), then the
#               catch-up rate of a baton-rating started after CATCHUP_ITEMS
#               items were created, offered and accepted.
#
#   bash bench/rating.sh                          # both
#   bash bench/rating.sh scoreboard --handoffs_large=200000 --rounds=3
#   bash bench/rating.sh apply
#   HANDOFFS_LARGE=... LOAD_SECONDS=20 CATCHUP_ITEMS=100000 bash bench/rating.sh
#
# Environment: BUILD_DIR (default build), BENCH_TMP (parent of the
# temporary directories; default $TMPDIR or /tmp), SCOREBOARD_DATA (the
# scoreboard's --data_dir: kept and reused, so the 10^7 load is paid once),
# HANDOFFS_LARGE (default 10000000), LOAD_SECONDS (measured seconds per
# loadgen mode; default 10), CATCHUP_ITEMS (default 50000).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
HANDOFFS_LARGE="${HANDOFFS_LARGE:-10000000}"
LOAD_SECONDS="${LOAD_SECONDS:-10}"
CATCHUP_ITEMS="${CATCHUP_ITEMS:-50000}"
what="${1:-all}"
[[ $# -gt 0 ]] && shift

echo "== build"
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
timeout 1800 ninja -C "$BUILD_DIR" -j2 batond baton-handoff baton-feedback baton-rating \
  baton-loadgen baton-scoreboard-bench baton-consumer-probe | tail -n 1

tmp="$(mktemp -d "${BENCH_TMP:-${TMPDIR:-/tmp}}/baton-rating-bench.XXXXXX")"
declare -A pids=()
stop() {  # $1: name; SIGTERM, then wait (a non-zero exit is reported)
  local pid="${pids[$1]:-}"
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local status=0
  wait "$pid" || status=$?
  unset "pids[$1]"
  if [[ $status -ne 0 ]]; then
    echo "$1 exited with $status; its log:" >&2
    tail -n 20 "$tmp/$1.log" >&2
  fi
}
cleanup() {
  for name in "${!pids[@]}"; do kill -KILL "${pids[$name]}" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
head -c 32 /dev/urandom | base64 | tr -d '\n' >"$tmp/key"
chmod 600 "$tmp/key"

# start NAME BINARY ARGS...: serves on 127.0.0.1:0 with a fresh data dir;
# sets port[NAME] once it serves.
declare -A port=()
start() {
  local name="$1" binary="$2"
  shift 2
  "$binary" --listen=127.0.0.1:0 --port_file="$tmp/$name.port" --data_dir="$tmp/$name" \
    --jwt_key_file="$tmp/key" --log_level=warn --drain_seconds=5 "$@" >"$tmp/$name.log" 2>&1 &
  pids[$name]=$!
  for _ in $(seq 1 300); do
    [[ -s "$tmp/$name.port" ]] && break
    kill -0 "${pids[$name]}" 2>/dev/null || { echo "$name exited:" >&2; cat "$tmp/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -s "$tmp/$name.port" ]] || { echo "$name did not serve within 30 s" >&2; exit 1; }
  port[$name]="$(cat "$tmp/$name.port")"
}

scoreboard() {
  echo "== scoreboard: 10^4 vs $HANDOFFS_LARGE handoffs, 1 call in flight"
  local data=()
  [[ -n "${SCOREBOARD_DATA:-}" ]] && data=(--data_dir="$SCOREBOARD_DATA")
  BENCH_TMP="$tmp" "$BUILD_DIR/bench/baton-scoreboard-bench" --handoffs_large="$HANDOFFS_LARGE" \
    "${data[@]}" "$@"
}

apply() {
  local loadgen="$BUILD_DIR/bench/baton-loadgen" probe="$BUILD_DIR/bench/baton-consumer-probe"
  echo "== apply, live: batond under baton-loadgen --mode=accept (${LOAD_SECONDS} s per mode)"
  start batond "$BUILD_DIR/cmd/batond/batond"
  "$probe" --target="127.0.0.1:${port[batond]}" --jwt_key_file="$tmp/key" --until=idle \
    --samples_out="$tmp/live.jsonl" >"$tmp/probe-live.txt" 2>&1 &
  local probe_pid=$!
  timeout 600 "$loadgen" --target="127.0.0.1:${port[batond]}" --jwt_key_file="$tmp/key" \
    --mode=accept --duration="$LOAD_SECONDS" --server_pid="${pids[batond]}" "$@" |
    sed -n '/^mode/,/^$/p'
  wait "$probe_pid"
  cat "$tmp/probe-live.txt"
  stop batond

  echo "== apply, catch-up: baton-rating started after $CATCHUP_ITEMS items were created, offered and accepted"
  start handoff "$BUILD_DIR/cmd/baton-handoff/baton-handoff"
  start feedback "$BUILD_DIR/cmd/baton-feedback/baton-feedback" \
    --handoff_address="127.0.0.1:${port[handoff]}"
  timeout 900 "$loadgen" --target="127.0.0.1:${port[handoff]}" --jwt_key_file="$tmp/key" \
    --mode=accept --items="$CATCHUP_ITEMS" --duration=600 --warmup=0 | sed -n '/^mode/,/^$/p'
  start rating "$BUILD_DIR/cmd/baton-rating/baton-rating" \
    --handoff_address="127.0.0.1:${port[handoff]}" --feedback_address="127.0.0.1:${port[feedback]}"
  "$probe" --target="127.0.0.1:${port[rating]}" --jwt_key_file="$tmp/key" --until=live \
    --samples_out="$tmp/catchup.jsonl" | tail -n 4
  stop rating
  stop feedback
  stop handoff
}

case "$what" in
  scoreboard) scoreboard "$@" ;;
  apply) apply "$@" ;;
  all) scoreboard; apply ;;
  *) echo "usage: bench/rating.sh [scoreboard|apply|all] [flags]" >&2; exit 2 ;;
esac
