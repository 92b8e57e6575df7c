#!/usr/bin/env bash
# The sanitizer job: builds Kaoping and its tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (-DKAOPING_SANITIZE=ON) in build-asan/ and runs the whole
# ctest suite there. Any sanitizer report fails the test that triggered it (UBSan is built
# with -fno-sanitize-recover, ASan aborts on the first error, LeakSanitizer reports leaks
# at exit), so the job is green only when every test passes.
#
#   scripts/sanitize.sh [extra ctest arguments...]      e.g. scripts/sanitize.sh -R limits
#
# Environment: ASAN_BUILD (build directory, default build-asan), ASAN_JOBS (parallel
# compile and test jobs, default nproc). Dependencies as for run-tests.sh (run it, or
# scripts/bootstrap.sh, first on a fresh machine).
#
# Nothing is skipped. Tests that time runs (the kill tests, W1, the browser test) keep
# their own timeouts, which leave room for the sanitizers' 2-5x slowdown; other tests get
# ctest's default timeout raised to 1500 s (--timeout) only as a safety net.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${ASAN_BUILD:-$repo/build-asan}
jobs=${ASAN_JOBS:-$(nproc 2>/dev/null || echo 2)}

# -O1: the usual sanitizer trade-off (fast enough to run the suite, exact reports);
# -g1: line tables for the reports' stack traces. Assertions stay on (no NDEBUG).
cmake -S "$repo" -B "$build" -DKAOPING_SANITIZE=ON -DKAOPING_TESTS=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" > /dev/null
start=$SECONDS
cmake --build "$build" -j"$jobs"
echo "sanitize: built in $((SECONDS - start)) s"

# detect_stack_use_after_return is off: its fake stacks multiply the memory of the
# deliberately deep (bounded) recursions the limit tests exercise.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=0:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

cd "$build"
start=$SECONDS
status=0
ctest --output-on-failure -j"$jobs" --timeout 1500 "$@" || status=$?
echo "sanitize: ctest took $((SECONDS - start)) s (status $status)"
exit $status
