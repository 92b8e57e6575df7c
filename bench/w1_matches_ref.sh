#!/usr/bin/env bash
# W1 at --persons N (default 10000): kaoping's results.csv must be byte-identical to the
# reference program's. Uses the build in build/ (./run-example.sh or ./run-tests.sh makes it).
#   bench/w1_matches_ref.sh [PERSONS] [SEED]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
exec "$repo/tests/w1/compare.sh" "$repo/build/cli/kaoping" "$repo/bench/w1" "${1:-10000}" g++ "${2:-1}"
