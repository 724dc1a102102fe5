#!/usr/bin/env bash
# Builds Baton's libFuzzer targets (tests/fuzz/) with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer in their own tree (build-fuzz/), then runs
# each for a bounded time, starting from a copy of its seed corpus
# (tests/fuzz/corpus/<target>/; runs never write into the repository).
# Fails on any crash, sanitizer report (memory error, leak, UB), broken
# property (FUZZ_CHECK) or input that runs longer than the per-input timeout.
# The input that failed is kept as build-fuzz/findings/<target>/crash-* (or
# leak-*, timeout-*); replay it with: build-fuzz/tests/fuzz/<target>_fuzz FILE
#
# Usage: scripts/fuzz.sh [seconds per target, default 20] [target ...]
#   e.g. scripts/fuzz.sh 60              every target for a minute
#        scripts/fuzz.sh 300 jwt_verifier
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true
if (($# > 0)); then
  targets=("$@")
else
  # One target per seed corpus directory.
  mapfile -t targets < <(find tests/fuzz/corpus -mindepth 1 -maxdepth 1 -type d -printf '%f\n' |
    LC_ALL=C sort)
fi

bash scripts/install-deps.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# -O1 and line tables only: a quicker build, and stacks still name file:line.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DBATON_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  "${launcher[@]}" >/dev/null
nice cmake --build build-fuzz -j2 --target "${targets[@]/%/_fuzz}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
symbolizer="$(command -v llvm-symbolizer-14 || true)"
[[ -n "$symbolizer" ]] && export ASAN_SYMBOLIZER_PATH="$symbolizer"

failed=()
for target in "${targets[@]}"; do
  corpus="$work/$target"
  cp -r "tests/fuzz/corpus/$target" "$corpus"
  findings="build-fuzz/findings/$target"
  mkdir -p "$findings"
  args=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$findings/")
  [[ -f "tests/fuzz/$target.dict" ]] && args+=(-dict="tests/fuzz/$target.dict")
  log="$work/$target.log"
  if "build-fuzz/tests/fuzz/${target}_fuzz" "${args[@]}" "$corpus" >"$log" 2>&1; then
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    echo "fuzz: $target passed: ${runs:-?} inputs in ${seconds}s, corpus $(ls "$corpus" | wc -l)"
  else
    echo "fuzz: $target FAILED; the end of its log:" >&2
    tail -n 60 "$log" >&2
    echo "fuzz: replay with: build-fuzz/tests/fuzz/${target}_fuzz $findings/<file>" >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed"
