#!/usr/bin/env bash
# Differential test: every golden run and data case, and W1, run twice — once by the
# reference configuration (the interpreter, one thread) and once by the configuration under
# test — and everything the two runs produce must be the same bytes: the exit status,
# standard output and error, and every file written (results.csv, results.json, ...).
#
#   differential.sh KAOPING MODE [W1_PERSONS=1000]
#
# MODE threads: --threads 3 with KAOPING_CHUNK_BYTES=1, so that every events file of two
#               or more rows is cut into chunks read by separate threads and merged.
# MODE jit:     the LLVM JIT (a build with -DKAOPING_JIT=ON) against KAOPING_JIT=0.
# MODE jit-threads: both.
# Every case runs as the golden test runs it (with the ledger) and with --no-ledger (the
# JIT's kernels only run without a ledger).
set -u
kaoping=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") mode=$2 persons=${3:-1000}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
golden=$repo/tests/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 cases=0

scheme_of() {
  if [ -f "$1/scheme.path" ]; then echo "$repo/$(tr -d '\n' < "$1/scheme.path")"; else echo "$1/scheme.kp"; fi
}
data_args() {
  local d=$1/data
  if [ -f "$d/roster.csv" ] || [ -f "$d/units.csv" ]; then echo "--data $d"; return; fi
  local x
  for x in "$d"/*/; do echo -n "--data ${x%/} "; done
}

# run OUTDIR DIR SCHEME [args...]: one run in DIR, everything it produces kept in OUTDIR
run_variant() {
  local out=$1 dir=$2 variant=$3
  shift 3
  mkdir -p "$out"
  case $variant in
    reference) (cd "$dir" && KAOPING_JIT=0 "$kaoping" run "$@" --out "$out/out" > "$out/stdout" 2> "$out/stderr"; echo $? > "$out/status") ;;
    threads) (cd "$dir" && KAOPING_JIT=0 KAOPING_CHUNK_BYTES=1 "$kaoping" run "$@" --threads 3 --out "$out/out" > "$out/stdout" 2> "$out/stderr"; echo $? > "$out/status") ;;
    jit) (cd "$dir" && KAOPING_JIT=1 "$kaoping" run "$@" --out "$out/out" > "$out/stdout" 2> "$out/stderr"; echo $? > "$out/status") ;;
    jit-threads) (cd "$dir" && KAOPING_JIT=1 KAOPING_CHUNK_BYTES=1 "$kaoping" run "$@" --threads 3 --out "$out/out" > "$out/stdout" 2> "$out/stderr"; echo $? > "$out/status") ;;
  esac
  # the output directory appears in messages
  sed -i "s#$out/##g" "$out/stdout" "$out/stderr"
}

compare_case() {
  local name=$1 dir=$2
  shift 2
  cases=$((cases + 1))
  rm -rf "$work/a" "$work/b"
  run_variant "$work/a" "$dir" reference "$@"
  run_variant "$work/b" "$dir" "$mode" "$@"
  if ! diff -r "$work/a" "$work/b" > "$work/diff" 2>&1; then
    echo "DIFFERENT: $name" >&2
    head -20 "$work/diff" >&2
    failures=$((failures + 1))
  fi
}

for kind in run data; do
  for case in "$golden/$kind"/*/; do
    case=${case%/}
    [ -d "$case/data" ] || continue
    extra=""
    [ -f "$case/args" ] && extra=$(sed "s#@CASE@#$case#g" "$case/args")
    # shellcheck disable=SC2046,SC2086
    compare_case "$kind/$(basename "$case")" "$case" "$(scheme_of "$case")" $(data_args "$case") --lang en $extra
    # shellcheck disable=SC2046,SC2086
    compare_case "$kind/$(basename "$case") --no-ledger" "$case" "$(scheme_of "$case")" $(data_args "$case") --lang en --no-ledger $extra
  done
done

# W1, with and without the ledger.
if python3 "$repo/bench/w1/gen_w1.py" --persons "$persons" --seed 1 --out "$work/w1" 2> /dev/null; then
  compare_case "w1 $persons" "$work" "$repo/rulesets/bench/w1.kp" --data "$work/w1" --quiet
  compare_case "w1 $persons --no-ledger" "$work" "$repo/rulesets/bench/w1.kp" --data "$work/w1" --quiet --no-ledger
fi

echo "$mode: $cases cases, $failures different"
[ "$failures" -eq 0 ]
