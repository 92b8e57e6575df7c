#!/usr/bin/env bash
# Generates W1 data, runs ref_w1 and kaoping on it, and requires identical results.csv.
#   compare.sh KAOPING SHARED_BENCH_DIR PERSONS [CXX] [SEED]
set -eu
kaoping=$1 shared=$2 persons=$3 cxx=${4:-g++} seed=${5:-1}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$shared/gen_w1.py" --persons "$persons" --seed "$seed" --out "$work/data" 2> /dev/null
"$cxx" -O2 -std=c++17 "$shared/ref_w1.cpp" -o "$work/ref_w1" -pthread
W1_THREADS=1 "$work/ref_w1" "$work/data" "$work/ref.csv"
"$kaoping" run "$repo/rulesets/bench/w1.kp" --data "$work/data" --out "$work/out" --quiet
if cmp "$work/ref.csv" "$work/out/results.csv"; then
  echo "W1 at $persons persons (seed $seed): identical to ref_w1 ($(wc -l < "$work/ref.csv") lines)"
else
  diff "$work/ref.csv" "$work/out/results.csv" | head -20 >&2
  exit 1
fi
