#!/usr/bin/env bash
# Runs Baton on this machine: installs what is missing, builds batond and
# batonctl (build/cmd/batonctl/batonctl, the README's $ctl), and starts
# batond with its embedded RocksDB in ./data/batond, the demo clinic
# organisation and its new-patient chain, on 127.0.0.1:7400 in open dev mode
# (no tokens; loopback only). Ctrl-C stops it cleanly.
# Usage: scripts/run.sh [extra batond flags]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target batond batonctl
echo "run.sh: starting batond on 127.0.0.1:7400; in another terminal," \
  "call it with build/cmd/batonctl/batonctl (README: Calling it)"
mkdir -p data
exec build/cmd/batond/batond --insecure_dev_mode --seed_demo \
  --listen=127.0.0.1:7400 --data_dir=data/batond "$@"
