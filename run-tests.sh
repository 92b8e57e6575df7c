#!/usr/bin/env bash
# Builds Kaoping with its tests (installing what is missing) and runs them all with ctest:
# unit tests per stage, golden tests (rule files + data + expected results or
# diagnostics), W1 compared byte for byte with the reference program, report.html in
# headless Chromium, runs killed while writing, and fmt over the repository.
set -euo pipefail
cd "$(dirname "$0")"
KAOPING_TEST_TOOLS=1 scripts/bootstrap.sh -DKAOPING_TESTS=ON
cd build
ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)"
