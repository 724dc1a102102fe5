#!/usr/bin/env bash
# Runs every Baton test on a fresh Debian bookworm machine: installs what is
# missing (apt-get, npm), builds with two jobs, and runs the whole CTest
# suite (unit, integration, e2e process tests, Node.js interop, lint).
# Usage: scripts/test.sh [extra ctest args, e.g. -L unit]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
# Two tests at a time on two cores; each test has its own ports and temp dirs.
ctest --test-dir build --output-on-failure -j2 --timeout 600 "$@"
