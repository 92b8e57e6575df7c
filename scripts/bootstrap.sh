#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build Kaoping, then configures and
# builds it in build/ (Release). Safe to run again: it installs nothing that is present
# and rebuilds only what changed.
#   scripts/bootstrap.sh [extra cmake options...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake antlr4 libantlr4-runtime-dev libfmt-dev nlohmann-json3-dev
          libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev python3)
# The tests also need headless Chromium (report.html), the sqlite3 shell (the store's kill
# test) and a CJK font for the screenshots: KAOPING_TEST_TOOLS=1 (run-tests.sh sets it).
if [ "${KAOPING_TEST_TOOLS:-0}" = 1 ]; then
  packages+=(chromium sqlite3 fonts-wqy-microhei)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" > /dev/null
cmake --build build -j"$jobs"
