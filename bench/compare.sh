#!/usr/bin/env bash
# Two batond builds side by side in one run, alternating so that drift on
# this noisy machine falls on both: durable offers per second (64 in
# flight) with no watchers and with WATCHERS idle WatchInbox streams (open,
# never read, on a team that gets no offers), ROUNDS times each. The load
# generator is this tree's for both builds.
#
#   bash bench/compare.sh /path/to/old/batond            # old vs this tree's build
#   ROUNDS=5 WATCHERS=2000 bash bench/compare.sh OLD [NEW]
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:?usage: bench/compare.sh OLD_BATOND [NEW_BATOND]}"
new="${2:-build/cmd/batond/batond}"
ROUNDS="${ROUNDS:-3}"
WATCHERS="${WATCHERS:-2000}"

run() {  # $1: label, $2: batond, $3: watchers
  local line
  line=$(BATOND="$2" bash bench/run.sh --mode=offer --watchers="$3" --allow_errors 2>&1 |
    grep -E '^offer ' || echo "offer (failed)")
  printf '%-4s watchers=%-5s %s\n' "$1" "$3" "$line"
}

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round"
  for watchers in 0 "$WATCHERS"; do
    run old "$old" "$watchers"
    run new "$new" "$watchers"
  done
done
