#!/usr/bin/env bash
# Lint checks of the source tree:
#   1. buf lint (STANDARD rules, protos/buf.yaml) over protos/, with the buf
#      CLI pinned in tests/lint/package.json (npm package @bufbuild/buf);
#   2. clang-format --dry-run --Werror over the project's own C++ files
#      (common/ services/ cmd/ tests/ bench/), style in .clang-format.
# Both run; exits non-zero when either fails.
#
# Fix formatting with:  clang-format -i $(tests/lint/run.sh --list-cxx)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

# The project's own C++ sources, relative to the repo root, one a line.
list_cxx() {
  (cd "$root" &&
    find common services cmd tests bench \
      \( -name node_modules -o -name build \) -prune -o \
      -type f \( -name '*.h' -o -name '*.cc' \) -print | LC_ALL=C sort)
}

if [[ "${1:-}" == "--list-cxx" ]]; then
  list_cxx
  exit 0
fi

passed=0
failed=0

# --- 1. buf lint ------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
  echo "lint: npm is not installed (see scripts/install-deps.sh)" >&2
  exit 1
fi
stamp="$here/node_modules/.baton-lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [[ ! -d "$here/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "lint: installing buf (npm ci)"
  (cd "$here" && npm ci --no-audit --no-fund)
  echo "$want" >"$stamp"
fi
buf="$here/node_modules/.bin/buf"
echo "lint: buf $("$buf" --version) lint protos/"
if (cd "$root/protos" && "$buf" lint --config buf.yaml); then
  echo "lint: buf lint passed"
  passed=$((passed + 1))
else
  echo "lint: buf lint FAILED" >&2
  failed=$((failed + 1))
fi

# --- 2. clang-format ---------------------------------------------------------
if ! command -v clang-format >/dev/null 2>&1; then
  echo "lint: clang-format is not installed (see scripts/install-deps.sh)" >&2
  exit 1
fi
mapfile -t files < <(list_cxx)
echo "lint: $(clang-format --version | head -n1): ${#files[@]} files"
if ((${#files[@]} == 0)); then
  echo "lint: no C++ files found under $root" >&2
  failed=$((failed + 1))
elif report="$(cd "$root" && clang-format --style=file --dry-run --Werror "${files[@]}" 2>&1)"; then
  echo "lint: clang-format passed"
  passed=$((passed + 1))
else
  # One warning per misformatted spot: show the files and the first few.
  grep -o '^[^:]*\.\(h\|cc\):' <<<"$report" | sort -u | sed 's/:$//; s/^/  needs formatting: /' >&2 || true
  head -n 60 <<<"$report" >&2
  echo "lint: clang-format FAILED; fix with: clang-format -i \$(tests/lint/run.sh --list-cxx)" >&2
  failed=$((failed + 1))
fi

echo "lint: ${passed} passed, ${failed} failed"
((failed == 0))
