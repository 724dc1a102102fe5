#!/usr/bin/env bash
# Event to scoreboard: acknowledged AcceptHandoff → the WatchScoreboard
# message that shows it, while 64 create+offer calls run in another
# department and then in the watched one, in one run against one batond
# (bench/run.sh starts and stops it). See bench/README.md.
#
#   bash bench/watch.sh                          # defaults: 150 probes per phase
#   bash bench/watch.sh --phases=idle,other,same --probes=300
set -euo pipefail
cd "$(dirname "$0")/.."
LOADGEN=baton-watch-latency exec bash bench/run.sh "$@"
