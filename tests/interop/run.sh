#!/usr/bin/env bash
# Runs the Node.js interop tests against the real batond binary.
#
#   BATOND=/path/to/batond tests/interop/run.sh
#
# Installs the pinned packages (npm ci) when node_modules is missing or was
# installed from another package-lock.json, then runs `node --test`.
# Exits non-zero when anything fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "interop: '$tool' is not installed (needs Node.js 18+ and npm; see scripts/install-deps.sh)" >&2
    exit 1
  fi
done

# node_modules is current when it was installed from this very lock file.
stamp="node_modules/.baton-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -d node_modules || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "interop: installing packages (npm ci)"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

exec node --test --test-reporter=spec interop.test.mjs
