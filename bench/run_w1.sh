#!/usr/bin/env bash
# The W1 benchmark (bench/w1/W1.md): kaoping against the hand-written reference ref_w1,
# end to end (CSV in, results.csv out), in one run on this machine.
#
#   bench/run_w1.sh [--sizes "1000 10000 100000"] [--runs 5] [--data DIR] [--no-jit] [--no-build]
#
# Builds ref_w1 (g++ -O2) and kaoping (Release; and Release with -DKAOPING_JIT=ON when
# LLVM 15 is installed: apt-get install llvm-15-dev), generates the W1 data with gen_w1.py
# for each size (once; kept in --data, default /tmp/kaoping-w1), then runs every mode
# --runs times, interleaved (ref_w1 with W1_THREADS=1, the interpreter, the JIT, and both
# with --threads 2), checks that every results.csv is byte-identical to ref_w1's, and
# prints the median wall times, their ratios to ref_w1's, peak memory (max RSS) and its
# ratio, events per second, and the scaling from one size to the next. Finally it times
# `kaoping check` (parsing, checking and planning) of a generated 2,000-rule scheme.
#
# Take the numbers when the machine is quiet (the script prints the load average before
# and after); the modes are interleaved so that a disturbance hits them alike.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sizes="1000 10000 100000"
runs=5
data=${KAOPING_BENCH_DATA:-/tmp/kaoping-w1}
jit=auto
build=1
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --no-jit) jit=no; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

interp_dir=${KAOPING_BENCH_BUILD:-$repo/build-bench}
jit_dir=${KAOPING_BENCH_BUILD_JIT:-$repo/build-bench-jit}
mkdir -p "$data"
if [ "$jit" = auto ]; then
  if [ -d /usr/lib/llvm-15/lib/cmake/llvm ]; then jit=yes; else jit=no; echo "no LLVM 15: the JIT is not measured" >&2; fi
fi
if [ $build = 1 ]; then
  echo "building ref_w1 and kaoping (Release) ..." >&2
  g++ -O2 -std=c++17 -pthread "$repo/bench/w1/ref_w1.cpp" -o "$data/ref_w1"
  cmake -S "$repo" -B "$interp_dir" -DCMAKE_BUILD_TYPE=Release -DKAOPING_TESTS=OFF > /dev/null
  cmake --build "$interp_dir" -j"$(nproc)" --target kaoping > /dev/null
  if [ "$jit" = yes ]; then
    cmake -S "$repo" -B "$jit_dir" -DCMAKE_BUILD_TYPE=Release -DKAOPING_TESTS=OFF -DKAOPING_JIT=ON > /dev/null
    cmake --build "$jit_dir" -j"$(nproc)" --target kaoping > /dev/null
  fi
fi
args=(--repo "$repo" --data "$data" --ref "$data/ref_w1" --interp "$interp_dir/cli/kaoping" --runs "$runs" --sizes "$sizes")
[ "$jit" = yes ] && args+=(--jit "$jit_dir/cli/kaoping")
exec python3 "$repo/bench/w1/measure.py" "${args[@]}"
