#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each of them for DURATION seconds.
#
#   fuzz/run_all.sh DURATION [TARGET...]
#
# CI runs it with a short budget (.ci/run: 60 s each); run it by hand for hours. Each
# target first replays its regression inputs (fuzz/regressions/<target>/), then fuzzes
# from its working corpus (kept between runs in $FUZZ_CORPUS/<target>) and fresh seeds
# made from the repository (fuzz/make_seeds.sh). A crash, leak, timeout or sanitizer
# report stops that target; the input is saved in $FUZZ_CORPUS/artifacts/<target>/ and
# the script exits 1 after the other targets ran. Copy a fixed crash into
# fuzz/regressions/<target>/ so that it stays fixed (the fuzz.replay.* ctests run them).
#
# Environment: FUZZ_BUILD (build directory, default build-fuzz), FUZZ_CORPUS (default
# $FUZZ_BUILD/corpus), FUZZ_JOBS (targets run at the same time, default 1), CXX (default
# clang++-14), FUZZ_FIGURES (file the per-target figures are appended to, optional),
# FUZZ_INSTALL=1 (install clang-14 and libclang-rt-14-dev with apt-get when they are
# missing and the script runs as root, as on a fresh Debian 12 CI machine; otherwise the
# script installs nothing and says what is missing).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
duration=${1:?usage: fuzz/run_all.sh DURATION [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_rules fuzz_csv fuzz_data fuzz_decimal)
build=${FUZZ_BUILD:-$repo/build-fuzz}
corpus=${FUZZ_CORPUS:-$build/corpus}
jobs=${FUZZ_JOBS:-1}
cxx=${CXX:-clang++-14}
cc=${CC:-clang-14}

# clang with the libFuzzer runtime (Debian: clang-14 and libclang-rt-14-dev).
toolchain_ok() {
  command -v "$cxx" > /dev/null || return 1
  local probe
  probe=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$probe/p.cpp"
  "$cxx" -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" > /dev/null 2>&1
  local status=$?
  rm -rf "$probe"
  return $status
}
if ! toolchain_ok; then
  if [ "${FUZZ_INSTALL:-0}" = 1 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
    echo "fuzz/run_all.sh: installing clang-14 libclang-rt-14-dev" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      clang-14 libclang-rt-14-dev > /dev/null || exit 2
  fi
  if ! toolchain_ok; then
    echo "fuzz/run_all.sh: $cxx cannot build libFuzzer targets (-fsanitize=fuzzer,address,undefined)." >&2
    echo "  On Debian 12: apt-get install clang-14 libclang-rt-14-dev" >&2
    echo "  (or run this script as root with FUZZ_INSTALL=1 to have it installed), or set CXX/CC." >&2
    exit 2
  fi
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  mkdir -p "$build"
  CC=$cc CXX=$cxx cmake -S "$repo" -B "$build" -DKAOPING_FUZZ=ON -DKAOPING_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build/cmake.log" 2>&1 || { cat "$build/cmake.log" >&2; exit 2; }
fi
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" > "$build/fuzz-build.log" 2>&1 ||
  { tail -30 "$build/fuzz-build.log" >&2; exit 2; }

seeds=$corpus/seeds
rm -rf "$seeds"
"$repo/fuzz/make_seeds.sh" "$seeds" > /dev/null
mkdir -p "$corpus/logs"

options() {  # per-target libFuzzer options
  case $1 in
    fuzz_rules) echo "-max_len=16384 -dict=$seeds/rules.dict" ;;
    fuzz_csv) echo "-max_len=4096" ;;
    fuzz_data) echo "-max_len=8192" ;;
    fuzz_decimal) echo "-max_len=512" ;;
  esac
}

run_one() {
  local t=$1 bin=$build/fuzz/$1 log=$corpus/logs/$1.log
  mkdir -p "$corpus/$t" "$corpus/artifacts/$t"
  if [ -d "$repo/fuzz/regressions/$t" ] && ! "$bin" -runs=0 "$repo/fuzz/regressions/$t" > "$log.replay" 2>&1; then
    echo "$t: a regression input fails again (see $log.replay)"
    return 1
  fi
  local start=$SECONDS
  # shellcheck disable=SC2046
  "$bin" "$corpus/$t" "$seeds/$t" $(options "$t") -max_total_time="$duration" -timeout=20 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$corpus/artifacts/$t/" > "$log" 2>&1
  local status=$?
  local execs units
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  units=$(find "$corpus/$t" -type f | wc -l)
  local line
  line=$(printf '%-13s %6ss %12s execs %7s corpus  %s' "$t" $((SECONDS - start)) "${execs:-?}" "$units" \
    "$([ $status -eq 0 ] && echo ok || echo "FAILED (status $status, see $log)")")
  echo "$line"
  [ -n "${FUZZ_FIGURES:-}" ] && echo "$(date -u +%FT%TZ) $line" >> "$FUZZ_FIGURES"
  return $status
}

failed=0
running=0
for t in "${targets[@]}"; do
  run_one "$t" > "$corpus/logs/$t.summary" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
for t in "${targets[@]}"; do cat "$corpus/logs/$t.summary"; done
if [ $failed -ne 0 ]; then
  echo "fuzzing found a problem: inputs in $corpus/artifacts/" >&2
  for t in "${targets[@]}"; do grep -m3 -E "ERROR|SUMMARY|mismatch|fuzz_data:|==[0-9]+==" "$corpus/logs/$t.log" 2>/dev/null; done >&2
  exit 1
fi
