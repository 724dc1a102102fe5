#!/usr/bin/env bash
# Installs everything Baton needs to build, run and test on Debian bookworm.
# Idempotent: a second run installs nothing new. Needs root (or sudo) for apt-get.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libjwt-dev libssl-dev nlohmann-json3-dev libspdlog-dev
  clang-format curl ca-certificates
  # Fuzzing (scripts/fuzz.sh): clang with libFuzzer and the sanitizer runtimes,
  # and llvm-symbolizer (in llvm-14) for readable stacks.
  clang-14 libclang-rt-14-dev llvm-14
)
# Node.js runs the interop client and buf; take Debian's only when none is present.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
